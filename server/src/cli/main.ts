import { parseArgs } from 'node:util';
import type { JsonValue, VariantValue } from '../../../shared/src/registryModel';
import { workspaceFindings } from '../core/analysis/workspaceFindings';
import { setRollout, toggleFlag } from '../core/edits/registryEdits';
import type { FlagWorkspace } from '../core/workspace/flagWorkspace';
import {
  type CommandIo,
  type OutputFormat,
  openWorkspace,
  parseJsonOption,
  resolveWorkspaceDir,
  UsageError,
} from './cliContext';
import { runCheck } from './commands/check';
import { runRegistryEdit } from './commands/edit';
import { runEval } from './commands/evaluate';
import { runExplain } from './commands/explain';
import { runScan } from './commands/scan';
import { runCleanup } from './commands/cleanup';
import { runStale } from './commands/stale';
import { runExperiment, runExperiments, runShip, runShowSql } from './commands/experiment';
import { loadPreregisteredPlans } from '../node/experiments/planHistory';
import { WriteRefusedError } from '../node/writeErrors';
import { runGuard, runGuardShowSql } from './commands/guard';

const VERSION = '0.1.0';

interface CommandSpec {
  summary: string;
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; description: string }>;
  formats: OutputFormat[];
  run(args: ParsedArgs, io: CommandIo, cwd: string): Promise<number>;
}

interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

