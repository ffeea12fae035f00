import type {
  FlagDetailsRequest,
  FlagEnvironmentInfo,
  FlagInfo,
  PreviewChangeRequest,
} from '../../../../shared/src/protocol';
import type { FlagSummary } from '../../../../shared/src/registryModel';
import { flagOfUsage } from '../analysis/codeFindings';
import { parseLadder } from '../edits/ladder';
import { EnvironmentEngine, zeroValue } from '../evaluation/evaluate';
import { parseRegistryFile } from '../registry/parseRegistryFile';
import { applyOffsetEdits } from '../textEdit';
import type { FlagWorkspace } from '../workspace/flagWorkspace';
import { uriOf } from './navigation';
import { planRegistryCommand, type RegistryChangePlan } from './registryCommands';
import { definitionRules, finalRollout, servingSummary } from './serving';

/** A flag across environments, in the shape the client's views and editor use. */
export function flagInfo(workspace: FlagWorkspace, summary: FlagSummary): FlagInfo {
  const environments: FlagEnvironmentInfo[] = summary.definitions.map((definition) => {
    const rollout = finalRollout(definition);
    const info: FlagEnvironmentInfo = {
      env: definition.environment,
      protected: workspace.isProtected(definition.environment),
      file: definition.file,
      uri: uriOf(workspace, definition.file),
      range: definition.keyRange,
      state: definition.state,
      defaultVariant: definition.defaultVariant,
      serving: servingSummary(definition),
      rules: definitionRules(workspace, definition).map((line) => line.text),
    };
    if (rollout) info.rollout = rollout;
    return info;
  });
  const present = new Set(environments.map((environment) => environment.env));
  const variants = Object.assign(
    {},
    ...summary.definitions.map((definition) => definition.variants),
  ) as FlagInfo['variants'];
  const info: FlagInfo = {
    key: summary.key,
    variantType: summary.variantType ?? null,
    variants,
    environments,
    missing: workspace.environments().filter((environment) => !present.has(environment)),
    usages: workspace.usagesOf(summary.key).length,
  };
  if (summary.lifecycle.description) info.description = summary.lifecycle.description;
  if (summary.lifecycle.owner) info.owner = summary.lifecycle.owner;
  if (summary.lifecycle.type) info.type = summary.lifecycle.type;
  if (summary.lifecycle.archived) info.archived = true;
  const stale = workspace.staleVerdicts().find((verdict) => verdict.flag === summary.key);
  if (stale) info.stale = stale;
  return info;
}

/** Every flag, or only those read in one file. */
export function flagInfos(workspace: FlagWorkspace, file?: string): FlagInfo[] {
  let summaries = [...workspace.registry.flags().values()];
  if (file !== undefined) {
    const used = new Set(
      workspace.usagesInFile(file).map((usage) => flagOfUsage(workspace.registry, usage)?.key),
    );
    summaries = summaries.filter((summary) => used.has(summary.key));
  }
  return summaries.sort((a, b) => a.key.localeCompare(b.key)).map((summary) => flagInfo(workspace, summary));
}

export function flagDetails(
  workspace: FlagWorkspace,
  flag: string,
  env: string,
): FlagDetailsRequest.Result | null {
  const summary = workspace.registry.flag(flag);
  const definition = workspace.registry.definition(flag, env);
  if (!summary || !definition) return null;
  const ladder = parseLadder(flag, definition.targeting);
  return {
    flag: flagInfo(workspace, summary),
    env,
    ladder: ladder ? (JSON.parse(JSON.stringify(ladder)) as FlagDetailsRequest.Result['ladder']) : null,
    contexts: workspace.config.contexts,
    segments: Object.keys(workspace.registry.fileOfEnvironment(env)?.evaluators ?? {}),
    flags: [...workspace.registry.flags().keys()].filter((key) => key !== flag).sort(),
  };
}

/**
 * What a command would change, and what each sample context would get before and after,
 * evaluated by flagd on the edited text. Nothing is written.
 */
export function previewChange(
  workspace: FlagWorkspace,
  params: PreviewChangeRequest.Params,
  today: Date,
  /** Plans commands that are not plain registry commands (ship the winner); throws to refuse. */
  planner: (command: string, args: Record<string, unknown>) => RegistryChangePlan = (command, args) =>
    planRegistryCommand(workspace, command, args, today),
): PreviewChangeRequest.Result {
  let plan;
  try {
    plan = planner(params.command, params.arguments);
  } catch (error) {
    return {
      description: '',
      protectedEnvironments: [],
      preview: [],
      evaluations: [],
      error: (error as Error).message,
    };
  }
  const flag =
    typeof params.arguments.flag === 'string'
      ? params.arguments.flag
      : (workspace.experiments.definition(String(params.arguments.experiment))?.flag ?? '');
  const contexts = { ...workspace.config.contexts, ...(params.contexts ?? {}) };
  const evaluations: PreviewChangeRequest.Result['evaluations'] = [];
  for (const fileEdit of plan.files) {
    if (workspace.kindOf(fileEdit.file) !== 'registry') continue;
    const afterText = applyOffsetEdits(fileEdit.text, fileEdit.edits);
    const parsed = parseRegistryFile(fileEdit.file, afterText);
    const env = workspace.registry.currentFile(fileEdit.file)?.environment ?? parsed.environment;
    const definition = parsed.flags.get(flag);
    const type = definition?.variantType ?? workspace.registry.flag(flag)?.variantType ?? 'boolean';
    const after = new EnvironmentEngine(env, afterText);
    for (const [name, context] of Object.entries(contexts)) {
      const beforeResult = workspace.evaluate(flag, env, context);
      const afterResult = after.evaluate(flag, type, zeroValue(type), context);
      evaluations.push({ context: name, env, before: describe(beforeResult), after: describe(afterResult) });
    }
  }
  return {
    description: plan.description,
    protectedEnvironments: plan.protectedEnvironments,
    preview: plan.preview,
    evaluations,
  };
}

function describe(
  result: { variant: string | null; value: unknown; reason: string } | undefined,
): string | null {
  if (!result || result.reason === 'ERROR') return null;
  if (result.reason === 'DISABLED') return `code default (disabled)`;
  return result.variant ?? JSON.stringify(result.value);
}
