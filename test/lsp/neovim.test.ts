import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { copyToTemp, repoRoot, tempDir } from '../support/cli';
import { TestLspClient } from '../support/lspClient';
import { positionOf } from '../support/text';

/**
 * The server from a third-party client: Neovim's built-in LSP client running the recipe of
 * docs/neovim.md, headless, on the LSP fixture workspace. test/support/neovim/probe.lua records
 * what a user would see (diagnostics, the hover `K` shows, code lenses) and this test checks it.
 */

const fixture = join(repoRoot, 'test/fixtures/lsp-workspace');
const docsPath = join(repoRoot, 'docs/neovim.md');
const initScript = join(repoRoot, 'test/support/neovim/init.lua');
const recipeMarker = '<!-- flaglens:neovim-recipe';

/** Generous: the probe's own deadline for all its waits, then ours for Neovim to exit. */
const probeTimeoutMs = 40_000;
const killAfterMs = 50_000;

type Neovim = { available: true; version: string } | { available: false; reason: string };

function detectNeovim(): Neovim {
  const result = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0)
    return {
      available: false,
      reason: '`nvim` is not on the PATH; install it with `apt-get install -y neovim`',
    };
  const match = /NVIM v(\d+)\.(\d+)\.(\d+)/.exec(result.stdout);
  if (!match)
    return {
      available: false,
      reason: `cannot read the version of nvim from "${result.stdout.split('\n')[0]}"`,
    };
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major === 0 && minor < 7)
    return { available: false, reason: `nvim ${match[0]} is older than 0.7, which the recipe needs` };
  return { available: true, version: `${match[1]}.${match[2]}.${match[3]}` };
}

/** The Lua block that follows the recipe marker in docs/neovim.md, so the documented text is what runs. */
function recipeFromDocs(): string {
  const docs = readFileSync(docsPath, 'utf8');
  const marker = docs.indexOf(recipeMarker);
  if (marker < 0) throw new Error(`docs/neovim.md lost its recipe marker "${recipeMarker}"`);
  const block = /```lua\n([\s\S]*?)\n```/.exec(docs.slice(marker));
  if (!block) throw new Error('docs/neovim.md has no ```lua block after the recipe marker');
  return `${block[1]}\n`;
}

interface ProbedDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: 'ERROR' | 'WARN' | 'INFO' | 'HINT';
  source: string;
  code: string;
  message: string;
}

interface Probe {
  nvim: string;
  filetype: string;
  client: { name: string; rootDir: string; offsetEncoding: string };
  indexReady: { files: number; usages: number; flags: number; durationMs: number };
  diagnostics: ProbedDiagnostic[];
  hover: {
    position: { line: number; character: number };
    contents: ({ kind: string; value: string } | null)[];
  };
  lenses: { line: number; title: string }[];
}

interface Exit {
  status: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Waits for the process to exit; kills it (and says so) if it outlives `killAfterMs`. */
function exitOf(child: ChildProcess): Promise<Exit> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const killer = setTimeout(() => {
      output += `\n[test] nvim still running after ${killAfterMs} ms: killed\n`;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.once('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.once('close', (status, signal) => {
      clearTimeout(killer);
      resolve({ status, signal, output });
    });
  });
}

const severityName = ['ERROR', 'WARN', 'INFO', 'HINT'] as const;
const byPosition = (a: ProbedDiagnostic, b: ProbedDiagnostic) =>
  a.lnum - b.lnum || a.col - b.col || a.code.localeCompare(b.code);

/** An LSP diagnostic as Neovim stores it (0-based lines, byte columns: the fixture is ASCII). */
function asNeovimShowsIt(diagnostic: Diagnostic): ProbedDiagnostic {
  return {
    lnum: diagnostic.range.start.line,
    col: diagnostic.range.start.character,
    end_lnum: diagnostic.range.end.line,
    end_col: diagnostic.range.end.character,
    severity: severityName[(diagnostic.severity ?? 1) - 1],
    source: diagnostic.source ?? '',
    code: String(diagnostic.code),
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
  };
}

const neovim = detectNeovim();
const title = "Neovim's built-in LSP client running the docs/neovim.md recipe";

