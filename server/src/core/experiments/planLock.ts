/**
 * The analysis plan is pre-registered in git: once an experiment has started, its metrics and
 * its analysis settings (engine, alpha, correction, sequential, CUPED) must stay as committed
 * before the start. A change after the start is reported, citing the commit that set the plan.
 */
import type { ExperimentDefinition } from '../../../../shared/src/experiment';
import type { Finding } from '../../../../shared/src/registryModel';
import { type ParsedExperiment, parseExperimentFile } from './definition';

/** The definition's text as of the last commit before its start. */
export interface PreregisteredPlan {
  commit: string;
  /** ISO date of the commit. */
  date: string;
  text: string;
}

const LOCKED_ANALYSIS = ['engine', 'alpha', 'correction', 'sequential', 'cuped'] as const;

function metricsOf(definition: ExperimentDefinition): string {
  return JSON.stringify(
    definition.metrics.map(({ name, event, kind, goal, role, denominator }) => ({
      name,
      event,
      kind,
      goal,
      role,
      denominator,
    })),
  );
}

export function planLockFindings(
  parsed: ParsedExperiment,
  preregistered: PreregisteredPlan | undefined,
  now: Date,
): Finding[] {
  const current = parsed.definition;
  if (!current || !preregistered || Date.parse(current.start) > now.getTime()) return [];
  const registered = parseExperimentFile(parsed.file, preregistered.text).definition;
  if (!registered) return [];
  const changed: { path: string[]; what: string; verb: string }[] = [];
  if (metricsOf(current) !== metricsOf(registered))
    changed.push({ path: ['metrics'], what: 'the metrics', verb: 'differ' });
  const settings = LOCKED_ANALYSIS.filter((name) => current.analysis[name] !== registered.analysis[name]);
  if (settings.length > 0)
    changed.push({
      path: ['analysis'],
      verb: settings.length === 1 ? 'differs' : 'differ',
      what: settings
        .map(
          (name) =>
            `${name} (${JSON.stringify(registered.analysis[name])} -> ${JSON.stringify(current.analysis[name])})`,
        )
        .join(', '),
    });
  return changed.map(({ path, what, verb }) => ({
    file: parsed.file,
    range: parsed.rangeOf(path),
    severity: 'warning',
    code: 'experiment/plan-changed-after-start',
    message: `The analysis plan changed after the experiment started (${current.start}): ${what} ${verb} from commit ${preregistered.commit.slice(0, 7)} (${preregistered.date.slice(0, 10)}), which pre-registered it. Results read against a changed plan are not valid: restore it, or end this experiment and start a new one.`,
    flag: current.flag,
    data: { experiment: current.key, commit: preregistered.commit },
  }));
}
