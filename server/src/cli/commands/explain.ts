import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { definitionRules } from '../../core/features/serving';
import { type CommandIo, type OutputFormat, UsageError } from '../cliContext';

export function runExplain(
  workspace: FlagWorkspace,
  flag: string,
  env: string | undefined,
  format: OutputFormat,
  io: CommandIo,
): number {
  const summary = workspace.registry.flag(flag);
  if (!summary) {
    io.err(`flaglens: flag "${flag}" is not in the registry`);
    return 1;
  }
  const environments = env === undefined ? workspace.environments() : [env];
  if (env !== undefined && !workspace.environments().includes(env)) {
    throw new UsageError(`unknown environment "${env}"; known: ${workspace.environments().join(', ')}`);
  }
  const explained = environments.map((environment) => {
    const definition = summary.definitions.find((candidate) => candidate.environment === environment);
    if (!definition)
      return { env: environment, defined: false, rules: [] as { kind: string; text: string }[] };
    const rules = definitionRules(workspace, definition);
    return { env: environment, defined: true, rules };
  });
  if (format === 'json') {
    io.out(
      JSON.stringify(
        {
          flag,
          description: summary.lifecycle.description ?? null,
          owner: summary.lifecycle.owner ?? null,
          type: summary.lifecycle.type ?? null,
          environments: explained,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const facts = [summary.lifecycle.type, summary.lifecycle.owner && `owner ${summary.lifecycle.owner}`]
    .filter(Boolean)
    .join(', ');
  io.out(
    `${flag}${facts ? ` (${facts})` : ''}${summary.lifecycle.description ? `: ${summary.lifecycle.description}` : ''}`,
  );
  for (const entry of explained) {
    io.out('');
    io.out(`${entry.env}:`);
    if (!entry.defined) io.out('  (not defined in this environment)');
    for (const rule of entry.rules) io.out(`  ${rule.text}`);
  }
  return 0;
}
