import { type CommandIo, findingRow, type OutputFormat, sortFindings } from '../cliContext';
import { toSarif } from '../sarif';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import type { Finding } from '../../../../shared/src/registryModel';

export async function runCheck(
  workspace: FlagWorkspace,
  collect: (workspace: FlagWorkspace) => Promise<Finding[]>,
  format: OutputFormat,
  io: CommandIo,
  version: string,
): Promise<number> {
  const rows = sortFindings(await collect(workspace)).map(findingRow);
  if (format === 'json') io.out(JSON.stringify(rows, null, 2));
  else if (format === 'sarif') io.out(JSON.stringify(toSarif(rows, version), null, 2));
  else {
    for (const row of rows)
      io.out(`${row.file}:${row.line}:${row.column}: ${row.severity} ${row.code}: ${row.message}`);
    const errors = rows.filter((row) => row.severity === 'error').length;
    const warnings = rows.filter((row) => row.severity === 'warning').length;
    io.out(
      rows.length === 0
        ? 'No problems found.'
        : `${errors} error(s), ${warnings} warning(s), ${rows.length - errors - warnings} note(s).`,
    );
  }
  return rows.some((row) => row.severity === 'error') ? 1 : 0;
}
