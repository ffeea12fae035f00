import type { FlaglensConfig } from '../../../../shared/src/config';
import type { Finding, JsonValue, VariantType } from '../../../../shared/src/registryModel';
import { CONFIG_FILE, loadConfig } from '../config/loadConfig';
import { EnvironmentEngine, type Evaluation, zeroValue } from '../evaluation/evaluate';
import type { FileRead, Logger, ScanRequest, ScannedFile, WorkspaceHost } from '../host';
import { describeFailedRead, readChecked, silentLogger } from '../host';
import { Registry } from '../registry/registry';
import { parsePrerequisite } from '../registry/checks';
import { createFileMatcher, discoverFiles, type FileMatcher } from './discoverFiles';
import { scanFiles } from './scanFiles';
import type { FlagUsage } from '../../../../shared/src/usage';
import { UsageIndex } from '../usages/usageIndex';
import { detectStaleFlags, type FlagHistory, type StaleVerdict } from '../stale/staleness';
import { ExperimentSet } from '../experiments/experimentSet';
import { ExperimentReports } from '../experiments/reportCache';
import { planLockFindings, type PreregisteredPlan } from '../experiments/planLock';
import { RolloutSet } from '../guard/rolloutSet';

export interface WorkspaceOptions {
  /** Absolute path of the workspace root, forward slashes. */
  root: string;
  host: WorkspaceHost;
  logger?: Logger;
  now?: () => Date;
}

/**
 * The most a registry file, an experiment definition or flaglens.json may weigh: far above any
 * real one, low enough that a runaway file cannot exhaust the memory.
 */
export const DATA_FILE_LIMIT = 16 * 1024 * 1024;

export type FileKind = 'registry' | 'code' | 'config' | 'experiment' | 'rollout' | 'other';

/**
 * One workspace folder: its configuration, registry and engines. The server, the CLI and the
 * tests all drive this same object; it does no I/O but through the host.
 */
export class FlagWorkspace {
  readonly root: string;
  readonly host: WorkspaceHost;
  readonly logger: Logger;
  readonly now: () => Date;
  config: FlaglensConfig;
  configFindings: Finding[] = [];
  readonly registry: Registry;
  readonly experiments = new ExperimentSet();
  /** The latest background analysis of each experiment (computed by the server, read by lenses). */
  readonly experimentReports = new ExperimentReports();
  readonly rollouts = new RolloutSet();
  private matcher: FileMatcher;
  private readonly engines = new Map<string, { version: string; engine: EnvironmentEngine }>();
  codeFiles: string[] = [];
  tooLarge: { file: string; size: number }[] = [];
  private index: UsageIndex;
  /** Bumped on every change, so callers can cache derived answers. */
  generation = 0;
  /** Registry history from git, when the host could read it (see node/gitHistory.ts). */
  private history: Map<string, FlagHistory> | undefined;
  private staleCache: { generation: number; verdicts: StaleVerdict[] } | undefined;
  private codeIndexed = false;
  /** Texts of files open in an editor: they win over the disk, and bulk indexing leaves them alone. */
  private readonly buffers = new Map<string, string>();
  /** Registry, experiment and configuration files that exist but could not be read, as findings. */
  private readonly readFailures = new Map<string, Finding>();
  /** Where the last disk read of a file met bytes that are not UTF-8 (see FileRead). */
  private readonly invalidUtf8 = new Map<string, number>();

  constructor(options: WorkspaceOptions) {
    this.root = options.root.replace(/\\/g, '/').replace(/\/$/, '');
    this.host = options.host;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
    this.registry = new Registry(this.now);
    const { config } = loadConfig(undefined);
    this.config = config;
    this.matcher = createFileMatcher(config);
    this.index = this.createIndex();
  }

  private createIndex(): UsageIndex {
    return new UsageIndex({
      sdks: this.config.sdks,
      wrappers: this.config.wrappers,
      readFile: (file) => this.host.readFile(this.absolute(file)),
      scanFiles: (request) => this.scanRelative(request),
    });
  }