describe(
  neovim.available ? `${title} (nvim ${neovim.version})` : `${title} (skipped: ${neovim.reason})`,
  function () {
    this.timeout(60_000);
    let workspace: { dir: string; dispose(): void } | undefined;
    let scratch: { dir: string; dispose(): void } | undefined;
    let nvim: ChildProcess | undefined;
    let probe: Probe;
    let checkout: string;

    before(async function () {
      if (!neovim.available) this.skip();
      workspace = copyToTemp(fixture);
      scratch = tempDir();
      checkout = readFileSync(join(workspace.dir, 'src/checkout.ts'), 'utf8');
      const recipe = join(scratch.dir, 'flaglens.lua');
      writeFileSync(recipe, recipeFromDocs());
      const out = join(scratch.dir, 'probe.json');
      const state = join(scratch.dir, 'xdg');
      nvim = spawn('nvim', ['--headless', '--clean', '-u', initScript, 'src/checkout.ts'], {
        cwd: workspace.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          // Neovim's log, LSP log and state stay in the scratch folder, not in the developer's home.
          XDG_CONFIG_HOME: state,
          XDG_DATA_HOME: state,
          XDG_STATE_HOME: state,
          XDG_CACHE_HOME: state,
          NVIM_LOG_FILE: join(state, 'nvim.log'),
          FLAGLENS_TEST_CMD: JSON.stringify([process.execPath, join(repoRoot, 'dist/server.js'), '--stdio']),
          FLAGLENS_TEST_RECIPE: recipe,
          FLAGLENS_TEST_PROBE: JSON.stringify({
            out,
            hoverAt: positionOf(checkout, "new-checkout'"),
            timeoutMs: probeTimeoutMs,
          }),
        },
      });
      const exit = await exitOf(nvim);
      const written = existsSync(out)
        ? (JSON.parse(readFileSync(out, 'utf8')) as Probe | { error: string })
        : undefined;
      const context = `nvim exited with ${exit.status ?? exit.signal}; its output:\n${exit.output}`;
      if (!written) throw new Error(`the probe wrote nothing. ${context}`);
      if ('error' in written) throw new Error(`the probe failed: ${written.error}\n${context}`);
      assert.equal(exit.status, 0, context);
      probe = written;
    });

    after(() => {
      if (nvim && nvim.exitCode === null && nvim.signalCode === null) nvim.kill('SIGKILL');
      scratch?.dispose();
      workspace?.dispose();
    });

    it('starts one flaglens client at the workspace root found from flaglens.json', () => {
      assert.equal(probe.nvim, neovim.available ? neovim.version : '');
      assert.equal(probe.filetype, 'typescript');
      assert.deepEqual(probe.client, { name: 'flaglens', rootDir: workspace?.dir, offsetEncoding: 'utf-16' });
      assert.deepEqual(
        { ...probe.indexReady, durationMs: 0 },
        { files: 4, usages: 12, flags: 7, durationMs: 0 },
      );
    });

    it('shows the unknown key, type mismatch and missing environment diagnostics at their ranges', () => {
      const at = (needle: string, after?: string) => {
        const start = positionOf(checkout, needle, after);
        return {
          lnum: start.line,
          col: start.character,
          end_lnum: start.line,
          end_col: start.character + needle.length,
        };
      };
      const findings = probe.diagnostics.filter((d) => d.code !== 'code/stale-flag').sort(byPosition);
      assert.deepEqual(findings, [
        {
          ...at("'new-chekout'"),
          severity: 'ERROR',
          source: 'flaglens',
          code: 'code/unknown-flag',
          message: 'Unknown flag "new-chekout": it is not in any registry file. Did you mean "new-checkout"?',
        },
        {
          ...at("'button-color'", 'mismatch'),
          severity: 'ERROR',
          source: 'flaglens',
          code: 'code/type-mismatch',
          message: 'Flag "button-color" has string variants, but `getBooleanValue` reads a boolean.',
        },
        {
          ...at("'dark-mode'"),
          severity: 'WARN',
          source: 'flaglens',
          code: 'code/missing-in-environment',
          message: 'Flag "dark-mode" is missing in production: this code gets its default there.',
        },
      ]);
      // Line 10, column 45 in the editor's 1-based terms: where a user sees the typo underlined.
      assert.deepEqual([findings[0].lnum + 1, findings[0].col + 1], [10, 45]);
    });

    it('shows exactly the diagnostics the server publishes for the file, nothing lost or altered', async () => {
      assert.ok(workspace);
      const client = await TestLspClient.start(workspace.dir);
      try {
        await client.indexReady;
        const published = await client.waitForDiagnostics('src/checkout.ts', (list) => list.length > 0);
        assert.deepEqual(
          [...probe.diagnostics].sort(byPosition),
          published.map(asNeovimShowsIt).sort(byPosition),
        );
      } finally {
        await client.stop();
      }
    });

    it('answers the hover at the cursor on a flag key with its facts and rules in Markdown', () => {
      assert.deepEqual(
        probe.hover.position,
        positionOf(checkout, "new-checkout'"),
        'the request is made at the cursor placed there',
      );
      assert.equal(probe.hover.contents.length, 1, 'one answer, from the one attached server');
      const contents = probe.hover.contents[0];
      assert.ok(contents, 'the hover has contents');
      assert.equal(contents.kind, 'markdown');
      const lines = contents.value.split('\n');
      assert.equal(lines[0], '**new-checkout** · boolean · release · owner team-pay');
      assert.ok(lines.includes('One-page checkout'));
      assert.ok(
        contents.value.includes(
          [
            '```flaglens-rules',
            'development:',
            '  everyone -> on (default)',
            'production:',
            '  if segment staff (email ends with "@acme.com") -> on',
            '  25% on / 75% off, sticky by targetingKey',
            '  otherwise -> off (default)',
            '```',
          ].join('\n'),
        ),
        `the rules block is missing from:\n${contents.value}`,
      );
      assert.ok(lines.includes('| staff | on | on |'));
      assert.ok(lines.includes('| guest | on | off |'));
    });

    it('shows the code lenses the recipe refreshes: serving per environment, and the unknown key', () => {
      const titlesOn = (needle: string) =>
        probe.lenses
          .filter((lens) => lens.line === positionOf(checkout, needle).line)
          .map((lens) => lens.title);
      assert.deepEqual(titlesOn("client.getBooleanValue('new-checkout'"), [
        'development: on',
        'production: rules, else 25% on',
      ]);
      assert.deepEqual(titlesOn("'new-chekout'"), ['new-chekout: not in registry']);
      assert.deepEqual(titlesOn("'dark-mode'"), ['development: disabled', 'production: missing']);
    });
  },
);
