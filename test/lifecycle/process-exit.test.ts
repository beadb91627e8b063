// The addon keeps the event loop alive only while a WinHTTP call is pending: a script whose requests are done exits
// at once (even though WinHTTP keeps the connection alive in its pool), process.exit() with requests in flight
// exits with its code and does not crash or hang, and a request still waiting for its response head keeps the
// script running. Each script runs in a child process (this node executable; under Wine the Windows node.exe), with
// stdio ignored, and reports through a JSON file; the servers are in this process.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type FaultServer, startFaultServer } from '../helpers/fault-server';
import { type TestServer, startHttpServer } from '../helpers/servers';
import type * as http from 'node:http';
import { itUnlessWine } from '../helpers/wine';

const LIB = path.join(__dirname, '..', '..', 'lib', 'index.js');
/** How soon after its last piece of work a script must have exited (process start-up is not included). */
const EXIT_WITHIN_MS = 2000;

let dir: string;
let faults: FaultServer;
let keepAlive: TestServer<http.Server>;
/** keepAlive's connections, numbered from 1 in the order they were accepted. */
const socketIds = new WeakMap<net.Socket, number>();
let accepted = 0;
let closed = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'winhttp-exit-'));
  faults = await startFaultServer();
  // Each answer names the connection it came on, so a script can tell whether its requests shared one.
  keepAlive = await startHttpServer((req, res) => {
    const body = `hello on ${socketIds.get(req.socket)}`;
    res.writeHead(200, { 'Content-Length': String(body.length), 'Keep-Alive': 'timeout=60' });
    res.end(body);
  });
  keepAlive.server.keepAliveTimeout = 60_000; // the server holds every connection open: only the client may end it
  keepAlive.server.on('connection', (socket: net.Socket) => {
    socketIds.set(socket, ++accepted);
    socket.on('close', () => { closed += 1; });
  });
});

afterAll(async () => {
  await Promise.all([faults.close(), keepAlive.close()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** Writes `source` as a script (with `LIB`, `OUT` and `report(obj)` defined) and starts it. */
function startScript(name: string, source: string): { child: ChildProcess; exited: Promise<Exit>; out: string } {
  const file = path.join(dir, `${name}.js`);
  const out = path.join(dir, `${name}.json`);
  writeFileSync(file, [
    `const LIB = ${JSON.stringify(LIB)};`,
    `const OUT = ${JSON.stringify(out)};`,
    "const report = (data) => require('fs').writeFileSync(OUT, JSON.stringify(data));",
    source,
  ].join('\n'));
  const child = spawn(process.execPath, [file], { stdio: 'ignore' });
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return { child, exited, out };
}

function readReport(out: string): Record<string, unknown> {
  expect(existsSync(out)).toBe(true);
  return JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
}

async function hitsOf(path: string): Promise<number> {
  await faults.sync();
  return faults.hits.get(path) ?? 0;
}

// The two requests share one connection, so WinHTTP pooled it when the first was done rather than closing it, and
// the script still exits at once; the server sees that connection close when the process is gone. The reuse, not a
// comparison of two processes' Date.now() (each process has its own clock), shows the connection outlived a request.
it('a script that completed its requests exits at once, while the server keeps the connection alive', async () => {
  const acceptedBefore = accepted;
  const closedBefore = closed;
  const { exited, out } = startScript('completes', `
    const { request } = require(LIB);
    const get = async () => {
      const res = await request(${JSON.stringify(keepAlive.url)});
      return { status: res.status, body: await res.text() };
    };
    (async () => {
      const first = await get();
      const second = await get();
      report({ first, second, doneAt: Date.now() });
    })().catch((error) => report({ error: String(error) }));
  `);
  const exit = await exited;
  expect(exit.code).toBe(0);
  const result = readReport(out);
  const id = acceptedBefore + 1;
  expect(result).toEqual({
    first: { status: 200, body: `hello on ${id}` },
    second: { status: 200, body: `hello on ${id}` },
    doneAt: expect.any(Number),
  });
  expect(exit.at - (result.doneAt as number)).toBeLessThan(EXIT_WITHIN_MS);
  await delay(100);
  expect(accepted - acceptedBefore).toBe(1);
  expect(closed - closedBefore).toBe(1);
}, 20_000);

it('process.exit() with 20 requests in flight exits with its code, promptly, without crashing', async () => {
  const before = await hitsOf('never-answers');
  const { exited, out } = startScript('exit-in-flight', `
    const { request } = require(LIB);
    const pending = Array.from({ length: 20 }, () => request(${JSON.stringify(faults.urlOf('never-answers'))}).then(
      () => 'resolved', (error) => error.name));
    setTimeout(() => {
      report({ exitingAt: Date.now() });
      process.exit(3);
    }, 1000);
  `);
  const exit = await exited;
  expect(exit).toMatchObject({ code: 3, signal: null });
  const result = readReport(out);
  expect(exit.at - (result.exitingAt as number)).toBeLessThan(EXIT_WITHIN_MS);
  expect(await hitsOf('never-answers')).toBe(before + 20); // all 20 were waiting for their head at exit
}, 20_000);

it('a script with a request waiting for its head (default timeouts) keeps running until killed', async () => {
  const before = await hitsOf('never-answers');
  const { child, exited, out } = startScript('pending', `
    const { request } = require(LIB);
    report({ startedAt: Date.now() });
    request(${JSON.stringify(faults.urlOf('never-answers'))}).then(
      () => report({ settled: 'resolved' }), (error) => report({ settled: error.name, code: error.code }));
  `);
  let exit: Exit | undefined;
  void exited.then((value) => (exit = value));
  const end = performance.now() + 10_000;
  while ((await hitsOf('never-answers')) === before && exit === undefined && performance.now() < end) await delay(50);
  expect(await hitsOf('never-answers')).toBe(before + 1); // the request is at the server, waiting for its head
  await delay(2000);
  expect(exit).toBeUndefined(); // still running: the pending call keeps the event loop alive
  expect(readReport(out)).toEqual({ startedAt: expect.any(Number) }); // and the request has not settled
  child.kill();
  const killed = await exited;
  expect(killed.code === 0 && killed.signal === null).toBe(false);
}, 20_000);

// close() keeps the loop alive until HANDLE_CLOSING, which the WinHttpCloseHandle reference promises promptly after a
// pending call's 12017. Wine sends it for a request closed while waiting for its head only when the receive-response
// timeout fires, so there the script runs that long.
itUnlessWine('HANDLE_CLOSING of a request closed while waiting for its head comes only at the receive-response timeout',
  'the same script exits by itself once the request is aborted', async () => {
  const { exited, out } = startScript('aborted', `
    const { request } = require(LIB);
    const controller = new AbortController();
    request(${JSON.stringify(faults.urlOf('never-answers'))}, { signal: controller.signal }).then(
      () => report({ settled: 'resolved' }), (error) => report({ settled: error.name, code: error.code, at: Date.now() }));
    setTimeout(() => controller.abort(), 500).unref();
  `);
  const exit = await exited;
  expect(exit.code).toBe(0);
  const result = readReport(out);
  expect(result).toMatchObject({ settled: 'AbortError', code: 'ABORT_ERR' });
  expect(exit.at - (result.at as number)).toBeLessThan(EXIT_WITHIN_MS);
}, 20_000);