  /** The host's scan over workspace-relative paths. */
  private async *scanRelative(request: ScanRequest): AsyncGenerator<ScannedFile[]> {
    const prefix = this.root.length + 1;
    const paths = request.paths.map((file) => this.absolute(file));
    for await (const chunk of scanFiles(this.host, { ...request, paths }))
      yield chunk.map((scanned) => ({ ...scanned, path: scanned.path.slice(prefix) }));
  }

  absolute(relative: string): string {
    return `${this.root}/${relative}`;
  }

  relative(absolute: string): string | undefined {
    const normalised = absolute.replace(/\\/g, '/');
    return normalised.startsWith(`${this.root}/`) ? normalised.slice(this.root.length + 1) : undefined;
  }

  kindOf(relative: string): FileKind {
    if (relative === CONFIG_FILE) return 'config';
    if (this.matcher.isRegistry(relative)) return 'registry';
    if (this.matcher.isExperiment(relative)) return 'experiment';
    if (this.matcher.isRollout(relative)) return 'rollout';
    if (this.matcher.isCode(relative)) return 'code';
    return 'other';
  }

  /** Reads the configuration and every registry file; lists the code files. */
  async load(onProgress?: (codeFiles: number) => void): Promise<void> {
    this.readFailures.clear();
    await this.reloadConfig(await this.readDataFile(CONFIG_FILE));
    const discovered = await discoverFiles(this.root, this.host, this.config, onProgress);
    for (const file of this.registry.files())
      if (!discovered.registry.includes(file)) this.registry.removeFile(file);
    for (const file of discovered.registry) {
      const buffer = this.buffers.get(file);
      const text = buffer ?? (await this.readDataFile(file));
      if (text !== undefined)
        this.registry.setFile(file, text, buffer === undefined ? this.invalidUtf8.get(file) : undefined);
      else this.registry.removeFile(file);
    }
    for (const file of this.experiments.fileNames())
      if (!discovered.experiments.includes(file)) this.experiments.removeFile(file);
    for (const file of discovered.experiments) {
      const text = this.buffers.get(file) ?? (await this.readDataFile(file));
      if (text !== undefined) this.experiments.setFile(file, text);
      else this.experiments.removeFile(file);
    }
    for (const file of this.rollouts.fileNames())
      if (!discovered.rollouts.includes(file)) this.rollouts.removeFile(file);
    for (const file of discovered.rollouts) {
      const text = this.buffers.get(file) ?? (await this.readDataFile(file));
      if (text !== undefined) this.rollouts.setFile(file, text);
      else this.rollouts.removeFile(file);
    }
    this.generation++;
    this.codeFiles = discovered.code;
    this.tooLarge = discovered.tooLarge;
    this.codeIndexed = false;
    // The code of open buffers first, so that they are served before the rest is indexed; their
    // imports resolve to the files just listed.
    this.index.declareFiles(this.codeFiles);
    for (const [file, text] of this.buffers) if (this.kindOf(file) === 'code') this.updateFile(file, text);
  }

  /**
   * Reads a registry, experiment or configuration file; one that exists but cannot be read (a
   * FIFO, a link to a device, too large, no permission) becomes a finding at the file.
   */
  private async readDataFile(relative: string): Promise<string | undefined> {
    const read: FileRead = await readChecked(this.host, this.absolute(relative), DATA_FILE_LIMIT);
    this.readFailures.delete(relative);
    this.invalidUtf8.delete(relative);
    if (read.status === 'ok') {
      if (read.invalidUtf8At !== undefined) this.invalidUtf8.set(relative, read.invalidUtf8At);
      return read.text;
    }
    const reason = describeFailedRead(read, DATA_FILE_LIMIT);
    if (reason !== undefined) {
      const what = relative === CONFIG_FILE ? 'config' : this.kindOf(relative);
      this.readFailures.set(relative, {
        file: relative,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'error',
        code: `${what === 'experiment' || what === 'rollout' || what === 'config' ? what : 'registry'}/unreadable-file`,
        message:
          relative === CONFIG_FILE
            ? `${relative} ${reason}; the default configuration is used.`
            : what === 'experiment'
              ? `${relative} ${reason}; the experiment is not checked.`
              : what === 'rollout'
                ? `${relative} ${reason}; the rollout plan is not checked.`
                : `${relative} ${reason}; its flags are not checked.`,
      });
    }
    return undefined;
  }

