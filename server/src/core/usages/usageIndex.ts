/**
 * The usage index: every flag read in the workspace's code, kept up to date file by file.
 *
 * Cost model: a cheap regex decides which files can read flags; only those are parsed, once per
 * edit, and only facts are kept (no AST, no text). Files without flag calls are parsed on demand
 * when a parsed file needs them: a constants file whose export is a key, a barrel that
 * re-exports a hook, a file calling a wrapper detected elsewhere. Linking follows imports through
 * the stored facts, so a change to a constants or wrapper file re-links the files that depend on
 * it without re-parsing them.
 */
import type { SdkPreset, WrapperConfig } from '../../../../shared/src/config';
import type { ScanRequest, ScannedFile } from '../host';
import { matchesAny, scanWithReadFile } from '../workspace/scanFiles';
import type { Range } from '../../../../shared/src/registryModel';
import type { FlagUsage } from '../../../../shared/src/usage';
import { camelCaseFlagKey } from './camelCase';
import { extractFile } from './extractFile';
import type { FileFacts } from './facts';
import { type DetectedWrapper, type LinkEnvironment, linkFile, wrapperSignature } from './link';
import { ApiCatalog } from './presets';

/** Reads a workspace file (workspace-relative path); undefined when it cannot be read. */
export type ReadFile = (file: string) => Promise<string | undefined>;

/** A bulk scan of workspace files (workspace-relative paths), as `WorkspaceHost.scanFiles`. */
export type ScanFiles = (request: ScanRequest) => AsyncIterable<ScannedFile[]>;

export interface UsageIndexOptions {
  sdks: readonly SdkPreset[];
  wrappers: readonly WrapperConfig[];
  /**
   * Reads files that were not parsed when a later change needs them (a newly imported constants
   * file, callers of a newly detected wrapper). Without it, such files are only parsed when they
   * are given to `updateFile` or `addFiles` again.
   */
  readFile?: ReadFile;
  /**
   * Scans unparsed files for calls of newly detected wrappers, returning only the texts that
   * have some; without it they are read one by one through `readFile` and tested here.
   */
  scanFiles?: ScanFiles;
}

export interface IndexChange {
  /** Files whose usages changed, sorted; includes files re-linked because a file they import changed. */
  changedFiles: string[];
  /**
   * Present when the change made the index need files it has not parsed (and `readFile` was
   * given): resolves, once they are read and linked, with the further changes.
   */
  pending?: Promise<IndexChange>;
}

export interface SourceText {
  file: string;
  /**
   * The text; left out when the file was read and found not to match `prefilterPatterns()`
   * (a scan elsewhere kept it). Such a file is read again through the reader only if needed.
   */
  text?: string;
}

/** A function found to forward a parameter as a flag key: its calls are usages. */
export interface WrapperInfo {
  file: string;
  name: string;
  keyArg: number;
  defaultArg?: number;
  sdk: string;
  /** The flag API it calls. */
  api: string;
  /** Range of the function's name. */
  range: Range;
}

interface LinkedFile {
  usages: FlagUsage[];
  signature: string;
  wrappers: Map<number, DetectedWrapper>;
  wrapperNames: string[];
  dependencies: Set<string>;
  needed: Set<string>;
}

/** A file re-linked more often than this in one update is in a wrapper cycle; stop there. */
const MAX_RELINKS_PER_UPDATE = 10;
/** Files read at once when scanning unparsed files for calls of new wrappers. */
const READ_BATCH = 64;

