#!/usr/bin/env node
// The WebSocket bench row: `node bench/websocket.js` (after npm run build) starts the ws echo server
// (bench/ws-server.js) in this Linux node, then runs bench/clients/websocket.js in the Windows node.exe (under
// Wine; natively on Windows) once per client, one at a time, and prints one line per client: messages per second
// (64-byte round trips, 100 in flight) and MB/s (1 MiB messages echoed), and the ratio of ours to Node's own
// WebSocket in the same node.exe. Separate from scripts/bench.js: its scenarios are HTTP exchanges.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { ensureWindowsNode, wineEnv } = require('../scripts/windows-node');
const { start } = require('./ws-server');

const ROOT = path.resolve(__dirname, '..');
const ON_WINDOWS = process.platform === 'win32';

// node.exe under Wine fails on a pipe: its output goes to a file. Resolves with its last line, parsed. Asynchronous:
// the server runs in this process.
async function runClient(client, port) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ws-bench-')), `${client}.out`);
  const fd = fs.openSync(file, 'w');
  const node = ON_WINDOWS ? process.execPath : ensureWindowsNode();
  const command = [node, path.join('bench', 'clients', 'websocket.js'), client, `port=${port}`];
  const [exe, ...args] = ON_WINDOWS ? command : ['wine', ...command];
  const child = spawn(exe, args, { cwd: ROOT, env: wineEnv(), stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
  await new Promise((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return { client, error: lines.slice(-3).join(' | ') };
  }
}

async function main() {
  const server = await start();
  try {
    const results = [];
    for (const client of ['winhttp', 'node']) {
      results.push(await runClient(client, server.port));
    }
    const [ours, nodes] = results;
    for (const r of results) {
      if (r.error) console.log(`${r.client}: ${r.error}`);
      else console.log(`${r.client.padEnd(8)} ${r.messages_per_s.toFixed(0).padStart(7)} messages/s ` +
        `${r.mbps.toFixed(1).padStart(7)} MB/s  errors ${r.errors}`);
    }
    if (!ours.error && !nodes.error) {
      console.log(`ratio winhttp/node: messages ${(ours.messages_per_s / nodes.messages_per_s).toFixed(2)}, ` +
        `MB/s ${(ours.mbps / nodes.mbps).toFixed(2)}`);
    }
  } finally {
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
