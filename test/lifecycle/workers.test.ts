// The addon is context-aware: it loads and works in several worker_threads at once and in the main thread (one
// dispatcher and one live-request counter per environment), and terminating a worker with requests in flight (one
// waiting for its head on a silent server, one with a paused body, one reading a slow drip, one reading a big body
// as fast as it comes) is safe: the main thread keeps working afterwards and the process exits cleanly by itself.
// All of it runs in a child process (this node executable; under Wine the Windows node.exe), so that a crash shows
// as its exit code; it reports through a file, and its stderr goes to another.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BODY_LENGTH, type FaultServer, startFaultServer } from '../helpers/fault-server';

const LIB = path.join(__dirname, '..', '..', 'lib', 'index.js');
const BUSY_WORKERS = 3;
const REQUESTS_EACH = 20;

let dir: string;
let server: FaultServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'winhttp-workers-'));
  server = await startFaultServer();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

// Runs in the child, as the main thread and as each worker (workerData.mode says which).
const SCRIPT = String.raw`
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads');
const fs = require('fs');
const lib = require(LIB);
const EXPECTED = Buffer.from(Array.from({ length: ${BODY_LENGTH} }, (_, i) => 97 + (i % 26))).toString();

// n request()s of /ok at once, and one low-level request with progress events; returns what went right.
async function work(n) {
  const bodies = await Promise.all(Array.from({ length: n }, () => lib.request(BASE + 'ok', { timeout: 5000 }).then((res) => res.text())));
  const session = new lib.Session();
  const req = session.connect('127.0.0.1', PORT).openRequest('GET', '/ok');
  const events = [];
  req.on('requestSent', (e) => events.push(e.type));
  req.on('responseReceived', (e) => events.push(e.type));
  await req.send();
  const head = await req.receiveResponse();
  while ((await req.read()) !== null);
  req.close();
  session.close();
  return { ok: bodies.filter((body) => body === EXPECTED).length, lowLevel: head.status, events };
}

function waitForFirstData(res) {
  return new Promise((resolve) => res.body.once('data', () => { res.body.pause(); resolve(); }));
}

if (!isMainThread && workerData.mode === 'busy') {
  work(${REQUESTS_EACH}).then((result) => parentPort.postMessage({ ...result, live: lib.liveNativeRequests() }),
    (error) => parentPort.postMessage({ error: String(error && error.stack) }));
} else if (!isMainThread && workerData.mode === 'doomed') {
  (async () => {
    // Waiting for a head that never comes; a body paused after its first chunk; a body read as it drips; a big
    // body read as fast as it comes (completions keep arriving while the worker is torn down).
    const silent = lib.request(BASE + 'never-answers').catch(() => undefined);
    const paused = await lib.request(BASE + 'big');
    await waitForFirstData(paused);
    const dripping = await lib.request(BASE + 'slow-drip', { timeout: 5000 });
    dripping.body.on('data', () => undefined);
    await new Promise((resolve) => dripping.body.once('data', resolve));
    const streaming = await lib.request(BASE + 'big');
    streaming.body.on('data', () => undefined);
    await new Promise((resolve) => streaming.body.once('data', resolve));
    parentPort.postMessage({ inFlight: lib.liveNativeRequests() });
    await silent; // never: the worker is terminated first
  })().catch((error) => parentPort.postMessage({ error: String(error && error.stack) }));
} else {
  const report = (data) => fs.writeFileSync(OUT, JSON.stringify(data));
  // How far the main thread got, for when the process dies before it can report.
  const reached = (phase) => fs.appendFileSync(OUT + '.phases', phase + '\n');
  const result = {};
  // Each worker with a promise of its exit code, made before it can exit.
  const startWorker = (mode) => {
    const worker = new Worker(__filename, { workerData: { mode } });
    worker.exitCode = new Promise((resolve) => worker.once('exit', resolve));
    return worker;
  };
  const firstMessage = (worker) => new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error('worker exited with ' + code + ' before reporting')));
  });
  (async () => {
    const busy = Array.from({ length: ${BUSY_WORKERS} }, () => startWorker('busy'));
    const [workers, main] = await Promise.all([Promise.all(busy.map(firstMessage)), work(${REQUESTS_EACH})]);
    reached('busy workers and main thread done');
    result.workers = workers;
    result.main = main;
    result.busyExitCodes = await Promise.all(busy.map((worker) => worker.exitCode));

    reached('busy workers exited');
    const doomed = startWorker('doomed');
    result.doomed = await firstMessage(doomed);
    reached('doomed worker has requests in flight');
    await new Promise((resolve) => setTimeout(resolve, 200));
    result.terminatedWith = await doomed.terminate();
    reached('doomed worker terminated');

    // The main thread goes on as if nothing happened.
    await new Promise((resolve) => setTimeout(resolve, 200));
    result.after = await work(${REQUESTS_EACH});
    reached('main thread worked on');
    result.mainLive = lib.liveNativeRequests();
    result.reportedAt = Date.now();
    report(result);
  })().catch((error) => {
    report({ error: String(error && error.stack) });
    process.exitCode = 2;
  });
}
`;

