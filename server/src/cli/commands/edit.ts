import type { OffsetEdit } from '../../core/textEdit';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { RegistryEditError } from '../../core/edits/registryEditError';
import { updateFile } from '../../node/atomicWrite';
import { type CommandIo, type OutputFormat, UsageError } from '../cliContext';

export interface RegistryEditRequest {
  flag: string;
  env: string;
  /** What the edit does, for the message. */
  description: string;
  yes: boolean;
  format: OutputFormat;
  makeEdits(text: string): OffsetEdit[];
}

/**
 * Applies one structured edit to one environment file: refuses on protected environments
 * without --yes, and plans the edit on the file's text as it is when written (under its lock),
 * so a change made meanwhile by another writer is kept.
 */
export async function runRegistryEdit(
  workspace: FlagWorkspace,
  request: RegistryEditRequest,
  io: CommandIo,
): Promise<number> {
  const file = workspace.registry.fileOfEnvironment(request.env);
  if (!file)
    throw new UsageError(
      `unknown environment "${request.env}"; known: ${workspace.environments().join(', ')}`,
    );
  const current = workspace.registry.currentFile(file.file);
  const text = workspace.registry.currentText(file.file);
  if (!current || current.unusable || text === undefined) {
    io.err(`flaglens: ${file.file} is broken; fix it before editing (run "flaglens check")`);
    return 1;
  }
  if (!current.flags.has(request.flag)) {
    io.err(`flaglens: flag "${request.flag}" is not defined in ${request.env} (${file.file})`);
    return 1;
  }
  if (workspace.isProtected(request.env) && !request.yes) {
    io.err(
      `flaglens: ${request.env} is a protected environment; re-run with --yes to ${request.description}`,
    );
    return 1;
  }
  let edits: OffsetEdit[];
  try {
    // Planned on the file as it is once this writer holds its lock: parallel edits of one file
    // each apply to what the previous one wrote.
    ({ edits } = await updateFile(workspace.absolute(file.file), request.makeEdits, {
      workspaceRoot: workspace.root,
    }));
  } catch (error) {
    if (!(error instanceof RegistryEditError)) throw error;
    io.err(`flaglens: ${error.message}`);
    return 1;
  }
  if (request.format === 'json')
    io.out(
      JSON.stringify({ flag: request.flag, env: request.env, file: file.file, changed: edits.length > 0 }),
    );
  else io.out(edits.length > 0 ? `${file.file}: ${request.description}` : `${file.file}: nothing to change`);
  return 0;
}