export class UsageIndex {
  private readonly catalog: ApiCatalog;
  private readFile: ReadFile | undefined;
  private readonly scanFiles: ScanFiles | undefined;
  private readonly known = new Set<string>();
  /**
   * Files that exist but have not been given yet (a bulk load is coming): imports resolve to them
   * and needed ones are read, but scans for wrapper callers leave them to the bulk load.
   */
  private readonly declared = new Set<string>();
  private readonly facts = new Map<string, FileFacts>();
  private readonly linked = new Map<string, LinkedFile>();
  /** Path -> files whose linking consulted it (existing or not). */
  private readonly dependents = new Map<string, Set<string>>();
  /** Path -> files whose flag calls need it parsed (see `LinkResult.needed`). */
  private readonly neededBy = new Map<string, Set<string>>();
  private readonly wrapperNameCounts = new Map<string, number>();
  /** The catalog's prefilter and the detected wrapper names; null when those names changed. */
  private prefilter: readonly RegExp[] | null = null;
  /** Wrapper names the unparsed files have been scanned for. */
  private readonly scannedWrapperNames = new Set<string>();
  /** Bumped on every update or removal, so a late read never overwrites a newer text. */
  private readonly generations = new Map<string, number>();
  private readonly unreadable = new Set<string>();
  private loading: Promise<IndexChange> | undefined;
  private allUsages: FlagUsage[] | undefined;
  private byFlag: Map<string, FlagUsage[]> | undefined;
  private readonly environment: LinkEnvironment;
  private parses = 0;
  private readonly failed = new Map<string, string>();

  constructor(options: UsageIndexOptions) {
    this.catalog = new ApiCatalog(options.sdks, options.wrappers);
    this.readFile = options.readFile;
    this.scanFiles = options.scanFiles;
    this.environment = {
      catalog: this.catalog,
      factsOf: (file) => this.facts.get(file),
      isKnown: (file) => this.exists(file),
      wrappersOf: (file) => this.linked.get(file)?.wrappers,
      isWrapperName: (name) => this.wrapperNameCounts.has(name),
    };
  }

  /** Cheap regex test: can this text contain a usage (SDK API names, SDK imports, configured or detected wrapper names)? */
  mightContainUsages(text: string): boolean {
    return matchesAny(text, this.prefilterPatterns());
  }

  /** What `mightContainUsages` tests, for a scan that runs elsewhere: a text matching none of them is not parsed. */
  prefilterPatterns(): readonly RegExp[] {
    if (this.prefilter === null) {
      const wrappers = wordPattern([...this.wrapperNameCounts.keys()]);
      this.prefilter = wrappers ? [...this.catalog.prefilter, wrappers] : [...this.catalog.prefilter];
    }
    return this.prefilter;
  }

  /**
   * Says which files exist before they are given (`addFiles` will bring them): a file updated
   * meanwhile (an open editor buffer) resolves its imports to them, and what it needs is read.
   */
  declareFiles(files: Iterable<string>): void {
    for (const file of files) if (!this.known.has(file)) this.declared.add(file);
  }

  /** Parses one file (when it can hold usages or is needed), re-links it and its dependents. */
  updateFile(file: string, text: string): IndexChange {
    const dirty = this.acceptText(file, text);
    return this.finish(this.relink(dirty));
  }

  removeFile(file: string): IndexChange {
    this.bump(file);
    const dirty = new Set<string>([file, ...(this.dependents.get(file) ?? [])]);
    this.known.delete(file);
    this.declared.delete(file);
    this.facts.delete(file);
    this.failed.delete(file);
    this.unreadable.delete(file);
    return this.finish(this.relink(dirty));
  }

  /**
   * Bulk load: parses the files that pass the prefilter, then the files those need (constants,
   * barrels, callers of detected wrappers), and links once. Texts of files not parsed are kept
   * only until this returns, and only when no reader is known. A `readFile` given here becomes
   * the index's reader when the constructor got none.
   */
  async addFiles(
    files: Iterable<SourceText> | AsyncIterable<SourceText>,
    readFile?: ReadFile,
  ): Promise<IndexChange> {
    this.readFile ??= readFile;
    const held = this.readFile ? undefined : new Map<string, string>();
    const dirty = new Set<string>();
    for await (const { file, text } of files) {
      for (const each of this.acceptText(file, text)) dirty.add(each);
      if (held && text !== undefined && !this.facts.has(file)) held.set(file, text);
    }
    const changed = this.relink(dirty);
    const read: ReadFile = async (file) => held?.get(file) ?? (await this.readFile?.(file));
    for (const file of await this.loadMissing(read)) changed.add(file);
    return { changedFiles: [...changed].sort() };
  }

  /** Resolves when no background read started by an update is running. */
  async whenIdle(): Promise<void> {
    while (this.loading) await this.loading;
  }