it(`${BUSY_WORKERS} workers and the main thread at once, then a worker terminated mid-request; the process exits cleanly`, async () => {
  const file = path.join(dir, 'workers.js');
  const out = path.join(dir, 'workers.json');
  writeFileSync(file, [
    `const LIB = ${JSON.stringify(LIB)};`,
    `const OUT = ${JSON.stringify(out)};`,
    `const BASE = ${JSON.stringify(server.url)};`,
    `const PORT = ${server.port};`,
    SCRIPT,
  ].join('\n'));
  const before = { ...Object.fromEntries(await server.sync().then(() => server.hits)) };
  // stderr goes to a file (under Wine node.exe cannot write to a pipe: docs/wine.md): a crash's message shows there.
  const errFile = path.join(dir, 'workers.stderr');
  const errFd = openSync(errFile, 'w');
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'ignore', errFd] });
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  closeSync(errFd);
  const stderr = readFileSync(errFile, 'utf8');
  const report = existsSync(out) ? 'written' : 'missing';
  const phases = existsSync(`${out}.phases`) ? readFileSync(`${out}.phases`, 'utf8').trim().split('\n') : [];
  expect({ exit: exit.code, signal: exit.signal, stderr, report, phases }).toEqual({
    exit: 0, signal: null, stderr: '', report: 'written',
    phases: ['busy workers and main thread done', 'busy workers exited', 'doomed worker has requests in flight',
      'doomed worker terminated', 'main thread worked on'],
  });
  const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  expect(result.error).toBeUndefined();
  // Exited by itself, at once, once its work was done (nothing left holding the loop).
  expect(exit.at - (result.reportedAt as number)).toBeLessThan(2000);

  const perThread = { ok: REQUESTS_EACH, lowLevel: 200, events: ['requestSent', 'responseReceived'] };
  expect(result.workers).toEqual(Array.from({ length: BUSY_WORKERS }, () => ({ ...perThread, live: expect.any(Number) })));
  expect(result.main).toEqual(perThread);
  expect(result.busyExitCodes).toEqual(Array.from({ length: BUSY_WORKERS }, () => 0));
  expect(result.doomed).toEqual({ inFlight: 4 });
  expect(result.terminatedWith).toBe(1);
  expect(result.after).toEqual(perThread);

  await server.sync();
  const hits = server.hits;
  const delta = (p: string) => (hits.get(p) ?? 0) - ((before as Record<string, number>)[p] ?? 0);
  expect(delta('ok')).toBe((BUSY_WORKERS + 2) * (REQUESTS_EACH + 1));
  expect(delta('never-answers')).toBe(1);
  expect(delta('big')).toBe(2);
  expect(delta('slow-drip')).toBe(1);
}, 30_000);
