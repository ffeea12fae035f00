/**
 * Ship the winner: roll the winning variant out to 100% in the chosen environments (the sticky
 * rollout edit) and conclude the experiment (`end` and the decision recorded in its definition),
 * as one change. Refused while the experiment is not `ready` with a `ship` verdict, unless the
 * caller forces it and names the variant.
 */
import type { ExperimentReport, RecordedDecision } from '../../../../shared/src/experiment';
import type { JsonValue } from '../../../../shared/src/registryModel';
import { JsonTextEditor } from '../edits/jsonTextEditor';
import { setRollout } from '../edits/registryEdits';
import { CommandError, type PlannedFileEdit, type RegistryChangePlan } from '../features/registryCommands';
import { servingSummary } from '../features/serving';
import { parseRegistryFile } from '../registry/parseRegistryFile';
import { textVersion } from '../text';
import { applyOffsetEdits } from '../textEdit';
import type { FlagWorkspace } from '../workspace/flagWorkspace';

export interface ShipWinnerArguments {
  experiment: string;
  /** Environments to roll out in (default: the experiment's). */
  environments?: string[];
  /** With `force`: the variant to ship when the analysis names no winner. */
  variant?: string;
  /** Ship although the experiment is not ready (the reason is recorded as overridden). */
  force?: boolean;
}

export function readShipWinnerArguments(args: Record<string, unknown>): ShipWinnerArguments {
  if (typeof args.experiment !== 'string' || args.experiment === '')
    throw new CommandError('"experiment" is required: the key of the experiment to conclude.');
  const environments = args.environments ?? (typeof args.env === 'string' ? [args.env] : undefined);
  if (
    environments !== undefined &&
    !(Array.isArray(environments) && environments.every((env) => typeof env === 'string'))
  )
    throw new CommandError('"environments" must be a list of environment names.');
  if (args.variant !== undefined && typeof args.variant !== 'string')
    throw new CommandError('"variant" must be a variant name.');
  if (args.force !== undefined && typeof args.force !== 'boolean')
    throw new CommandError('"force" must be true or false.');
  return {
    experiment: args.experiment,
    ...(environments !== undefined && { environments: environments as string[] }),
    ...(args.variant !== undefined && { variant: args.variant as string }),
    ...(args.force !== undefined && { force: args.force as boolean }),
  };
}

export function planShipWinner(
  workspace: FlagWorkspace,
  report: ExperimentReport | undefined,
  args: ShipWinnerArguments,
  now: Date,
): RegistryChangePlan {
  const definition = workspace.experiments.definition(args.experiment);
  if (!definition) throw new CommandError(`No experiment "${args.experiment}".`);
  if (definition.decision)
    throw new CommandError(
      `Experiment "${definition.key}" was concluded on ${definition.decision.at.slice(0, 10)} (${definition.decision.verdict}).`,
    );
  if (!report)
    throw new CommandError(
      `Experiment "${definition.key}" has no results yet: its events could not be analysed.`,
    );
  const ready =
    report.status === 'ready' && report.decision.verdict === 'ship' && report.decision.variant !== undefined;
  if (!ready && !args.force)
    throw new CommandError(
      `Experiment "${definition.key}" is ${report.status} (${report.decision.verdict}), not ready to ship: ${report.decision.reason} Force it only if you accept shipping without evidence.`,
    );
  const winner = args.variant ?? report.decision.variant;
  if (!winner)
    throw new CommandError('Which variant? The analysis names no winner: pass "variant" to force one.');
  if (!definition.variants.includes(winner))
    throw new CommandError(
      `"${winner}" is not a variant of experiment "${definition.key}" (${definition.variants.join(', ')}).`,
    );
  if (ready && winner !== report.decision.variant && !args.force)
    throw new CommandError(
      `The winner is ${report.decision.variant}, not ${winner}: force it to ship another variant.`,
    );

  const environments = args.environments ?? [definition.environment];
  const files: PlannedFileEdit[] = [];
  const preview: RegistryChangePlan['preview'] = [];
  for (const env of environments) {
    const file = workspace.registry.fileOfEnvironment(env);
    if (!file)
      throw new CommandError(`Unknown environment "${env}"; known: ${workspace.environments().join(', ')}.`);
    const current = workspace.registry.currentFile(file.file);
    const text = workspace.registry.currentText(file.file);
    if (!current || current.unusable || text === undefined)
      throw new CommandError(`${file.file} is broken; fix it before shipping.`);
    const before = workspace.registry.definition(definition.flag, env);
    if (!before) throw new CommandError(`Flag "${definition.flag}" is not defined in ${env}.`);
    const edits = setRollout(text, definition.flag, { variant: winner, percent: 100 });
    files.push({ file: file.file, version: current.version, text, edits });
    const after = parseRegistryFile(file.file, applyOffsetEdits(text, edits)).flags.get(definition.flag);
    preview.push({ env, before: servingSummary(before), after: after ? servingSummary(after) : 'missing' });
  }

  const definitionText = workspace.experiments.currentText(definition.file);
  if (definitionText === undefined) throw new CommandError(`${definition.file} cannot be read.`);
  const at = now.toISOString();
  const reason = ready
    ? report.decision.reason
    : `Shipped ${winner} by override while the experiment was ${report.status} (${report.decision.verdict}): ${report.decision.reason}`;
  const decision: RecordedDecision = {
    verdict: 'ship',
    variant: winner,
    reason,
    at,
    shares: report.health.expectedShares,
  };
  const editor = new JsonTextEditor(definitionText);
  editor.set(['end'], at);
  editor.set(['decision'], decision as unknown as JsonValue);
  files.push({
    file: definition.file,
    version: textVersion(definitionText),
    text: definitionText,
    edits: editor.edits(),
  });

  return {
    description: `Ship ${winner} of experiment ${definition.key}: roll ${definition.flag} out to 100% ${winner} in ${environments.join(', ')} and conclude the experiment`,
    files,
    protectedEnvironments: environments.filter((env) => workspace.isProtected(env)),
    preview,
  };
}
