// Runs the Windows node.exe under Wine with the project's prefix (scripts/windows-node.js). Under Wine, node.exe
// fails on a Linux pipe or pty, so its stdout and stderr go to a file that is copied to our stdout as it grows.
// CLI: `node scripts/wine-node.js <node args...>` exits with node.exe's exit code.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { ensureWindowsNode, ensureWinePrefix, wineEnv } = require('./windows-node');

async function runWineNode(args, { cwd = process.cwd(), env = process.env, outFile } = {}) {
  const exe = ensureWindowsNode();
  ensureWinePrefix();
  const tmpDir = outFile ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'wine-node-'));
  const file = outFile || path.join(tmpDir, 'output.log');
  const childEnv = wineEnv(env);
  const wfd = fs.openSync(file, 'w');
  const child = spawn('wine', [exe, ...args], { cwd, env: childEnv, stdio: ['ignore', wfd, wfd] });
  fs.closeSync(wfd);

  const rfd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 16);
  let pos = 0;
  const copy = () => {
    for (let n; (n = fs.readSync(rfd, buf, 0, buf.length, pos)) > 0; pos += n) {
      process.stdout.write(Buffer.from(buf.subarray(0, n)));
    }
  };
  const timer = setInterval(copy, 100);
  const finish = () => {
    clearInterval(timer);
    copy();
    fs.closeSync(rfd);
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    for (const sig of ['SIGINT', 'SIGTERM']) process.removeListener(sig, onSignal);
  };
  // Killing `wine` may leave Windows processes (jest workers) running: end everything in our prefix.
  function onSignal(sig) {
    child.kill('SIGKILL');
    spawnSync('wineserver', ['-k'], { env: childEnv, stdio: 'ignore' });
    finish();
    process.kill(process.pid, sig); // our handler is gone: die of the signal as if we had none
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return new Promise((resolve, reject) => {
    child.on('error', (e) => { finish(); reject(e); });
    child.on('exit', (code, signal) => { finish(); resolve(code ?? 128 + os.constants.signals[signal]); });
  });
}

module.exports = { runWineNode };

if (require.main === module) {
  runWineNode(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
