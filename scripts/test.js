// `npm test` (extra arguments go to jest). Needs a built tree (`npm run build`); it builds nothing. On Windows: jest
// with this node. On Linux: the Linux-only suite (dist/test/linux) with this node, then the main suite (jest.config.js)
// with the Windows node.exe under Wine. Exits non-zero if either run fails.
'use strict';
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { NODE_WIN_VERSION, wineEnv } = require('./windows-node');
const { runWineNode } = require('./wine-node');

const ROOT = path.resolve(__dirname, '..');
const JEST = 'node_modules/jest/bin/jest.js';
const args = process.argv.slice(2);
const runJest = (jestArgs) =>
  spawnSync(process.execPath, [JEST, ...jestArgs], { cwd: ROOT, stdio: 'inherit' }).status ?? 1;

async function main() {
  if (process.platform === 'win32') return runJest(args);
  if (process.platform !== 'linux') throw new Error(`npm test runs on Windows or Linux, not ${process.platform}`);
  const linux = runJest(['--config', 'scripts/jest.linux.config.js']);
  const wine = execFileSync('wine', ['--version'], { encoding: 'utf8', env: wineEnv() }).trim();
  console.log(`main suite under ${wine} with Windows node.exe v${NODE_WIN_VERSION}`);
  const windows = await runWineNode([JEST, ...args], { cwd: ROOT });
  return linux || windows;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(e.message);
  process.exitCode = 1;
});
