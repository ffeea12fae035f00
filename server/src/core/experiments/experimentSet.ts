import type { ExperimentDefinition } from '../../../../shared/src/experiment';
import type { Finding } from '../../../../shared/src/registryModel';
import type { Registry } from '../registry/registry';
import { type ParsedExperiment, parseExperimentFile } from './definition';
import { checkExperiments } from './definitionChecks';

/**
 * The experiment definitions of a workspace. A broken file keeps serving its last good
 * definition (as registry files do) while its findings say what is wrong.
 */
export class ExperimentSet {
  private readonly files = new Map<
    string,
    { current: ParsedExperiment; text: string; lastGood: ParsedExperiment | undefined }
  >();

  setFile(file: string, text: string): ParsedExperiment {
    const parsed = parseExperimentFile(file, text);
    const previous = this.files.get(file);
    this.files.set(file, {
      current: parsed,
      text,
      lastGood: parsed.definition ? parsed : previous?.lastGood,
    });
    return parsed;
  }

  removeFile(file: string): boolean {
    return this.files.delete(file);
  }

  hasFile(file: string): boolean {
    return this.files.has(file);
  }

  fileNames(): string[] {
    return [...this.files.keys()].sort();
  }

  /** The text the current parse came from: what edits must apply to. */
  currentText(file: string): string | undefined {
    return this.files.get(file)?.text;
  }

  current(file: string): ParsedExperiment | undefined {
    return this.files.get(file)?.current;
  }

  /** The definitions served, sorted by key. */
  definitions(): ExperimentDefinition[] {
    return [...this.files.values()]
      .map((entry) => entry.lastGood?.definition)
      .filter((definition): definition is ExperimentDefinition => definition !== undefined)
      .sort((a, b) => a.key.localeCompare(b.key) || a.file.localeCompare(b.file));
  }

  definition(key: string): ExperimentDefinition | undefined {
    return this.definitions().find((definition) => definition.key === key);
  }

  /** Each file's own findings, then the checks against the registry (on the served definitions). */
  findings(registry: Registry): Finding[] {
    const entries = [...this.files.values()];
    const own = entries.flatMap((entry) => entry.current.findings);
    const served = entries
      .map((entry) => entry.lastGood)
      .filter((parsed): parsed is ParsedExperiment => parsed !== undefined);
    return [...own, ...checkExperiments(served, registry)];
  }
}
