#!/usr/bin/env node
// `npm run demo -- [winhttp args]`: runs the `winhttp` command (dist/lib/cli/main.js) in Windows node.exe, under Wine
// on Linux or directly on Windows. Needs a built tree (npm run build). On a terminal, Wine's node.exe gets the
// terminal itself (it draws the progress bar there); otherwise its output goes through a file (scripts/wine-node.js:
// node.exe under Wine cannot write to a Linux pipe).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const cli = path.join(__dirname, '..', 'dist', 'lib', 'cli', 'main.js');
const args = process.argv.slice(2);
if (process.platform === 'win32') {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}
if (process.stdout.isTTY && process.stderr.isTTY) {
  const { ensureWindowsNode, ensureWinePrefix, wineEnv } = require('./windows-node');
  const exe = ensureWindowsNode();
  ensureWinePrefix();
  const r = spawnSync('wine', [exe, cli, ...args], { stdio: 'inherit', env: wineEnv(), cwd: path.join(__dirname, '..') });
  process.exit(r.status === null ? 1 : r.status);
}
const { runWineNode } = require('./wine-node');
runWineNode([cli, ...args], { cwd: path.join(__dirname, '..') }).then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
