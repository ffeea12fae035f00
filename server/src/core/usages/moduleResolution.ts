/**
 * Resolves relative import specifiers between workspace files, the way TypeScript's Node16 and
 * bundler resolutions find sources: extensions may be omitted, a `.js` written in a TypeScript
 * import names the `.ts` file, and a directory means its `index` file. Bare specifiers (packages)
 * are not workspace files; tsconfig `paths` are not supported.
 */

/** Extensions tried, in TypeScript's order, when a specifier has none. */
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** A written JavaScript extension also finds the TypeScript source it is compiled from. */
const WRITTEN_EXTENSION_CANDIDATES: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.ts': ['.ts'],
  '.tsx': ['.tsx'],
  '.mts': ['.mts'],
  '.cts': ['.cts'],
};

export interface ModuleResolution {
  /** The workspace-relative file the specifier names, when it exists. */
  file: string | undefined;
  /**
   * Paths tried before the answer (all of them when there is none): creating one of them would
   * change the answer, so whoever resolved the specifier depends on them.
   */
  probed: string[];
}

export function isRelativeSpecifier(specifier: string): boolean {
  return specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');
}

/** Joins a relative specifier to the importing file's folder; undefined when it leaves the workspace. */
export function joinRelative(fromFile: string, specifier: string): string | undefined {
  const parts = fromFile.split('/');
  parts.pop();
  for (const segment of specifier.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join('/');
}

/** The paths a relative specifier may name, most preferred first. */
export function candidatePaths(fromFile: string, specifier: string): string[] {
  const base = joinRelative(fromFile, specifier);
  if (base === undefined) return [];
  const indexFiles = SOURCE_EXTENSIONS.map((ext) => (base === '' ? `index${ext}` : `${base}/index${ext}`));
  // `.`, `..` and `./dir/` can only name a folder.
  if (base === '' || specifier === '.' || specifier === '..' || specifier.endsWith('/')) return indexFiles;
  const candidates: string[] = [];
  const written = /\.[cm]?[jt]sx?$/.exec(base)?.[0];
  if (written && WRITTEN_EXTENSION_CANDIDATES[written]) {
    const stem = base.slice(0, -written.length);
    for (const ext of WRITTEN_EXTENSION_CANDIDATES[written]) candidates.push(stem + ext);
  }
  for (const ext of SOURCE_EXTENSIONS) candidates.push(base + ext);
  candidates.push(...indexFiles);
  return candidates;
}

export function resolveRelativeModule(
  fromFile: string,
  specifier: string,
  exists: (file: string) => boolean,
): ModuleResolution {
  const probed: string[] = [];
  for (const candidate of candidatePaths(fromFile, specifier)) {
    if (exists(candidate)) return { file: candidate, probed };
    probed.push(candidate);
  }
  return { file: undefined, probed };
}
