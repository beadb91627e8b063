// A counting probe for small requests, not a timing: runs `count` GETs of /small with `concurrency` loops through one
// of the library's clients (request, lowlevel, fetch) and prints per request what does not depend on the machine's
// load: crossings (crossings.js) by native method and status, and young-generation collections (the semi-space size
// is fixed on the command line, so collections per request track bytes allocated per request). Event-loop busy time
// per request and the process's CPU time per request (every thread: WinHTTP's included) are printed too, for context
// only. Run it in the Windows node.exe with the bench server up:
//   node.exe --expose-gc --min-semi-space-size=16 --max-semi-space-size=16 bench/clients/probe.js request port=P
//     [count=5000] [concurrency=16] [profile=1|2]
// us_per_call: the wall time inside each native call and notification handler, per call (context only: it moves with
// the load).
// profile=1 writes .cache/probe-<client>.cpuprofile of the measured requests only (bench/profile-summary.js reads it),
// profile=2 .cache/probe-<client>.heapprofile (allocations, the collected ones included); the crossings are then not
// counted, so the native calls' time shows under their JavaScript callers.
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');
const { PerformanceObserver, performance, constants } = require('node:perf_hooks');

const [clientName, ...pairs] = process.argv.slice(2);
const options = { count: 5000, concurrency: 16, ...Object.fromEntries(pairs.map((p) => p.split('=')).map(([k, v]) => [k, Number(v)])) };
if (options.profile !== undefined) process.env.WINHTTP_BENCH_UNCOUNTED = '1';
const crossings = require('./crossings').countCrossings();

let scavenges = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges += 1;
}).observe({ entryTypes: ['gc'] });

async function run(client, count) {
  let next = 0;
  let errors = 0;
  const loop = async () => {
    while (next < count) {
      next += 1;
      const r = await client.get('/small').catch(() => null);
      if (r === null || r.bytes !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return errors;
}

// The inspector's CPU profiler (or sampling heap profiler) around `work`, written to .cache/.
async function profiled(work) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
  fs.mkdirSync('.cache', { recursive: true });
  if (options.profile === 2) {
    // Where the JavaScript heap's bytes are allocated, the short-lived ones included (one sample per 1 KiB).
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', {
      samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true,
    });
    const result = await work();
    const { profile } = await post('HeapProfiler.stopSampling');
    fs.writeFileSync(`.cache/probe-${clientName}.heapprofile`, JSON.stringify(profile));
    session.disconnect();
    return result;
  }
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: options.interval ?? 200 });
  await post('Profiler.start');
  const result = await work();
  const { profile } = await post('Profiler.stop');
  fs.writeFileSync(`.cache/probe-${clientName}.cpuprofile`, JSON.stringify(profile));
  session.disconnect();
  return result;
}

async function main() {
  const client = await require(`./${clientName}.js`).open(options.port);
  try {
    await run(client, 500);
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const calls0 = { ...crossings.byName };
    const nanos0 = { ...crossings.nanosByName };
    const total0 = crossings.calls + crossings.callbacks;
    const scavenges0 = scavenges;
    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const errors = options.profile !== undefined ? await profiled(() => run(client, options.count)) : await run(client, options.count);
    const seconds = (performance.now() - t0) / 1e3;
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const perRequest = (n) => Math.round((n / options.count) * 100) / 100;
    const byName = Object.fromEntries(Object.entries(crossings.byName)
      .map(([name, n]) => [name, perRequest(n - (calls0[name] ?? 0))]).filter(([, n]) => n > 0));
    const usPerCall = Object.fromEntries(Object.entries(crossings.nanosByName).map(([name, ns]) => {
      const calls = crossings.byName[name] - (calls0[name] ?? 0);
      return [name, Math.round((ns - (nanos0[name] ?? 0)) / calls / 100) / 10];
    }).filter(([, us]) => us > 0));
    return {
      client: clientName, count: options.count, concurrency: options.concurrency, errors,
      crossings_per_request: perRequest(crossings.calls + crossings.callbacks - total0), by_name: byName,
      us_per_call: usPerCall,
      scavenges_per_1000: Math.round(((scavenges - scavenges0) / options.count) * 1000 * 10) / 10,
      busy_us_per_request: Math.round((elu.active * 1000) / options.count),
      cpu_us_per_request: Math.round((cpu.user + cpu.system) / options.count), rps: Math.round(options.count / seconds),
    };
  } finally {
    client.close();
  }
}

main().then((result) => console.log(JSON.stringify(result)), (error) => {
  console.error(error);
  process.exitCode = 1;
});
