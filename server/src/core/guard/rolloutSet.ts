import type { Finding } from '../../../../shared/src/registryModel';
import type { RolloutPlan } from '../../../../shared/src/rollout';
import type { Registry } from '../registry/registry';
import { checkRolloutPlans } from './rolloutChecks';
import { type ParsedRolloutPlan, parseRolloutPlan } from './rolloutPlan';

/**
 * The rollout plans of a workspace. A broken file keeps serving its last good plan (as registry
 * and experiment files do) while its findings say what is wrong.
 */
export class RolloutSet {
  private readonly files = new Map<
    string,
    { current: ParsedRolloutPlan; lastGood: ParsedRolloutPlan | undefined }
  >();

  setFile(file: string, text: string): ParsedRolloutPlan {
    const parsed = parseRolloutPlan(file, text);
    const previous = this.files.get(file);
    this.files.set(file, { current: parsed, lastGood: parsed.plan ? parsed : previous?.lastGood });
    return parsed;
  }

  removeFile(file: string): boolean {
    return this.files.delete(file);
  }

  fileNames(): string[] {
    return [...this.files.keys()].sort();
  }

  current(file: string): ParsedRolloutPlan | undefined {
    return this.files.get(file)?.current;
  }

  /** The plans served, sorted by key. */
  plans(): RolloutPlan[] {
    return [...this.files.values()]
      .map((entry) => entry.lastGood?.plan)
      .filter((plan): plan is RolloutPlan => plan !== undefined)
      .sort((a, b) => a.key.localeCompare(b.key) || a.file.localeCompare(b.file));
  }

  findings(registry: Registry): Finding[] {
    const entries = [...this.files.values()];
    const served = entries
      .map((entry) => entry.lastGood)
      .filter((parsed): parsed is ParsedRolloutPlan => parsed !== undefined);
    return [...entries.flatMap((entry) => entry.current.findings), ...checkRolloutPlans(served, registry)];
  }
}
