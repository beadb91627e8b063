// Runs one benchmark scenario with one JavaScript client inside the Windows node.exe (under Wine on Linux), and
// writes one JSON line with the same fields as bench/reference/reference_client.cc prints, so scripts/bench.js
// compares them directly. Usage: node.exe --expose-gc bench/clients/run.js <client> <mode> port=P [bytes=N]
// [concurrency=C] [seconds=S] [warmup=S] [count=K] [warmups=K] [chunk=B]. A client module (lowlevel.js, request.js,
// node-fetch.js, node-http.js) exports open(port) -> (a promise of) { get(path), upload(total, chunk), liveRequests(),
// close(), crossings()? }; get and upload resolve with { status, bytes, chunks, held } once the whole response body
// has been read. crossings() (the library's clients only, see crossings.js) adds JS <-> native crossing counts.
'use strict';
const fs = require('node:fs');

const [clientName, mode, ...pairs] = process.argv.slice(2);
const options = Object.fromEntries(pairs.map((pair) => pair.split('=')).map(([k, v]) => [k, Number(v)]));
const mb = (bytes) => bytes / 1e6;
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const crossings = (client) => client.crossings?.() ?? null;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

// Garbage-collects until the wrappers' finalizers (which close native handles) and HANDLE_CLOSING have run.
async function settle() {
  for (let i = 0; i < 5; i += 1) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// global.gc() never gives back the young generation's spare capacity. V8 doubles that space whenever the bytes that
// survived its scavenges since the last doubling exceed its size (any steady allocator gets there; which 10,000
// requests the step falls in is chance: 4 MB of RSS in or out of a reading), and shrinks it only in a
// memory-reducing collection (memory pressure, or its memory reducer once the process has idled for seconds). The
// 'last-resort' flavour is that collection (repeated until no finalizer frees more, then the young generation
// shrunk to its minimum): readings of what is held take it after settle(), so they compare retained memory and
// not where V8's sizing step fell. The young generation's size before it is reported on its own (youngGeneration),
// so that survival a library causes (bench/README.md, finding 4) still shows.
const releaseSpareHeap = () => global.gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
const youngGeneration = () => require('node:v8').getHeapSpaceStatistics()
  .find((space) => space.space_name === 'new_space').space_size;

async function sequential(client, count) {
  let errors = 0;
  for (let i = 0; i < count; i += 1) {
    const r = await client.get('/small').catch(() => null);
    if (r === null || r.bytes !== 200) errors += 1;
  }
  return errors;
}

const modes = {
  async get(client) {
    await client.get('/small');
    const cpu0 = cpuSeconds();
    const crossings0 = crossings(client);
    const t0 = performance.now();
    const r = await client.get(`/bytes?n=${options.bytes}`);
    const seconds = (performance.now() - t0) / 1e3;
    return {
      bytes: r.bytes, seconds, mbps: mb(r.bytes) / seconds, cpu_seconds: cpuSeconds() - cpu0, reads: r.chunks,
      crossings: crossings0 === null ? null : crossings(client) - crossings0, error: r.bytes === options.bytes ? 0 : 1,
    };
  },

  // Same window as the reference: exchanges that start after the warm-up and end before the deadline count.
  async small(client) {
    const begin = performance.now() + (options.warmup ?? 0.5) * 1e3;
    const end = begin + options.seconds * 1e3;
    const latencies = [];
    let errors = 0;
    const loop = async () => {
      for (let now = performance.now(); now < end; now = performance.now()) {
        const r = await client.get('/small').catch(() => null);
        const done = performance.now();
        if (r === null || r.bytes !== 200) errors += 1;
        else if (now >= begin && done <= end) latencies.push(done - now);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, loop));
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length, rps: latencies.length / options.seconds, p50_ms: percentile(latencies, 0.5),
      p99_ms: percentile(latencies, 0.99), errors,
    };
  },

  async sequential(client) {
    let errors = await sequential(client, options.warmups);
    await settle();
    releaseSpareHeap();
    const rss0 = process.memoryUsage.rss();
    const { heapTotal: heap0, heapUsed: used0 } = process.memoryUsage();
    const handles0 = client.liveRequests();
    const crossings0 = crossings(client);
    const t0 = performance.now();
    errors += await sequential(client, options.count);
    const seconds = (performance.now() - t0) / 1e3;
    const crossed = crossings0 === null ? null : crossings(client) - crossings0;
    const young = youngGeneration();
    await settle();
    releaseSpareHeap();
    const { heapTotal, heapUsed } = process.memoryUsage();
    return {
      count: options.count, rps: options.count / seconds, rss_before_mb: mb(rss0),
      rss_after_mb: mb(process.memoryUsage.rss()), heap_total_growth_mb: mb(heapTotal - heap0),
      heap_used_growth_mb: mb(heapUsed - used0), young_generation_mb: mb(young),
      handles_before: handles0, handles_after: client.liveRequests(), crossings: crossed, errors,
    };
  },

  async inflight(client) {
    await client.get('/small');
    await settle();
    const rss0 = process.memoryUsage.rss();
    const errors = {};
    let completed = 0;
    let maxHeld = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: options.count }, () => client.get(`/hold?n=${options.count}`).then((r) => {
      completed += 1;
      maxHeld = Math.max(maxHeld, r.held);
    }, (error) => {
      const key = error.code ?? error.name;
      errors[key] = (errors[key] ?? 0) + 1;
    })));
    const seconds = (performance.now() - t0) / 1e3;
    const peak = process.resourceUsage().maxRSS * 1024;
    return {
      count: options.count, completed, max_in_flight: maxHeld, seconds, rss_before_mb: mb(rss0),
      rss_peak_mb: mb(peak), kb_per_request: (peak - rss0) / 1024 / Math.max(maxHeld, 1),
      errors: Object.entries(errors).map(([k, n]) => `${k}x${n}`).join(','),
    };
  },

  async upload(client) {
    const chunk = Buffer.alloc(options.chunk, 0x75);
    await client.get('/small');
    const cpu0 = cpuSeconds();
    const crossings0 = crossings(client);
    const t0 = performance.now();
    const r = await client.upload(options.bytes, chunk);
    const seconds = (performance.now() - t0) / 1e3;
    return {
      bytes: options.bytes, seconds, mbps: mb(options.bytes) / seconds, cpu_seconds: cpuSeconds() - cpu0,
      crossings: crossings0 === null ? null : crossings(client) - crossings0, error: r.status === 200 ? 0 : 1,
    };
  },
};

async function main() {
  const client = await require(`./${clientName}.js`).open(options.port);
  try {
    return await modes[mode](client);
  } finally {
    client.close();
  }
}

main().then((result) => {
  fs.writeSync(1, `${JSON.stringify(result)}\n`);
  process.exit(0); // keep-alive sockets and agents must not hold the process open
}, (error) => {
  fs.writeSync(1, `${JSON.stringify({ error: String(error?.stack ?? error) })}\n`);
  process.exit(1);
});