const common = {
  dir: { type: 'string', description: 'workspace folder (default: the current directory)' },
  format: { type: 'string', description: 'output format' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

function format(args: ParsedArgs, allowed: OutputFormat[]): OutputFormat {
  const value = (args.values.format as string | undefined) ?? 'text';
  if (!(allowed as string[]).includes(value))
    throw new UsageError(`--format must be one of ${allowed.join(', ')}`);
  return value as OutputFormat;
}

function atOption(args: ParsedArgs): Date | undefined {
  const atText = args.values.at as string | undefined;
  const at = atText === undefined ? undefined : new Date(atText);
  if (at && Number.isNaN(at.getTime())) throw new UsageError(`--at is not an ISO time: ${atText}`);
  return at;
}

function requireString(args: ParsedArgs, name: string): string {
  const value = args.values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function workspaceFor(
  args: ParsedArgs,
  io: CommandIo,
  cwd: string,
  options: { positionalDir?: boolean; withCode?: boolean } = {},
): Promise<FlagWorkspace> {
  const dir =
    (args.values.dir as string | undefined) ?? (options.positionalDir ? args.positionals[0] : undefined);
  const workspace = await openWorkspace(resolveWorkspaceDir(dir, cwd), io, options.withCode === true);
  if (workspace.registry.files().length === 0)
    io.err(`flaglens: no registry files (${workspace.config.registry.join(', ')}) found in ${dir ?? '.'}`);
  return workspace;
}

const commands: Record<string, CommandSpec> = {
  check: {
    summary: 'registry and code diagnostics',
    usage: 'flaglens check [dir] [--format text|json|sarif]',
    options: { ...common },
    formats: ['text', 'json', 'sarif'],
    run: async (args, io, cwd) =>
      runCheck(
        await workspaceFor(args, io, cwd, { positionalDir: true, withCode: true }).then(async (workspace) => {
          await loadPreregisteredPlans(workspace);
          return workspace;
        }),
        workspaceFindings,
        format(args, ['text', 'json', 'sarif']),
        io,
        VERSION,
      ),
  },
  scan: {
    summary: 'every flag usage in the code, dynamic ones included',
    usage: 'flaglens scan [dir] [--format text|json]',
    options: { ...common },
    formats: ['text', 'json'],
    run: async (args, io, cwd) =>
      runScan(
        await workspaceFor(args, io, cwd, { positionalDir: true, withCode: true }),
        format(args, ['text', 'json']),
        io,
      ),
  },
  stale: {
    summary: 'stale flags with the reason and the evidence',
    usage: 'flaglens stale [dir] [--format text|json] [--no-git]',
    options: {
      ...common,
      'no-git': { type: 'boolean', description: 'do not read registry history from git' },
    },
    formats: ['text', 'json'],
    run: async (args, io, cwd) =>
      runStale(
        await workspaceFor(args, io, cwd, { positionalDir: true, withCode: true }),
        { format: format(args, ['text', 'json']), git: !args.values['no-git'] },
        io,
      ),
  },
  cleanup: {
    summary: 'remove a stale flag from the code (and the registry): a diff, or the rewrite',
    usage: 'flaglens cleanup <flag> --value <json> [--write] [--keep-registry] [--force] [--yes] [--dir d]',
    options: {
      ...common,
      value: {
        type: 'string',
        description: 'the value the flag now always serves, as JSON (true, "blue", 3)',
      },
      write: { type: 'boolean', description: 'apply the change instead of printing a diff' },
      'keep-registry': { type: 'boolean', description: 'leave the flag in the registry files' },
      force: {
        type: 'boolean',
        description: 'remove the flag from the registry even while its key is still written in the code',
      },
      yes: { type: 'boolean', description: 'confirm removing the flag from a protected environment' },
    },
    formats: ['text', 'json'],
    run: async (args, io, cwd) => {
      const flag = args.positionals[0];
      if (!flag) throw new UsageError('which flag? usage: flaglens cleanup <flag> --value <json>');
      const value = parseJsonOption('value', requireString(args, 'value')) as VariantValue | null;
      const workspace = await workspaceFor(args, io, cwd, { withCode: true });
      return runCleanup(
        workspace,
        {
          flag,
          value,
          write: Boolean(args.values.write),
          keepRegistry: Boolean(args.values['keep-registry']),
          force: Boolean(args.values.force),
          yes: Boolean(args.values.yes),
          format: format(args, ['text', 'json']),
        },
        io,
      );
    },
  },
  eval: {
    summary: 'evaluate a flag with flagd for a context',
    usage:
      'flaglens eval <flag> --env <env> [--context <json>] [--at <iso time>] [--default <json>] [--dir d]',
    options: {
      ...common,
      env: { type: 'string', description: 'environment to evaluate in' },
      context: { type: 'string', description: 'evaluation context as JSON, e.g. {"targetingKey":"u-1"}' },
      at: { type: 'string', description: 'evaluate at this time (ISO 8601), for schedules' },
      default: { type: 'string', description: "the caller's default value as JSON" },
    },
    formats: ['text', 'json'],
    run: async (args, io, cwd) => {
      const flag = args.positionals[0];
      if (!flag) throw new UsageError('which flag? usage: flaglens eval <flag> --env <env>');
      const env = requireString(args, 'env');
      const context = parseJsonOption('context', args.values.context as string | undefined) ?? {};
      if (context === null || typeof context !== 'object' || Array.isArray(context))
        throw new UsageError('--context must be a JSON object');
      const atText = args.values.at as string | undefined;
      const at = atText === undefined ? undefined : new Date(atText);
      if (at && Number.isNaN(at.getTime())) throw new UsageError(`--at is not an ISO time: ${atText}`);
      const defaultValue = parseJsonOption('default', args.values.default as string | undefined) as
        JsonValue | undefined;
      const workspace = await workspaceFor(args, io, cwd);
      return runEval(
        workspace,
        {
          flag,
          env,
          context: context as Record<string, unknown>,
          at,
          defaultValue,
          format: format(args, ['text', 'json']),
        },
        io,
      );
    },
  },
  explain: {
    summary: 'the targeting rules of a flag in plain language',
    usage: 'flaglens explain <flag> [--env <env>] [--dir d]',
    options: { ...common, env: { type: 'string', description: 'only this environment' } },
    formats: ['text', 'json'],
    run: async (args, io, cwd) => {
      const flag = args.positionals[0];
      if (!flag) throw new UsageError('which flag? usage: flaglens explain <flag>');
      return runExplain(
        await workspaceFor(args, io, cwd),
        flag,
        args.values.env as string | undefined,
        format(args, ['text', 'json']),
        io,
      );
    },
  },
  experiment: {
    summary: "an experiment's figures, data health and decision",
    usage: 'flaglens experiment <key> [--format text|json|markdown] [--at <iso time>] [--show-sql] [--dir d]',
    options: {
      ...common,
      at: { type: 'string', description: 'cut the data at this time (ISO 8601), e.g. to replay a past day' },
      'show-sql': {
        type: 'boolean',
        description: 'print the SQL the PostgreSQL source runs (to run it on another warehouse), run nothing',
      },
    },
    formats: ['text', 'json', 'markdown'],
    run: async (args, io, cwd) => {
      const key = args.positionals[0];
      if (!key) throw new UsageError('which experiment? usage: flaglens experiment <key>');
      const chosen = format(args, ['text', 'json', 'markdown']);
      const at = atOption(args);
      const workspace = await workspaceFor(args, io, cwd);
      if (args.values['show-sql']) return runShowSql(workspace, key, at ?? io.now(), io);
      return runExperiment(workspace, key, { format: chosen, at }, io);
    },
  },
  experiments: {
    summary: 'every experiment with its status and decision (exit 1 when any is unhealthy or rolls back)',
    usage: 'flaglens experiments [--format text|json|markdown] [--at <iso time>] [--dir d]',
    options: {
      ...common,
      at: { type: 'string', description: 'cut the data at this time (ISO 8601)' },
    },
    formats: ['text', 'json', 'markdown'],
    run: async (args, io, cwd) => {
      const chosen = format(args, ['text', 'json', 'markdown']);
      const at = atOption(args);
      return runExperiments(await workspaceFor(args, io, cwd), { format: chosen, at }, io);
    },
  },
  ship: {
    summary: "ship an experiment's winner: roll it out to 100% and conclude the experiment",
    usage: 'flaglens ship <experiment> [--env <env>[,<env>...]] [--variant <v> --force] [--yes] [--dir d]',
    options: {
      ...common,
      env: {
        type: 'string',
        description: "environments to roll out in, comma-separated (default: the experiment's)",
      },
      variant: { type: 'string', description: 'with --force: the variant to ship when there is no winner' },
      force: {
        type: 'boolean',
        description: 'ship although the experiment is not ready (recorded as an override)',
      },
      yes: { type: 'boolean', description: 'confirm changes to protected environments' },
    },
    formats: ['text', 'json'],
    run: async (args, io, cwd) => {
      const experiment = args.positionals[0];
      if (!experiment) throw new UsageError('which experiment? usage: flaglens ship <experiment>');
      const envText = args.values.env as string | undefined;
      const environments =
        envText === undefined
          ? undefined
          : envText
              .split(',')
              .map((env) => env.trim())
              .filter(Boolean);
      const chosen = format(args, ['text', 'json']);
      return runShip(
        await workspaceFor(args, io, cwd),
        {
          experiment,
          ...(environments !== undefined && { environments }),
          ...(typeof args.values.variant === 'string' && { variant: args.values.variant }),
          force: Boolean(args.values.force),
          yes: Boolean(args.values.yes),
          format: chosen,
        },
        io,
      );
    },
  },
  guard: {
    summary: 'check guarded rollouts: continue, hold or roll back (exit 1 on rollback); --apply performs it',
    usage:
      'flaglens guard [<flag>] [--format text|json|markdown] [--at <iso time>] [--apply [--yes]] [--show-sql] [--dir d]',
    options: {
      ...common,
      at: { type: 'string', description: 'check as of this time (ISO 8601)' },
      apply: {
        type: 'boolean',
        description: 'perform the decided step (next ramp step or rollback) and record it in the plan',
      },
      yes: { type: 'boolean', description: 'confirm a change to a protected environment' },
      'show-sql': {
        type: 'boolean',
        description: 'print the SQL the PostgreSQL source runs for each rollout, run nothing',
      },
    },
    formats: ['text', 'json', 'markdown'],
    run: async (args, io, cwd) => {
      const chosen = format(args, ['text', 'json', 'markdown']);
      const at = atOption(args);
      if (args.positionals.length > 1) throw new UsageError('give at most one flag');
      if (args.values['show-sql'])
        return runGuardShowSql(await workspaceFor(args, io, cwd), args.positionals[0], at, io);
      return runGuard(
        await workspaceFor(args, io, cwd),
        {
          flag: args.positionals[0],
          format: chosen,
          at,
          apply: Boolean(args.values.apply),
          yes: Boolean(args.values.yes),
        },
        io,
      );
    },
  },
  toggle: {
    summary: 'turn a flag on or off in one environment',
    usage: 'flaglens toggle <flag> --env <env> --on|--off [--yes] [--dir d]',
    options: {
      ...common,
      env: { type: 'string', description: 'environment to change' },
      on: { type: 'boolean', description: 'enable the flag (state ENABLED)' },
      off: { type: 'boolean', description: 'disable the flag (state DISABLED)' },
      yes: { type: 'boolean', description: 'confirm a change to a protected environment' },
    },
    formats: ['text', 'json'],
    run: async (args, io, cwd) => {
      const flag = args.positionals[0];
      if (!flag) throw new UsageError('which flag? usage: flaglens toggle <flag> --env <env> --on|--off');
      const env = requireString(args, 'env');
      if (Boolean(args.values.on) === Boolean(args.values.off))
        throw new UsageError('give exactly one of --on or --off');
      const enabled = Boolean(args.values.on);
      return runRegistryEdit(
        await workspaceFor(args, io, cwd),
        {
          flag,
          env,
          yes: Boolean(args.values.yes),
          format: format(args, ['text', 'json']),
          description: `${enabled ? 'enable' : 'disable'} ${flag}`,
          makeEdits: (text) => toggleFlag(text, flag, enabled),
        },
        io,
      );
    },
  },
  rollout: {
    summary: 'set the percentage of users who get a variant (sticky)',
    usage: 'flaglens rollout <flag> --env <env> --percent <n> [--variant <name>] [--yes] [--dir d]',
    options: {
      ...common,
      env: { type: 'string', description: 'environment to change' },
      percent: { type: 'string', description: 'percentage 0-100' },
      variant: {
        type: 'string',
        description: 'variant to roll out (default: "on", else the first non-default variant)',
      },
      yes: { type: 'boolean', description: 'confirm a change to a protected environment' },
    },
    formats: ['text', 'json'],
    run: async (args, io, cwd) => {
      const flag = args.positionals[0];
      if (!flag) throw new UsageError('which flag? usage: flaglens rollout <flag> --env <env> --percent <n>');
      const env = requireString(args, 'env');
      const percent = Number(requireString(args, 'percent'));
      if (!Number.isFinite(percent) || percent < 0 || percent > 100)
        throw new UsageError('--percent must be a number from 0 to 100');
      const workspace = await workspaceFor(args, io, cwd);
      const definition = workspace.registry.definition(flag, env);
      const variants = Object.keys(definition?.variants ?? {});
      const variant =
        (args.values.variant as string | undefined) ??
        (variants.includes('on')
          ? 'on'
          : (variants.find((name) => name !== definition?.defaultVariant) ?? variants[0] ?? 'on'));
      return runRegistryEdit(
        workspace,
        {
          flag,
          env,
          yes: Boolean(args.values.yes),
          format: format(args, ['text', 'json']),
          description: `roll ${flag} out to ${percent}% ${variant}`,
          makeEdits: (text) => setRollout(text, flag, { variant, percent }),
        },
        io,
      );
    },
  },
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    `flaglens ${VERSION}: feature flags as code (OpenFeature flagd), checked against your code`,
    '',
    'usage: flaglens <command> [options]',
    '',
    ...Object.entries(commands).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    '',
    'Run "flaglens <command> --help" for a command\'s options. Exit codes: 0 clean, 1 problems found, 2 bad usage.',
  ].join('\n');
}

function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, '', spec.summary, '', 'options:'];
  for (const [option, info] of Object.entries(spec.options)) {
    const described =
      option === 'format' ? `output format: ${spec.formats.join('|')} (default text)` : info.description;
    lines.push(`  --${option.padEnd(10)} ${described}`);
  }
  return lines.join('\n');
}

export async function main(argv: string[], io: CommandIo, cwd: string): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(VERSION);
    return 0;
  }
  const spec = commands[name];
  if (!spec) {
    io.err(`flaglens: unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  try {
    const options = Object.fromEntries(
      Object.entries(spec.options).map(([option, info]) => [option, { type: info.type }]),
    );
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    if (parsed.values.help) {
      io.out(commandHelp(spec));
      return 0;
    }
    return await spec.run(
      { positionals: parsed.positionals, values: parsed.values as ParsedArgs['values'] },
      io,
      cwd,
    );
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`flaglens ${name}: ${(error as Error).message}\n\n${commandHelp(spec)}`);
      return 2;
    }
    if (error instanceof WriteRefusedError) {
      io.err(`flaglens: ${(error as Error).message}`);
      return 1;
    }
    io.err(`flaglens ${name}: internal error: ${(error as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  const io: CommandIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    now: () => (process.env.FLAGLENS_NOW ? new Date(process.env.FLAGLENS_NOW) : new Date()),
  };
  main(process.argv.slice(2), io, process.cwd()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`flaglens: internal error: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