  usages(): FlagUsage[] {
    if (!this.allUsages) {
      const files = [...this.linked.keys()].sort();
      this.allUsages = files.flatMap((file) => this.linked.get(file)?.usages ?? []);
    }
    return this.allUsages;
  }

  usagesInFile(file: string): FlagUsage[] {
    return this.linked.get(file)?.usages ?? [];
  }

  /** Usages of a registry key, including LaunchDarkly `useFlags()` reads of its camelCased form. */
  usagesOf(flag: string): FlagUsage[] {
    if (!this.byFlag) {
      this.byFlag = new Map();
      for (const usage of this.usages()) {
        if (usage.flag === null) continue;
        const list = this.byFlag.get(usage.flag) ?? [];
        list.push(usage);
        this.byFlag.set(usage.flag, list);
      }
    }
    const exact = (this.byFlag.get(flag) ?? []).filter((usage) => !usage.camelCaseKey || usage.flag === flag);
    const camel = camelCaseFlagKey(flag);
    const camelCased = (this.byFlag.get(camel) ?? []).filter((usage) => usage.camelCaseKey === true);
    const all = [...new Set([...exact, ...camelCased])];
    return all.sort(compareUsages);
  }

  dynamicUsages(): FlagUsage[] {
    return this.usages().filter((usage) => usage.flag === null);
  }

  /** Every file given to the index (parsed or not), sorted. */
  indexedFiles(): string[] {
    return [...this.known].sort();
  }

  /** Functions detected as wrappers: their call sites are `wrapper` usages. */
  detectedWrappers(): WrapperInfo[] {
    const result: WrapperInfo[] = [];
    for (const [file, linked] of this.linked) {
      const functions = this.facts.get(file)?.functions ?? [];
      for (const wrapper of linked.wrappers.values()) {
        const info: WrapperInfo = {
          file,
          name: wrapper.name,
          keyArg: wrapper.keyArg,
          sdk: wrapper.sdk,
          api: wrapper.innerApi,
          range: functions[wrapper.fn]?.range ?? {
            start: { line: 0, character: 0 },
            end: { line: 0, character: 0 },
          },
        };
        if (wrapper.defaultArg !== undefined) info.defaultArg = wrapper.defaultArg;
        result.push(info);
      }
    }
    return result.sort((a, b) =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line,
    );
  }

