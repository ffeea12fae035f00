import type { FindingRow } from './cliContext';

const LEVELS: Record<FindingRow['severity'], 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** A SARIF 2.1.0 log of findings, for code-scanning dashboards. */
export function toSarif(rows: FindingRow[], version: string): object {
  const ruleIds = [...new Set(rows.map((row) => row.code))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'flaglens',
            version,
            informationUri: 'https://github.com/flaglens/flaglens',
            rules: ruleIds.map((id) => ({
              id,
              shortDescription: { text: id.replace(/^[a-z]+\//, '').replace(/-/g, ' ') },
            })),
          },
        },
        results: rows.map((row) => ({
          ruleId: row.code,
          ruleIndex: ruleIds.indexOf(row.code),
          level: LEVELS[row.severity],
          message: { text: row.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: row.file, uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: row.line,
                  startColumn: row.column,
                  endLine: row.endLine,
                  endColumn: row.endColumn,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}
