import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { readFlagHistory } from '../../node/gitHistory';
import type { CommandIo, OutputFormat } from '../cliContext';

/** Stale flags with reason and evidence. Exit 1 when there are any: flag debt fails the build if you want it to. */
export async function runStale(
  workspace: FlagWorkspace,
  options: { format: OutputFormat; git: boolean },
  io: CommandIo,
): Promise<number> {
  if (options.git)
    workspace.setHistory(
      await readFlagHistory(workspace.root, workspace.registry.files(), { now: io.now() }),
    );
  const verdicts = workspace.staleVerdicts();
  if (options.format === 'json') {
    io.out(JSON.stringify(verdicts, null, 2));
  } else {
    for (const verdict of verdicts) {
      io.out(`${verdict.flag}: ${verdict.reasons.join(', ')}`);
      io.out(`  ${verdict.message}`);
      for (const evidence of verdict.evidence) {
        const where = evidence.file
          ? `${evidence.file}${evidence.line ? `:${evidence.line}` : ''}: `
          : evidence.env
            ? `${evidence.env}: `
            : '';
        io.out(`  - ${where}${evidence.detail}`);
      }
      if (verdict.readyForRemoval) {
        if (verdict.servedValue !== undefined)
          io.out(
            `  ready: flaglens cleanup ${verdict.flag} --value '${JSON.stringify(verdict.servedValue)}'`,
          );
      } else io.out(`  not ready: ${verdict.blockers.join('; ')}`);
    }
    io.out(
      verdicts.length === 0
        ? 'No stale flags.'
        : `${verdicts.length} stale flag(s), ${verdicts.filter((verdict) => verdict.readyForRemoval).length} ready for removal.`,
    );
  }
  return verdicts.length > 0 ? 1 : 0;
}
