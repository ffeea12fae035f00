import type { JsonValue, VariantValue } from '../../../../shared/src/registryModel';
import { Commands } from '../../../../shared/src/protocol';
import * as edits from '../edits/registryEdits';
import { applyOffsetEdits, type OffsetEdit } from '../textEdit';
import { MAX_TOTAL_WEIGHT, parseRegistryFile } from '../registry/parseRegistryFile';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { servingSummary } from './serving';

/** Edits of one registry file, against the exact text (version) they were computed from. */
export interface PlannedFileEdit {
  file: string;
  version: string;
  text: string;
  edits: OffsetEdit[];
}

/** What a command will change, for confirmation prompts and for applying. */
export interface RegistryChangePlan {
  description: string;
  files: PlannedFileEdit[];
  /** Protected environments touched: the user must confirm. */
  protectedEnvironments: string[];
  /** Serving before and after, per environment touched. */
  preview: { env: string; before: string; after: string }[];
}

export class CommandError extends Error {}

type Args = Record<string, unknown>;

function text(args: Args, name: string): string {
  const value = args[name];
  if (typeof value !== 'string' || value === '') throw new CommandError(`"${name}" is required`);
  return value;
}

/** An optional argument: absent (or null) is undefined; present, it must be text. */
function optionalText(args: Args, name: string): string | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new CommandError(`"${name}" must be text, not ${JSON.stringify(value)}.`);
  return value;
}

/**
 * An optional true/false argument. Anything else is refused: `enabled: "yes"` used to fall
 * through to "the opposite of now" and disabled an enabled flag.
 */
function optionalBoolean(args: Args, name: string): boolean | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean')
    throw new CommandError(`"${name}" must be true or false, not ${JSON.stringify(value)}.`);
  return value;
}

const NEW_FLAG_TYPES = ['boolean', 'string', 'number', 'object', 'any'];

/** Default variants for a new flag of a type, named the way flagd examples name them. */
function newFlagVariants(type: string): { variants: Record<string, VariantValue>; defaultVariant: string } {
  switch (type) {
    case 'string':
      return { variants: { control: 'control', treatment: 'treatment' }, defaultVariant: 'control' };
    case 'number':
      return { variants: { default: 0 }, defaultVariant: 'default' };
    case 'object':
      return { variants: { default: {} }, defaultVariant: 'default' };
    default:
      return { variants: { on: true, off: false }, defaultVariant: 'off' };
  }
}

/**
 * Turns a command and its arguments into registry edits, without applying them. Every edit
 * is computed on the file text the registry holds, whose version guards the write.
 */