  /**
   * A file changed on disk: reads it again (a registry file through the same checks as at load)
   * and applies it. Returns true when anything changed.
   */
  async refreshFromDisk(relative: string): Promise<boolean> {
    const kind = this.kindOf(relative);
    if (kind === 'registry' || kind === 'experiment' || kind === 'rollout') {
      const before = this.readFailures.get(relative);
      const text = await this.readDataFile(relative);
      if (text !== undefined)
        return this.updateFile(relative, text, this.invalidUtf8.get(relative)) || before !== undefined;
      // Removing the file forgets its failure: keep it, it is the news.
      const failure = this.readFailures.get(relative);
      const removed = this.removeFile(relative);
      if (failure) this.readFailures.set(relative, failure);
      if (failure || before) this.generation++;
      return removed || failure !== undefined || before !== undefined;
    }
    const text = await this.host.readFile(this.absolute(relative));
    return text === undefined ? this.removeFile(relative) : this.updateFile(relative, text);
  }

  /** Whether `indexCode` has finished since the last `load`: until then usages are partial. */
  isCodeIndexed(): boolean {
    return this.codeIndexed;
  }

  /** A file's text from an editor buffer: applied now, and kept over the disk until `closeBuffer`. */
  updateBuffer(relative: string, text: string): boolean {
    this.buffers.set(relative, text);
    return this.updateFile(relative, text);
  }

  /** The text of a file's open editor buffer, if it has one. */
  bufferText(relative: string): string | undefined {
    return this.buffers.get(relative);
  }

  /** Resolves when files that updates made the index need (imported constants, wrappers) are read. */
  whenIndexIdle(): Promise<void> {
    return this.index.whenIdle();
  }

  /** The buffer is gone: the disk is the truth again (the caller reads it). */
  closeBuffer(relative: string): void {
    this.buffers.delete(relative);
  }

  async reloadConfig(text: string | undefined): Promise<void> {
    const loaded = loadConfig(text);
    this.config = loaded.config;
    this.configFindings = loaded.findings;
    this.matcher = createFileMatcher(this.config);
    this.index = this.createIndex();
    this.generation++;
  }

  /**
   * Indexes every code file found by `load()`. The files are scanned (by the host, on another
   * thread when it can) against the index's prefilter, so only the texts of files that may read
   * flags come back to be parsed. A first small batch is linked on its own so results appear
   * early; the rest goes to the index in one pass, so files that need a second look (callers of
   * wrappers found later) are scanned once, not once per batch.
   */
  async indexCode(onProgress?: (done: number, total: number) => void): Promise<void> {
    // Reads started by buffer updates first: the scan's prefilter must know every wrapper name
    // found so far, or callers read meanwhile would be passed over.
    await this.whenIndexIdle();
    const files = this.codeFiles;
    // Open buffers are in the index already, with texts newer than the disk's.
    const fromDisk = this.buffers.size === 0 ? files : files.filter((file) => !this.buffers.has(file));
    const tooLarge: { file: string; size: number }[] = [];
    /** Listed by discovery, gone (or unreadable) when scanned. */
    const unreadable: string[] = [];
    let done = 0;
    const scanned = async function* (
      workspace: FlagWorkspace,
      slice: string[],
    ): AsyncGenerator<{ file: string; text?: string }> {
      const request = {
        paths: slice,
        patterns: workspace.index.prefilterPatterns(),
        maxChars: workspace.config.maxFileBytes,
      };
      for await (const chunk of workspace.scanRelative(request)) {
        for (const file of chunk) {
          // A buffer opened meanwhile is newer than what the scan read.
          if (workspace.buffers.has(file.path)) continue;
          if (file.status === 'tooLarge') tooLarge.push({ file: file.path, size: file.size });
          else if (file.status === 'unreadable') unreadable.push(file.path);
          else if (file.status === 'matched') yield { file: file.path, text: file.text };
          else yield { file: file.path };
        }
        done += chunk.length;
        onProgress?.(done, fromDisk.length);
      }
    };
    const firstBatch = 1000;
    const reader = (file: string) => this.host.readFile(this.absolute(file));
    await this.index.addFiles(scanned(this, fromDisk.slice(0, firstBatch)), reader);
    if (fromDisk.length > firstBatch)
      await this.index.addFiles(scanned(this, fromDisk.slice(firstBatch)), reader);
    // Declared at load, but over the size limit or gone: nothing may resolve to them.
    const dropped = new Set([...tooLarge.map((entry) => entry.file), ...unreadable]);
    for (const file of dropped) this.index.removeFile(file);
    await this.whenIndexIdle();
    this.tooLarge = [...this.tooLarge.filter((entry) => !dropped.has(entry.file)), ...tooLarge];
    if (dropped.size > 0) this.codeFiles = files.filter((file) => !dropped.has(file));
    this.codeIndexed = true;
    this.generation++;
  }

