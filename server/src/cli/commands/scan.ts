import type { FlagUsage } from '../../../../shared/src/usage';
import { flagOfUsage } from '../../core/analysis/codeFindings';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { cliLocation, type CommandIo, type OutputFormat } from '../cliContext';

/** The stable JSON shape of a usage: 1-based positions, workspace-relative file. */
export interface UsageRow {
  flag: string | null;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  sdk: string;
  api: string;
  resolution: FlagUsage['resolution'];
  /** How the key itself was found: for a wrapper call, how its key argument resolved; else `resolution`. */
  keyResolution: FlagUsage['resolution'];
  expectedType: FlagUsage['expectedType'];
  keyText: string;
  defaultValue: string | null;
  known: boolean;
}

export function runScan(workspace: FlagWorkspace, format: OutputFormat, io: CommandIo): number {
  const rows: UsageRow[] = workspace
    .usages()
    .map((usage) => {
      const summary = flagOfUsage(workspace.registry, usage);
      return {
        // A LaunchDarkly `useFlags()` read names its flag camelCased (that name stays in `keyText`).
        flag: summary?.key ?? usage.flag,
        ...cliLocation(usage.file, usage.keyRange),
        sdk: usage.sdk,
        api: usage.api,
        resolution: usage.resolution,
        keyResolution: usage.keyResolution ?? usage.resolution,
        expectedType: usage.expectedType,
        keyText: usage.keyText,
        defaultValue: usage.defaultValue ?? null,
        known: summary !== undefined,
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  if (format === 'json') {
    io.out(JSON.stringify(rows, null, 2));
    return 0;
  }
  const width = Math.max(0, ...rows.map((row) => `${row.file}:${row.line}:${row.column}`.length));
  for (const row of rows) {
    const where = `${row.file}:${row.line}:${row.column}`.padEnd(width);
    const flag = row.flag === null ? `(dynamic: ${row.keyText})` : row.flag;
    io.out(
      `${where}  ${flag}  ${row.api} [${row.resolution}]${row.flag !== null && !row.known ? '  not in registry' : ''}`,
    );
  }
  const flags = new Set(rows.filter((row) => row.flag !== null).map((row) => row.flag));
  const dynamic = rows.filter((row) => row.flag === null).length;
  io.out(
    `${rows.length} usage(s) of ${flags.size} flag(s) in ${new Set(rows.map((row) => row.file)).size} file(s); ${dynamic} dynamic.`,
  );
  return 0;
}
