import { strict as assert } from 'node:assert';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { StreamMessageReader, type Message, type ResponseMessage } from 'vscode-jsonrpc/node';
import { repoRoot } from '../support/cli';

/** The real server over raw stdio, to send what a well-behaved client never would. */
class RawServer {
  readonly process: ChildProcess;
  readonly received: Message[] = [];
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  constructor() {
    this.process = spawn(process.execPath, [join(repoRoot, 'dist/server.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.process.once('exit', (code) => resolve(code)));
    new StreamMessageReader(this.process.stdout!).listen((message) => {
      this.received.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(message: unknown, lengthAdjustment = 0): void {
    const body = Buffer.from(JSON.stringify(message));
    this.process.stdin!.write(`Content-Length: ${body.length + lengthAdjustment}\r\n\r\n`);
    this.process.stdin!.write(body);
  }

  /** The response to request `id` (null: an error about no request), awaited as a signal. */
  async response(id: number | null): Promise<ResponseMessage> {
    for (;;) {
      const found = this.received.find(
        (message) => 'id' in message && (message as ResponseMessage).id === id,
      );
      if (found && ('result' in found || 'error' in found)) return found as ResponseMessage;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGKILL');
  }
}

const initialize = (id: number, params: unknown) => ({ jsonrpc: '2.0', id, method: 'initialize', params });
const validParams = { processId: null, rootUri: null, capabilities: {} };

describe('invalid LSP input', function () {
  this.timeout(20000);
  let server: RawServer;
  beforeEach(() => (server = new RawServer()));
  afterEach(() => server.kill());

  it('answers a second initialize with InvalidRequest and keeps serving', async () => {
    server.send(initialize(1, validParams));
    assert.ok((await server.response(1)).result);
    server.send(initialize(2, validParams));
    assert.deepEqual((await server.response(2)).error?.code, -32600);
    server.send({ jsonrpc: '2.0', id: 3, method: 'shutdown' });
    assert.equal((await server.response(3)).result, null);
    server.send({ jsonrpc: '2.0', method: 'exit' });
    assert.equal(await server.exited, 0);
  });

  it('answers initialize with null params with InvalidParams, then accepts a proper one', async () => {
    server.send(initialize(1, null));
    const refused = await server.response(1);
    assert.equal(refused.error?.code, -32602);
    assert.doesNotMatch(refused.error?.message ?? '', /Cannot read|TypeError/);
    server.send(initialize(2, validParams));
    assert.ok((await server.response(2)).result);
  });

  it('answers a too-short Content-Length with a parse error and exits instead of staying deaf', async () => {
    server.send(initialize(1, validParams), -5);
    server.send({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
    const error = await server.response(null);
    assert.equal(error.error?.code, -32700);
    assert.equal(await server.exited, 1);
  });

  it('exits when its input ends', async () => {
    server.send(initialize(1, validParams));
    await server.response(1);
    server.process.stdin!.end();
    assert.equal(await server.exited, 1);
  });
});