export function planRegistryCommand(
  workspace: FlagWorkspace,
  command: string,
  args: Args,
  today: Date,
): RegistryChangePlan {
  if (args === null || typeof args !== 'object' || Array.isArray(args))
    throw new CommandError('The command needs its arguments as an object, such as { "flag": "..." }.');
  const flag = text(args, 'flag');
  const fileFor = (env: string) => {
    const file = workspace.registry.fileOfEnvironment(env);
    if (!file) throw new CommandError(`Unknown environment "${env}".`);
    const current = workspace.registry.currentFile(file.file);
    const currentText = workspace.registry.currentText(file.file);
    if (!current || current.unusable || currentText === undefined)
      throw new CommandError(`${file.file} is broken; fix it before editing.`);
    return { file: file.file, version: current.version, text: currentText };
  };
  const single = (
    env: string,
    description: string,
    make: (text: string) => OffsetEdit[],
  ): RegistryChangePlan => {
    const target = fileFor(env);
    const fileEdits = make(target.text);
    const plan: RegistryChangePlan = {
      description,
      files: [{ ...target, edits: fileEdits }],
      protectedEnvironments: workspace.isProtected(env) ? [env] : [],
      preview: [],
    };
    const before = workspace.registry.definition(flag, env);
    const after = previewAfter(target.file, target.text, fileEdits, flag);
    plan.preview.push({
      env,
      before: before ? servingSummary(before) : 'missing',
      after: after ?? 'missing',
    });
    return plan;
  };

  switch (command) {
    case Commands.toggle: {
      const env = text(args, 'env');
      const current = workspace.registry.definition(flag, env);
      if (!current) throw new CommandError(`Flag "${flag}" is not defined in ${env}.`);
      const enabled = optionalBoolean(args, 'enabled') ?? current.state === 'DISABLED';
      return single(env, `${enabled ? 'Enable' : 'Disable'} ${flag} in ${env}`, (t) =>
        edits.toggleFlag(t, flag, enabled),
      );
    }
    case Commands.setRollout: {
      const env = text(args, 'env');
      if (Array.isArray(args.weights)) {
        const weights = args.weights as [string, number][];
        if (
          !weights.every(
            (pair) =>
              Array.isArray(pair) &&
              pair.length === 2 &&
              typeof pair[0] === 'string' &&
              Number.isInteger(pair[1]) &&
              pair[1] >= 0,
          ) ||
          weights.reduce((sum, pair) => sum + pair[1], 0) > MAX_TOTAL_WEIGHT
        ) {
          throw new CommandError(
            `"weights" must be [variant, weight] pairs with whole weights of 0 or more, adding up to at most ${MAX_TOTAL_WEIGHT} (flagd ignores a rollout otherwise).`,
          );
        }
        return single(
          env,
          `Split ${flag} ${weights.map(([name, weight]) => `${name} ${weight}`).join(' / ')} in ${env}`,
          (t) => edits.setRollout(t, flag, { weights }),
        );
      }
      const percent = args.percent;
      if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100)
        throw new CommandError('"percent" must be a number from 0 to 100.');
      const variant = optionalText(args, 'variant') ?? 'on';
      return single(env, `Roll ${flag} out to ${percent}% ${variant} in ${env}`, (t) =>
        edits.setRollout(t, flag, { variant, percent }),
      );
    }
    case Commands.setDefaultVariant: {
      const env = text(args, 'env');
      const variant = text(args, 'variant');
      return single(env, `Serve ${variant} by default for ${flag} in ${env}`, (t) =>
        edits.setDefaultVariant(t, flag, variant),
      );
    }
    case Commands.addOverride: {
      const env = text(args, 'env');
      const value = text(args, 'value');
      const variant = text(args, 'variant');
      const attribute = optionalText(args, 'attribute');
      return single(env, `Serve ${variant} to ${value} for ${flag} in ${env}`, (t) =>
        edits.addOverride(t, flag, { attribute, value, variant }),
      );
    }
    case Commands.removeOverride: {
      const env = text(args, 'env');
      const value = text(args, 'value');
      return single(env, `Remove the override of ${value} for ${flag} in ${env}`, (t) =>
        edits.removeOverride(t, flag, { attribute: optionalText(args, 'attribute'), value }),
      );
    }
    case Commands.addExclusion: {
      const env = text(args, 'env');
      const value = text(args, 'value');
      return single(env, `Exclude ${value} from ${flag} in ${env}`, (t) =>
        edits.addExclusion(t, flag, value, optionalText(args, 'attribute')),
      );
    }
    case Commands.removeExclusion: {
      const env = text(args, 'env');
      const value = text(args, 'value');
      return single(env, `Stop excluding ${value} from ${flag} in ${env}`, (t) =>
        edits.removeExclusion(t, flag, value, optionalText(args, 'attribute')),
      );
    }
    case Commands.addSegment: {
      const env = text(args, 'env');
      const name = text(args, 'segment');
      const variant = text(args, 'variant');
      const rule = args.rule as JsonValue | undefined;
      return single(env, `Serve ${variant} to segment ${name} for ${flag} in ${env}`, (t) =>
        edits.addSegment(t, flag, { name, variant, rule }),
      );
    }
    case Commands.removeSegment: {
      const env = text(args, 'env');
      const name = text(args, 'segment');
      return single(env, `Stop targeting segment ${name} for ${flag} in ${env}`, (t) =>
        edits.removeSegment(t, flag, name),
      );
    }
    case Commands.setPrerequisite: {
      const env = text(args, 'env');
      const required = text(args, 'prerequisite');
      const variant = text(args, 'variant');
      return single(env, `Require ${required} = ${variant} for ${flag} in ${env}`, (t) =>
        edits.setPrerequisite(t, flag, {
          flag: required,
          variant,
          elseVariant: optionalText(args, 'elseVariant'),
        }),
      );
    }
    case Commands.removePrerequisite: {
      const env = text(args, 'env');
      const required = text(args, 'prerequisite');
      return single(env, `Drop the prerequisite ${required} of ${flag} in ${env}`, (t) =>
        edits.removePrerequisite(t, flag, required),
      );
    }
    case Commands.setTimeWindow: {
      const env = text(args, 'env');
      const from = optionalText(args, 'from');
      const until = optionalText(args, 'until');
      const window =
        from === undefined && until === undefined
          ? undefined
          : { from, until, variant: optionalText(args, 'variant') };
      return single(env, `Schedule ${flag} in ${env}`, (t) => edits.setTimeWindow(t, flag, window));
    }
    case Commands.addToEnvironment: {
      const env = text(args, 'env');
      const source = workspace.registry.flag(flag)?.definitions[0];
      if (!source) throw new CommandError(`Flag "${flag}" is not in the registry.`);
      // A new environment starts safe: same variants, disabled targeting, the default variant.
      return single(env, `Add ${flag} to ${env}`, (t) =>
        edits.addFlag(t, flag, {
          state: source.state,
          variants: source.variants,
          defaultVariant: source.defaultVariant ?? Object.keys(source.variants)[0],
          // No `"metadata": {}` for a flag that has none.
          ...(Object.keys(source.metadata).length > 0 ? { metadata: source.metadata } : {}),
        }),
      );
    }
    case Commands.createFlag: {
      const type = optionalText(args, 'type') ?? 'boolean';
      if (!NEW_FLAG_TYPES.includes(type))
        throw new CommandError(`"type" must be one of ${NEW_FLAG_TYPES.join(', ')}, not "${type}".`);
      const { variants, defaultVariant } = newFlagVariants(type === 'any' ? 'boolean' : type);
      const environments = workspace.environments();
      if (environments.length === 0)
        throw new CommandError(
          'No registry file found: create one such as flags/development.flagd.json first.',
        );
      const plan: RegistryChangePlan = {
        description: `Create ${flag} in ${environments.join(', ')}`,
        files: [],
        protectedEnvironments: [],
        preview: [],
      };
      for (const env of environments) {
        if (workspace.registry.definition(flag, env)) continue;
        const target = fileFor(env);
        const metadata: Record<string, JsonValue> = {
          createdAt: today.toISOString().slice(0, 10),
          type: 'release',
        };
        plan.files.push({
          ...target,
          edits: edits.addFlag(target.text, flag, { state: 'ENABLED', variants, defaultVariant, metadata }),
        });
        plan.preview.push({ env, before: 'missing', after: defaultVariant });
      }
      // Nothing to add is not a success: say so rather than answer "applied" without an edit.
      if (plan.files.length === 0)
        throw new CommandError(
          `Flag "${flag}" already exists in every environment (${environments.join(', ')}).`,
        );
      return plan;
    }
    default:
      throw new CommandError(`Unknown command ${command}.`);
  }
}

function previewAfter(
  file: string,
  before: string,
  fileEdits: OffsetEdit[],
  flag: string,
): string | undefined {
  const definition = parseRegistryFile(file, applyOffsetEdits(before, fileEdits)).flags.get(flag);
  return definition ? servingSummary(definition) : undefined;
}
