import type { ScanRequest, ScannedFile, WorkspaceHost } from '../host';

/** Files read at once by the in-thread scan: enough to overlap the reads, few enough to yield often. */
const READ_BATCH = 256;

export function matchesAny(text: string, patterns: readonly RegExp[]): boolean {
  for (const pattern of patterns) if (pattern.test(text)) return true;
  return false;
}

/** The verdict on one file's text; hosts that scan elsewhere must answer the same. */
function scanText(path: string, text: string, request: ScanRequest): ScannedFile {
  if (text.length > request.maxChars) return { path, status: 'tooLarge', size: text.length };
  return matchesAny(text, request.patterns)
    ? { path, status: 'matched', text }
    : { path, status: 'unmatched' };
}

/** The scan through the host's `readFile`, for hosts that do not scan themselves. */
export async function* scanWithReadFile(
  readFile: WorkspaceHost['readFile'],
  request: ScanRequest,
): AsyncGenerator<ScannedFile[]> {
  const { paths } = request;
  for (let start = 0; start < paths.length; start += READ_BATCH) {
    const batch = paths.slice(start, start + READ_BATCH);
    const texts = await Promise.all(batch.map((path) => readFile(path).catch(() => undefined)));
    yield batch.map((path, index) => {
      const text = texts[index];
      return text === undefined ? { path, status: 'unreadable' } : scanText(path, text, request);
    });
    // A host may read synchronously behind its promises: let requests in between batches.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}

/** The host's own scan when it has one, else the in-thread one. */
export function scanFiles(host: WorkspaceHost, request: ScanRequest): AsyncIterable<ScannedFile[]> {
  return host.scanFiles ? host.scanFiles(request) : scanWithReadFile((path) => host.readFile(path), request);
}
