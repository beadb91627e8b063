// Where a small GET's CPU goes, per thread, under Wine (Linux only: it reads /proc). Runs one client at `concurrency`
// against the bench server, and over a 3-second window in the middle of the run reads the CPU time of every thread
// of the client's process (the JS thread, WinHTTP's pool threads by name, the rest), of this process (the server)
// and of wineserver; prints each in microseconds per request, and the machine's capacity per request (cores / rate),
// which the total reaches when the cores are full. Not part of `npm run bench`: bench/README.md, findings 3k and 3l.
//   node bench/thread-cpu.js <reference|lowlevel|request|fetch|raw-addon> [concurrency=16] [count=40000]
//     [read=direct|query|chained (reference only)] [flags=--v8-flag,... (node.exe's, library clients only)]
// Library clients run in bench/clients/probe.js (`count` requests); the reference runs its small mode for 7 s.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { ensureWindowsNode, ensureWinePrefix, wineEnv } = require('../scripts/windows-node');
const { start } = require('./server');

const ROOT = path.resolve(__dirname, '..');
const REFERENCE_EXE = path.join(ROOT, 'build', 'bench', 'reference_client.exe');
const WINDOW_START_MS = 2500;
const WINDOW_MS = 3000;
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString());

const [client = 'request', ...pairs] = process.argv.slice(2);
// key=value pairs; a value may hold '=' (flags=--max-semi-space-size=32).
const splitPair = (pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
const options = { concurrency: '16', count: '40000', ...Object.fromEntries(pairs.map(splitPair)) };

// utime + stime of a /proc stat line (fields 14 and 15; the name in parentheses may hold spaces).
function ticksOf(statFile) {
  const fields = fs.readFileSync(statFile, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

// The Linux pid whose command line holds `marker` (Wine's loader runs the .exe under its own name); of several, the
// one with the most threads.
function findPid(marker) {
  const found = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => readOr(`/proc/${entry}/cmdline`, '').replace(/\0/g, ' ').includes(marker))
    .map((entry) => ({ pid: Number(entry), threads: threadCount(entry) }));
  found.sort((a, b) => b.threads - a.threads);
  return found[0]?.pid;
}

function threadCount(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return 0;
  }
}

function wineserverPid() {
  return fs.readdirSync('/proc').map(Number).find((pid) => readOr(`/proc/${pid}/comm`, '').startsWith('wineserver'));
}

// Ticks per thread of `pid` (with its name), of this process (the server) and of wineserver.
function snapshot(pid, serverPid) {
  const threads = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const dir = `/proc/${pid}/task/${tid}`;
      threads.set(tid, { ticks: ticksOf(`${dir}/stat`), name: readOr(`${dir}/comm`, '?') });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  const wineserver = serverPid ? ticksOf(`/proc/${serverPid}/stat`) : 0;
  return { threads, server: ticksOf('/proc/self/stat'), wineserver };
}

function command(port) {
  if (client === 'reference') {
    const read = options.read ?? 'direct';
    return {
      exe: REFERENCE_EXE,
      args: ['small', `port=${port}`, `concurrency=${options.concurrency}`, 'seconds=7', 'warmup=0.5', `read=${read}`],
      marker: `${path.basename(REFERENCE_EXE)} small`,
    };
  }
  const probe = path.join('bench', 'clients', 'probe.js');
  return {
    exe: ensureWindowsNode(),
    args: ['--expose-gc', ...(options.flags ? options.flags.split(',') : []), probe, client, `port=${port}`,
      `count=${options.count}`, `concurrency=${options.concurrency}`],
    marker: `${probe} ${client}`,
  };
}

async function main() {
  if (process.platform !== 'linux') {
    throw new Error('bench/thread-cpu.js reads /proc: run it on the Linux host, under Wine');
  }
  if (client === 'reference' && !fs.existsSync(REFERENCE_EXE)) {
    throw new Error('no reference client: run `npm run bench` once (it builds it)');
  }
  ensureWinePrefix();
  const server = await start();
  const outFile = path.join(os.tmpdir(), `thread-cpu-${process.pid}.out`);
  const { exe, args, marker } = command(server.port);
  const fd = fs.openSync(outFile, 'w');  // node.exe under Wine fails on a pipe
  const child = spawn('wine', [exe, ...args], { cwd: ROOT, env: wineEnv(), stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, WINDOW_START_MS));
  const pid = findPid(marker);
  if (pid === undefined) throw new Error(`the client's process was not found (${marker})`);
  const serverPid = wineserverPid();
  const before = snapshot(pid, serverPid);
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  if (!fs.existsSync(`/proc/${pid}/task`)) throw new Error('the run ended inside the window: raise count');
  const after = snapshot(pid, serverPid);
  await exited;
  await server.close();
  const lines = fs.readFileSync(outFile, 'utf8').trim().split('\n');
  fs.rmSync(outFile, { force: true });
  const result = JSON.parse(lines[lines.length - 1]);
  if (!(result.rps > 0)) throw new Error(`the client reported no rate: ${lines[lines.length - 1]}`);

  const usPerRequest = (ticks) => (ticks / TICKS_PER_SECOND) * 1e6 / (result.rps * WINDOW_MS / 1000);
  let jsThread = 0;
  let pool = 0;
  const others = {};  // ticks of the other threads, by name (V8's helpers are "node.exe")
  for (const [tid, { ticks, name }] of after.threads) {
    const used = ticks - (before.threads.get(tid)?.ticks ?? 0);
    if (Number(tid) === pid) jsThread += used;
    else if (name === 'wine_threadpool') pool += used;
    else others[name] = (others[name] ?? 0) + used;
  }
  const otherTicks = Object.values(others).reduce((a, b) => a + b, 0);
  const ticks = {
    main: jsThread, winhttp_pool: pool, other_threads: otherTicks,
    server: after.server - before.server, wineserver: after.wineserver - before.wineserver,
  };
  const figures = Object.fromEntries(Object.entries(ticks).map(([k, v]) => [k, Math.round(usPerRequest(v))]));
  const total = Object.values(figures).reduce((a, b) => a + b, 0);
  const byName = Object.fromEntries(Object.entries(others).filter(([, v]) => v > 0)
    .map(([k, v]) => [k, Math.round(usPerRequest(v))]));
  console.log(JSON.stringify({
    client, read: options.read, concurrency: Number(options.concurrency), rps: Math.round(result.rps),
    us_per_request: { ...figures, total }, other_threads_by_name: byName,
    capacity_us_per_request: Math.round(os.cpus().length * 1e6 / result.rps),
  }));
}

main().then(() => process.exit(0), (error) => {
  console.error(error.message);
  process.exit(1);
});
