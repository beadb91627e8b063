// The library's own JavaScript per small GET, timed over a stand-in for the addon (stand-in-binding.js: no WinHTTP,
// no I/O), 16 loops at once as in scenario 2. Run it with Linux node (quiet and repeatable), or with the Windows
// node.exe under Wine, to compare two trees: a change that saves JavaScript shows here in microseconds, where the
// bench's requests/s move by less than their noise (bench/README.md, finding 3k).
//   node bench/js-cost/run.js [request|lowlevel|fetch] [count=100000] [lib=dist/lib]
'use strict';
const path = require('node:path');

const options = Object.fromEntries(process.argv.slice(3).map((arg) => arg.split('=')));
const client = process.argv[2] ?? 'request';
const count = Number(options.count ?? 100000);
process.env.WINHTTP_NATIVE_PATH = path.join(__dirname, 'stand-in-binding.js');
const lib = require(path.resolve(options.lib ?? path.join(__dirname, '..', '..', 'dist', 'lib')));

const session = new lib.Session({ proxy: 'none' });
const connection = session.connect('127.0.0.1', 80);

async function viaRequest() {
  const res = await lib.request('http://127.0.0.1/small', { session });
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  return bytes;
}

async function viaLowLevel() {
  const req = connection.openRequest('GET', '/small');
  try {
    await req.send();
    await req.receiveResponse();
    let bytes = 0;
    for (let chunk; (chunk = await req.read(64 * 1024)) !== null;) bytes += chunk.length;
    return bytes;
  } finally {
    req.close();
  }
}

async function viaFetch() {
  const res = await lib.fetch('http://127.0.0.1/small', { winhttp: { session } });
  return (await res.arrayBuffer()).byteLength;
}

const exchange = { request: viaRequest, lowlevel: viaLowLevel, fetch: viaFetch }[client];
if (exchange === undefined) throw new Error(`unknown client ${client} (request, lowlevel, fetch)`);

async function loops(total) {
  const each = Math.ceil(total / 16);
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let i = 0; i < each; i += 1) {
      if (await exchange() !== 200) throw new Error('the body did not come whole');
    }
  }));
  return each * 16;
}

(async () => {
  await loops(Math.min(5000, count));  // warm-up: the functions optimized before the clock starts
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  const done = await loops(count);
  const wallUs = Number(process.hrtime.bigint() - started) / 1e3;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ client, requests: done, us_per_request: +(wallUs / done).toFixed(2),
    cpu_us_per_request: +((cpu.user + cpu.system) / done).toFixed(2) }));
  session.close();
})();