  setHistory(history: Map<string, FlagHistory>): void {
    this.history = history;
    this.generation++;
  }

  /** Stale flags with their reasons and evidence, cached until the next change. */
  staleVerdicts(): StaleVerdict[] {
    if (this.staleCache?.generation === this.generation) return this.staleCache.verdicts;
    const verdicts = detectStaleFlags({
      registry: this.registry,
      usages: this.usages(),
      policy: this.config.stale,
      protectedEnvironments: this.environments().filter((environment) => this.isProtected(environment)),
      now: this.now(),
      history: this.history,
      usagesIndexed: this.codeIndexed,
      unanalysedFiles: this.analysisFailures().map((failure) => failure.file),
    });
    this.staleCache = { generation: this.generation, verdicts };
    return verdicts;
  }

  /**
   * Called when an update's effects arrive later: the index had to read files it had not
   * parsed (a constants file newly imported, callers of a new wrapper).
   */
  onDeferredChange: (() => void) | undefined;

  /** A file's new text (from an editor buffer or disk); returns true when anything changed. */
  updateFile(relative: string, text: string, invalidUtf8At?: number): boolean {
    const kind = this.kindOf(relative);
    if (kind === 'registry') {
      this.registry.setFile(relative, text, invalidUtf8At);
    } else if (kind === 'experiment') {
      this.experiments.setFile(relative, text);
    } else if (kind === 'rollout') {
      this.rollouts.setFile(relative, text);
    } else if (kind === 'code') {
      if (!this.codeFiles.includes(relative)) this.codeFiles.push(relative);
      const change = this.index.updateFile(relative, text);
      change.pending?.then(
        (later) => {
          if (later.changedFiles.length === 0) return;
          this.generation++;
          this.onDeferredChange?.();
        },
        (error: unknown) => this.logger.warn(`deferred indexing failed: ${String(error)}`),
      );
      if (change.changedFiles.length === 0) return false;
    } else {
      return false;
    }
    this.generation++;
    return true;
  }

  removeFile(relative: string): boolean {
    const kind = this.kindOf(relative);
    this.readFailures.delete(relative);
    if (kind === 'registry') {
      if (!this.registry.removeFile(relative)) return false;
    } else if (kind === 'experiment') {
      if (!this.experiments.removeFile(relative)) return false;
    } else if (kind === 'rollout') {
      if (!this.rollouts.removeFile(relative)) return false;
    } else if (kind === 'code') {
      this.codeFiles = this.codeFiles.filter((file) => file !== relative);
      this.index.removeFile(relative);
    } else {
      return false;
    }
    this.generation++;
    return true;
  }

