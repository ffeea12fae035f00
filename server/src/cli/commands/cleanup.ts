import { createTwoFilesPatch } from 'diff';
import type { VariantValue } from '../../../../shared/src/registryModel';
import { planCleanup } from '../../core/features/cleanupPlan';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { applyFileChanges, WriteRefusedError } from '../../node/atomicWrite';
import type { CommandIo, OutputFormat } from '../cliContext';

export interface CleanupOptions {
  flag: string;
  value: VariantValue | null;
  write: boolean;
  keepRegistry: boolean;
  /** Removes the registry entry even while the key is still written in the code. */
  force?: boolean;
  /** Confirms a change to a protected environment's registry file, as for toggle. */
  yes: boolean;
  format: OutputFormat;
}

/**
 * Removes a flag from the code as if it always served `value` (and from the registry unless
 * kept). Dry run by default: prints a unified diff. `--write` applies all of it or, when any file
 * changed since it was read, none of it.
 */
export async function runCleanup(
  workspace: FlagWorkspace,
  options: CleanupOptions,
  io: CommandIo,
): Promise<number> {
  const plan = await planCleanup(workspace, [{ flag: options.flag, value: options.value }], {
    removeFromRegistry: !options.keepRegistry,
    force: options.force === true,
  });
  if (plan.files.length === 0 && plan.deletedFiles.length === 0) {
    io.err(`flaglens: nothing to clean up for "${options.flag}"`);
    return 1;
  }
  // JSON is printed once the outcome is known, so that `written` is true only when it was.
  const printJson = (written: boolean) =>
    io.out(
      JSON.stringify(
        {
          flag: options.flag,
          value: options.value,
          written,
          files: plan.files.map((file) => file.file),
          deletedFiles: plan.deletedFiles.map((file) => file.file),
          report: plan.report,
        },
        null,
        2,
      ),
    );
  if (options.format !== 'json') {
    for (const file of plan.files)
      io.out(
        createTwoFilesPatch(`a/${file.file}`, `b/${file.file}`, file.before, file.after, '', '', {
          context: 3,
        })
          .replace(/^=+\n/, '')
          .trimEnd(),
      );
    for (const file of plan.deletedFiles)
      io.out(
        createTwoFilesPatch(`a/${file.file}`, '/dev/null', file.before, '', '', '', { context: 0 })
          .replace(/^=+\n/, '')
          .trimEnd(),
      );
    if (plan.report.length > 0) {
      io.err('');
      for (const entry of plan.report)
        io.err(
          `${entry.needsHuman ? 'needs a human' : 'done'}: ${entry.file}:${entry.line}: ${entry.message}`,
        );
    }
  }
  const finish = (status: number, written: boolean) => {
    if (options.format === 'json') printJson(written);
    return status;
  };
  if (!options.write) return finish(0, false);
  const touched = new Set(plan.files.map((file) => file.file));
  const protectedEnvironments = workspace
    .environments()
    .filter((env) => workspace.isProtected(env))
    .filter((env) => {
      const file = workspace.registry.fileOfEnvironment(env);
      return file !== undefined && touched.has(file.file);
    });
  // The rule of every command that edits a registry: a protected environment needs --yes.
  if (protectedEnvironments.length > 0 && !options.yes) {
    const one = protectedEnvironments.length === 1;
    io.err(
      `flaglens: ${protectedEnvironments.join(', ')} ${one ? 'is a protected environment' : 'are protected environments'}; re-run with --yes to remove ${options.flag} from ${one ? 'it' : 'them'}. Nothing was written.`,
    );
    return finish(1, false);
  }
  try {
    // One change: every file is checked before any is written, and put back if a write fails.
    await applyFileChanges(
      plan.files.map((file) => ({
        file: workspace.absolute(file.file),
        expectedVersion: file.version,
        edits: file.edits,
      })),
      plan.deletedFiles.map((file) => ({
        file: workspace.absolute(file.file),
        expectedVersion: file.version,
      })),
      { workspaceRoot: workspace.root },
    );
  } catch (error) {
    if (!(error instanceof WriteRefusedError)) throw error;
    io.err(`flaglens: ${error.message}`);
    return finish(1, false);
  }
  if (options.format !== 'json')
    io.err(
      `Cleaned up ${options.flag}: ${plan.files.length} file(s) changed, ${plan.deletedFiles.length} deleted.`,
    );
  return finish(0, true);
}