  /** Files whose extraction threw (a bug to report): they have no usages until their next update. */
  failures(): { file: string; message: string }[] {
    return [...this.failed]
      .map(([file, message]) => ({ file, message }))
      .sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  /** `files` known, `parsedFiles` currently holding facts, `parses` done since creation. */
  stats(): { files: number; parsedFiles: number; usages: number; dynamic: number; parses: number } {
    const usages = this.usages();
    return {
      files: this.known.size,
      parsedFiles: this.facts.size,
      usages: usages.length,
      dynamic: usages.filter((usage) => usage.flag === null).length,
      parses: this.parses,
    };
  }

  // ---- internals

  private parse(file: string, text: string): void {
    this.parses++;
    try {
      this.facts.set(file, extractFile(file, text, this.catalog));
      this.failed.delete(file);
    } catch (error) {
      // One file the extractor cannot handle must not stop the index; it is reported instead.
      this.facts.delete(file);
      this.failed.set(file, error instanceof Error ? error.message : String(error));
    }
  }

  private bump(file: string): void {
    this.generations.set(file, (this.generations.get(file) ?? 0) + 1);
  }

  private exists(file: string): boolean {
    return this.known.has(file) || this.declared.has(file);
  }

  private isNeeded(file: string): boolean {
    return (this.neededBy.get(file)?.size ?? 0) > 0;
  }

  /** Records a file's text (undefined: read, and it matched no prefilter pattern); returns the files to re-link. */
  private acceptText(file: string, text: string | undefined): Set<string> {
    this.bump(file);
    this.unreadable.delete(file);
    const dirty = new Set<string>();
    // Facts of a declared file were read moments ago because something needed it: a scan that
    // matched nothing in it does not make them stale.
    const readSinceDeclared = this.declared.delete(file) && this.facts.has(file);
    if (!this.known.has(file)) {
      this.known.add(file);
      // Files that looked for this path before it existed may resolve to it now.
      for (const dependent of this.dependents.get(file) ?? []) dirty.add(dependent);
    }
    if (text !== undefined && (this.mightContainUsages(text) || this.isNeeded(file))) {
      this.parse(file, text);
    } else if (text === undefined && readSinceDeclared) {
      return dirty;
    } else {
      // A needed file without its text is read by `loadMissing`, which finds it unparsed.
      this.failed.delete(file);
      if (!this.facts.delete(file)) return dirty;
    }
    dirty.add(file);
    for (const dependent of this.dependents.get(file) ?? []) dirty.add(dependent);
    return dirty;
  }

  private finish(changed: Set<string>): IndexChange {
    const change: IndexChange = { changedFiles: [...changed].sort() };
    const pending = this.scheduleLoad();
    if (pending) change.pending = pending;
    return change;
  }

  /** Re-links files, and the dependents of those whose detected wrappers changed. Returns files whose usages changed. */
  private relink(dirty: Set<string>): Set<string> {
    const changed = new Set<string>();
    const queue = [...dirty];
    const queued = new Set(queue);
    const rounds = new Map<string, number>();
    const enqueueDependents = (file: string): void => {
      for (const dependent of this.dependents.get(file) ?? []) {
        if (dependent !== file && !queued.has(dependent)) {
          queued.add(dependent);
          queue.push(dependent);
        }
      }
    };
    while (queue.length > 0) {
      const file = queue.shift() as string;
      queued.delete(file);
      const previous = this.linked.get(file);
      const facts = this.facts.get(file);
      if (!facts) {
        if (previous) {
          this.forgetEdges(file, previous);
          this.countWrapperNames(previous.wrapperNames, -1);
          this.linked.delete(file);
          if (previous.usages.length > 0) changed.add(file);
          if (previous.wrappers.size > 0) enqueueDependents(file);
        }
        continue;
      }
      const round = (rounds.get(file) ?? 0) + 1;
      if (round > MAX_RELINKS_PER_UPDATE) continue;
      rounds.set(file, round);

      const result = linkFile(facts, this.environment);
      const next: LinkedFile = {
        usages: result.usages,
        signature: JSON.stringify(result.usages),
        wrappers: result.wrappers,
        wrapperNames: result.wrapperNames,
        dependencies: result.dependencies,
        needed: result.needed,
      };
      if (previous) this.forgetEdges(file, previous);
      this.addEdges(file, next);
      this.linked.set(file, next);
      if (previous ? previous.signature !== next.signature : next.usages.length > 0) changed.add(file);
      if (JSON.stringify(previous?.wrapperNames ?? []) !== JSON.stringify(next.wrapperNames)) {
        this.countWrapperNames(previous?.wrapperNames ?? [], -1);
        this.countWrapperNames(next.wrapperNames, 1);
      }
      const previousWrappers = previous ? wrapperSignature(previous.wrappers) : '[]';
      if (previousWrappers !== wrapperSignature(next.wrappers)) enqueueDependents(file);
    }
    if (changed.size > 0 || dirty.size > 0) {
      this.allUsages = undefined;
      this.byFlag = undefined;
    }
    return changed;
  }

  private addEdges(file: string, linked: LinkedFile): void {
    for (const path of linked.dependencies) addTo(this.dependents, path, file);
    for (const path of linked.needed) addTo(this.neededBy, path, file);
  }

  private forgetEdges(file: string, linked: LinkedFile): void {
    for (const path of linked.dependencies) removeFrom(this.dependents, path, file);
    for (const path of linked.needed) removeFrom(this.neededBy, path, file);
  }

  private countWrapperNames(names: readonly string[], delta: 1 | -1): void {
    for (const name of names) {
      const count = (this.wrapperNameCounts.get(name) ?? 0) + delta;
      if (count > 0) this.wrapperNameCounts.set(name, count);
      else {
        this.wrapperNameCounts.delete(name);
        // Scan again if the name comes back: files may have gained calls meanwhile.
        this.scannedWrapperNames.delete(name);
      }
    }
    if (names.length > 0) this.prefilter = null;
  }

  private neededUnparsed(): string[] {
    const files: string[] = [];
    for (const [file, requesters] of this.neededBy) {
      // A file whose extraction failed is not read again until its text changes: reading it
      // again fails again, and `loadMissing` would loop forever (a CLI hang the fuzz test found).
      if (
        requesters.size > 0 &&
        this.exists(file) &&
        !this.facts.has(file) &&
        !this.unreadable.has(file) &&
        !this.failed.has(file)
      )
        files.push(file);
    }
    return files;
  }

  private unscannedWrapperNames(): string[] {
    return [...this.wrapperNameCounts.keys()].filter((name) => !this.scannedWrapperNames.has(name));
  }

  private hasMissing(): boolean {
    return this.neededUnparsed().length > 0 || this.unscannedWrapperNames().length > 0;
  }

  private scheduleLoad(): Promise<IndexChange> | undefined {
    if (!this.readFile) {
      // Nothing can be read: the names count as scanned so the next bulk load does not rescan.
      for (const name of this.unscannedWrapperNames()) this.scannedWrapperNames.add(name);
      return undefined;
    }
    if (this.loading) return this.loading;
    if (!this.hasMissing()) return undefined;
    const read = this.readFile;
    const run = async (): Promise<IndexChange> => {
      try {
        const changed = await this.loadMissing(read);
        return { changedFiles: [...changed].sort() };
      } finally {
        this.loading = undefined;
      }
    };
    this.loading = run();
    return this.loading;
  }

  /** Reads and parses what linking found missing, until nothing is. Returns files whose usages changed. */
  private async loadMissing(read: ReadFile): Promise<Set<string>> {
    const changed = new Set<string>();
    for (;;) {
      const needed = this.neededUnparsed();
      const names = this.unscannedWrapperNames();
      if (needed.length === 0 && names.length === 0) break;
      for (const name of names) this.scannedWrapperNames.add(name);
      const callers = wordPattern(names);
      const dirty = new Set<string>();
      const accept = (file: string, generation: number | undefined, text: string | undefined): void => {
        // Skip files updated, removed or parsed while reading: their newer state wins.
        if (this.generations.get(file) !== generation || !this.exists(file) || this.facts.has(file)) return;
        if (text === undefined) {
          if (this.isNeeded(file)) this.unreadable.add(file);
          return;
        }
        if (!this.isNeeded(file) && !callers?.test(text)) return;
        this.parse(file, text);
        dirty.add(file);
        for (const dependent of this.dependents.get(file) ?? []) dirty.add(dependent);
      };
      // Needed files are parsed whatever they hold.
      for (let start = 0; start < needed.length; start += READ_BATCH) {
        const batch = needed.slice(start, start + READ_BATCH);
        const generations = batch.map((file) => this.generations.get(file));
        const texts = await Promise.all(batch.map((file) => read(file).catch(() => undefined)));
        batch.forEach((file, index) => accept(file, generations[index], texts[index]));
      }
      // Every other unparsed file only when it calls one of the new wrappers: scanned, so that
      // only those texts are returned (and, with a host scan, read off this thread).
      if (callers) {
        const isNeeded = new Set(needed);
        const generations = new Map<string, number | undefined>();
        for (const file of this.known)
          if (!this.facts.has(file) && !this.unreadable.has(file) && !isNeeded.has(file))
            generations.set(file, this.generations.get(file));
        const request: ScanRequest = {
          paths: [...generations.keys()],
          patterns: [callers],
          maxChars: Infinity,
        };
        const scan = this.scanFiles ?? ((scanRequest: ScanRequest) => scanWithReadFile(read, scanRequest));
        for await (const chunk of scan(request))
          for (const scanned of chunk)
            if (scanned.status === 'matched')
              accept(scanned.path, generations.get(scanned.path), scanned.text);
      }
      for (const file of this.relink(dirty)) changed.add(file);
    }
    return changed;
  }
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

function wordPattern(names: readonly string[]): RegExp | undefined {
  if (names.length === 0) return undefined;
  return new RegExp(
    `(?<![\\w$])(?:${names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\w$])`,
  );
}

function compareUsages(a: FlagUsage, b: FlagUsage): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
