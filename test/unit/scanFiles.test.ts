import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanRequest, ScannedFile } from '../../server/src/core/host';
import { scanWithReadFile } from '../../server/src/core/workspace/scanFiles';
import { nodeHost } from '../../server/src/node/nodeHost';
import { ScanWorker } from '../../server/src/node/scanWorker';
import { tempDir } from '../support/cli';

async function collect(chunks: AsyncIterable<ScannedFile[]>): Promise<ScannedFile[]> {
  const all: ScannedFile[] = [];
  for await (const chunk of chunks) all.push(...chunk);
  return all;
}

describe('scanning files for the prefilter', () => {
  let temp: { dir: string; dispose(): void };
  let request: ScanRequest;
  beforeEach(() => {
    temp = tempDir();
    const files: Record<string, string | Buffer> = {
      'flag.ts': "client.getBooleanValue('a', false);\n",
      'plain.ts': 'export const x = 1;\n',
      'bom.ts': "\uFEFFclient.getBooleanValue('b', false);\n",
      'big.ts': `client.getBooleanValue('c', false);\n${'// padding\n'.repeat(20)}`,
      'module.ts': "import { OpenFeature } from '@openfeature/server-sdk';\n",
      'latin1.ts': Buffer.from([0x63, 0x6f, 0x6e, 0x73, 0x74, 0x20, 0xe9, 0x3b, 0x0a]),
    };
    mkdirSync(temp.dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(temp.dir, name), text);
    request = {
      paths: ['flag.ts', 'plain.ts', 'missing.ts', 'bom.ts', 'big.ts', 'module.ts', 'latin1.ts'].map((name) =>
        join(temp.dir, name),
      ),
      patterns: [/(?<![\w$])getBooleanValue\s*\(/, /['"]@openfeature\//],
      maxChars: 100,
    };
  });
  afterEach(() => temp.dispose());

  const expected = (dir: string): ScannedFile[] => [
    { path: join(dir, 'flag.ts'), status: 'matched', text: "client.getBooleanValue('a', false);\n" },
    { path: join(dir, 'plain.ts'), status: 'unmatched' },
    { path: join(dir, 'missing.ts'), status: 'unreadable' },
    { path: join(dir, 'bom.ts'), status: 'matched', text: "client.getBooleanValue('b', false);\n" },
    { path: join(dir, 'big.ts'), status: 'tooLarge', size: 36 + 11 * 20 },
    {
      path: join(dir, 'module.ts'),
      status: 'matched',
      text: "import { OpenFeature } from '@openfeature/server-sdk';\n",
    },
    { path: join(dir, 'latin1.ts'), status: 'unmatched' },
  ];

  it('returns texts only for matching files, in order, on the worker thread', async () => {
    const worker = new ScanWorker(nodeHost.readFile);
    try {
      assert.deepEqual(await collect(worker.scan(request)), expected(temp.dir));
    } finally {
      await worker.dispose();
    }
  });

  it('gives the same verdicts when the core reads through readFile', async () => {
    assert.deepEqual(await collect(scanWithReadFile(nodeHost.readFile, request)), expected(temp.dir));
  });

  it('answers several scans queued on one worker, each with its own files', async () => {
    const worker = new ScanWorker(nodeHost.readFile);
    try {
      const [first, second] = await Promise.all([
        collect(worker.scan({ ...request, paths: request.paths.slice(0, 3) })),
        collect(worker.scan({ ...request, paths: request.paths.slice(3) })),
      ]);
      assert.deepEqual([...first, ...second], expected(temp.dir));
    } finally {
      await worker.dispose();
    }
  });

  it('frees the worker for the next scan when a consumer gives up early', async () => {
    const worker = new ScanWorker(nodeHost.readFile);
    try {
      // Long enough for the worker to fill its window of unconsumed chunks and wait.
      const paths = Array.from({ length: 20_000 }, (_, index) => request.paths[index % request.paths.length]);
      let chunks = 0;
      for await (const chunk of worker.scan({ ...request, paths })) {
        assert.ok(chunk.length > 0);
        if (++chunks === 1) break;
      }
      assert.deepEqual(await collect(worker.scan(request)), expected(temp.dir));
    } finally {
      await worker.dispose();
    }
  });

  it('finishes a scan on this thread when the worker is stopped under it', async () => {
    const worker = new ScanWorker(nodeHost.readFile);
    const paths = Array.from({ length: 2000 }, (_, index) => request.paths[index % request.paths.length]);
    const scanned: ScannedFile[] = [];
    let stopped = false;
    for await (const chunk of worker.scan({ ...request, paths })) {
      scanned.push(...chunk);
      if (!stopped) {
        stopped = true;
        await worker.dispose();
      }
    }
    const all = expected(temp.dir);
    assert.deepEqual(
      scanned,
      paths.map((_, index) => all[index % all.length]),
    );
  });
});
