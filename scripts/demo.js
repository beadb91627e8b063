#!/usr/bin/env node
// `npm run demo -- [winhttp args]`: runs the `winhttp` command (dist/lib/cli/main.js) in Windows node.exe, under Wine
// on Linux (scripts/wine-node.js) or directly on Windows. Needs a built tree (npm run build).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const cli = path.join(__dirname, '..', 'dist', 'lib', 'cli', 'main.js');
const args = process.argv.slice(2);
if (process.platform === 'win32') {
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  process.exit(r.status === null ? 1 : r.status);
}
const { runWineNode } = require('./wine-node');
runWineNode([cli, ...args], { cwd: path.join(__dirname, '..') }).then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
