import type {
  FlagDefinition,
  FlagSummary,
  Finding,
  RegistryFile,
  VariantType,
} from '../../../../shared/src/registryModel';
import { camelCaseFlagKey } from '../usages/camelCase';
import { checkRegistry } from './checks';
import { parseRegistryFile } from './parseRegistryFile';

interface RegistryEntry {
  /** The latest parse, whose findings are reported. */
  current: RegistryFile;
  currentText: string;
  /** The latest usable parse: flags keep being served from it while the file is broken. */
  lastGood: RegistryFile | undefined;
  lastGoodText: string | undefined;
}

/**
 * The flag registry: every environment file, with the last good state of each kept serving
 * while the file on disk is broken.
 */
export class Registry {
  private readonly entries = new Map<string, RegistryEntry>();
  private summaries: Map<string, FlagSummary> | undefined;
  private byCamelCase: Map<string, FlagSummary> | undefined;
  private crossFindings: Finding[] | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Adds or replaces a file; returns its fresh parse. `invalidUtf8At`: see FileRead. */
  setFile(file: string, text: string, invalidUtf8At?: number): RegistryFile {
    const parsed = parseRegistryFile(file, text, invalidUtf8At);
    const previous = this.entries.get(file);
    const usable = !parsed.unusable;
    this.entries.set(file, {
      current: parsed,
      currentText: text,
      lastGood: usable ? parsed : previous?.lastGood,
      lastGoodText: usable ? text : previous?.lastGoodText,
    });
    this.invalidate();
    return parsed;
  }

  removeFile(file: string): boolean {
    const removed = this.entries.delete(file);
    if (removed) this.invalidate();
    return removed;
  }

  hasFile(file: string): boolean {
    return this.entries.has(file);
  }

  /** The files as served: the last good parse of each (broken files without one are left out). */
  servingFiles(): RegistryFile[] {
    const files: RegistryFile[] = [];
    for (const entry of this.entries.values()) if (entry.lastGood) files.push(entry.lastGood);
    return files.sort((a, b) => a.file.localeCompare(b.file));
  }

  /** The latest parse of a file, even if broken. */
  currentFile(file: string): RegistryFile | undefined {
    return this.entries.get(file)?.current;
  }

  /** The text the current parse came from: what edits must apply to. */
  currentText(file: string): string | undefined {
    return this.entries.get(file)?.currentText;
  }

  /** The text flags are served from (the last good one). */
  servingText(file: string): string | undefined {
    return this.entries.get(file)?.lastGoodText;
  }

  files(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Environment names in a stable order: as in the file list, sorted. */
  environments(): string[] {
    return [...new Set(this.servingFiles().map((file) => file.environment))];
  }

  fileOfEnvironment(environment: string): RegistryFile | undefined {
    return this.servingFiles().find((file) => file.environment === environment);
  }

  flags(): Map<string, FlagSummary> {
    if (!this.summaries) this.summaries = summarise(this.servingFiles());
    return this.summaries;
  }

  flag(key: string): FlagSummary | undefined {
    return this.flags().get(key);
  }

  definition(key: string, environment: string): FlagDefinition | undefined {
    return this.flag(key)?.definitions.find((definition) => definition.environment === environment);
  }

  /** Every registry finding: each file's own, then the checks across files. */
  findings(): Finding[] {
    if (!this.crossFindings) this.crossFindings = checkRegistry(this.servingFiles(), this.now());
    const own = [...this.entries.values()].flatMap((entry) => entry.current.findings);
    return [...own, ...this.crossFindings];
  }

  /** The flag LaunchDarkly's React SDK calls `name` (`newCheckout` for `new-checkout`). */
  flagByCamelCase(name: string): FlagSummary | undefined {
    if (!this.byCamelCase) {
      this.byCamelCase = new Map();
      for (const summary of this.flags().values()) {
        const key = camelCaseFlagKey(summary.key);
        if (!this.byCamelCase.has(key)) this.byCamelCase.set(key, summary);
      }
    }
    return this.byCamelCase.get(name);
  }

  private invalidate(): void {
    this.summaries = undefined;
    this.byCamelCase = undefined;
    this.crossFindings = undefined;
  }
}

function summarise(files: RegistryFile[]): Map<string, FlagSummary> {
  const summaries = new Map<string, FlagSummary>();
  for (const file of files) {
    for (const definition of file.flags.values()) {
      let summary = summaries.get(definition.key);
      if (!summary) {
        summary = { key: definition.key, definitions: [], variantType: undefined, lifecycle: {} };
        summaries.set(definition.key, summary);
      }
      summary.definitions.push(definition);
    }
  }
  for (const summary of summaries.values()) {
    const types = new Set(
      summary.definitions
        .map((definition) => definition.variantType)
        .filter((type): type is VariantType => type !== undefined),
    );
    summary.variantType = types.size === 1 ? [...types][0] : undefined;
    // Lifecycle facts: the first environment that states each fact wins.
    for (const definition of summary.definitions) {
      for (const [name, value] of Object.entries(definition.lifecycle)) {
        if (value !== undefined && (summary.lifecycle as Record<string, unknown>)[name] === undefined) {
          (summary.lifecycle as Record<string, unknown>)[name] = value;
        }
      }
    }
  }
  return summaries;
}