  /** Code files the index could not analyse: their flag reads are unknown. */
  analysisFailures(): { file: string; message: string }[] {
    return this.index.failures();
  }

  usages(): FlagUsage[] {
    return this.index.usages();
  }

  usagesInFile(relative: string): FlagUsage[] {
    return this.index.usagesInFile(relative);
  }

  /** Usages of a registry flag, including LaunchDarkly camelCased reads of it. */
  usagesOf(flag: string): FlagUsage[] {
    return this.index.usagesOf(flag);
  }

  indexStats(): { files: number; parsedFiles: number; usages: number; dynamic: number } {
    return this.index.stats();
  }

  setRegistryFile(relative: string, text: string): void {
    this.registry.setFile(relative, text);
    this.generation++;
  }

  environments(): string[] {
    return this.registry.environments();
  }

  isProtected(environment: string): boolean {
    return this.config.environments[environment]?.protected === true;
  }

  engine(environment: string): EnvironmentEngine | undefined {
    const file = this.registry.fileOfEnvironment(environment);
    if (!file) return undefined;
    const cached = this.engines.get(environment);
    if (cached && cached.version === file.version) return cached.engine;
    const text = this.registry.servingText(file.file);
    if (text === undefined) return undefined;
    const engine = new EnvironmentEngine(environment, text);
    this.engines.set(environment, { version: file.version, engine });
    return engine;
  }

  /**
   * Evaluates a flag the way flagd would; the type comes from the registry unless given.
   * flagd evaluates one flag at a time, so, as an application would, prerequisites
   * (`metadata.requires`) are evaluated first and passed in the context under `prerequisites`.
   */
  evaluate(
    flag: string,
    environment: string,
    context: Record<string, unknown> = {},
    options: { at?: Date; defaultValue?: JsonValue; type?: VariantType } = {},
    visiting: Set<string> = new Set(),
  ): Evaluation | undefined {
    const engine = this.engine(environment);
    if (!engine) return undefined;
    const definition = this.registry.definition(flag, environment);
    const type = options.type ?? definition?.variantType ?? this.registry.flag(flag)?.variantType ?? 'string';
    const defaultValue = options.defaultValue ?? zeroValue(type);
    let fullContext = context;
    const requires = definition?.lifecycle.requires ?? [];
    if (requires.length > 0 && context.prerequisites === undefined && !visiting.has(flag)) {
      visiting.add(flag);
      const prerequisites: Record<string, string | null> = {};
      for (const text of requires) {
        const prerequisite = parsePrerequisite(text);
        if (!prerequisite) continue;
        prerequisites[prerequisite.flag] =
          this.evaluate(prerequisite.flag, environment, context, { at: options.at }, visiting)?.variant ??
          null;
      }
      visiting.delete(flag);
      fullContext = { ...context, prerequisites };
    }
    return engine.evaluate(flag, type, defaultValue, fullContext, options.at);
  }

  /** Registry and configuration findings. Code findings come from the analysis. */
  registryFindings(): Finding[] {
    return [...this.configFindings, ...this.readFailures.values(), ...this.registry.findings()];
  }

  /** Experiment definitions as committed before their start (from git, see node/experiments/planHistory.ts). */
  private preregisteredPlans = new Map<string, PreregisteredPlan>();

  setPreregisteredPlans(plans: Map<string, PreregisteredPlan>): void {
    this.preregisteredPlans = plans;
    this.generation++;
  }

  /** Findings of the experiment definitions, checked against the registry and their pre-registered plan. */
  experimentFindings(): Finding[] {
    const locks = this.experiments.fileNames().flatMap((file) => {
      const parsed = this.experiments.current(file);
      return parsed ? planLockFindings(parsed, this.preregisteredPlans.get(file), this.now()) : [];
    });
    return [...this.experiments.findings(this.registry), ...locks];
  }

  /** Findings of the rollout plans, checked against the registry. */
  rolloutFindings(): Finding[] {
    return this.rollouts.findings(this.registry);
  }
}
