// `npm test` (extra arguments go to the main jest run). Needs a built tree (`npm run build`). On Windows: jest with
// this node. On Linux: the Linux suite (scripts/jest.linux.config.js) with this node; the contract-double suite
// (scripts/double.js, which builds its own Linux addon) in the variants WINHTTP_DOUBLE_VARIANTS names (default
// below); then the main suite (jest.config.js) with the Windows node.exe under Wine. Ends with one line
// "tests: N passed, N failed, N skipped" over every run, and exits non-zero if any run fails.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const { NODE_WIN_VERSION, wineEnv } = require('./windows-node');
const { runWineNode } = require('./wine-node');

const ROOT = path.resolve(__dirname, '..');
// All three by default: the native state machine is checked plain, under ASan+UBSan+LSan and under TSan.
const DOUBLE_VARIANTS = (process.env.WINHTTP_DOUBLE_VARIANTS ?? 'plain,asan,tsan').split(/[ ,]+/).filter(Boolean);
// Seconds of the randomised stress test per variant: bounded so CI stays well inside its limit.
const DOUBLE_STRESS_SECONDS = '20';
const JEST = 'node_modules/jest/bin/jest.js';
const args = process.argv.slice(2);
const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'winhttp-jest-'));
const reports = [];

// Each run writes jest's JSON report, so the totals below count what really ran.
function reportArgs(name) {
  const file = path.join(reportDir, `${name}.json`);
  reports.push(file);
  return ['--json', `--outputFile=${file}`];
}

const runJest = (jestArgs) =>
  spawnSync(process.execPath, [JEST, ...jestArgs], { cwd: ROOT, stdio: 'inherit' }).status ?? 1;

async function runAll() {
  if (process.platform === 'win32') return runJest([...reportArgs('windows'), ...args]);
  if (process.platform !== 'linux') throw new Error(`npm test runs on Windows or Linux, not ${process.platform}`);
  const linux = runJest(['--config', 'scripts/jest.linux.config.js', ...reportArgs('linux')]);
  let double = 0;
  if (DOUBLE_VARIANTS.length > 0) {
    double = spawnSync(process.execPath, ['scripts/double.js', ...DOUBLE_VARIANTS, '--stress', DOUBLE_STRESS_SECONDS],
      { cwd: ROOT, stdio: 'inherit' }).status ?? 1;
    for (const variant of DOUBLE_VARIANTS) reports.push(path.join(ROOT, 'build', `double-${variant}`, 'jest-report.json'));
  }
  const wine = execFileSync('wine', ['--version'], { encoding: 'utf8', env: wineEnv() }).trim();
  console.log(`main suite under ${wine} with Windows node.exe v${NODE_WIN_VERSION}`);
  const windows = await runWineNode([JEST, ...reportArgs('wine'), ...args], { cwd: ROOT });
  return linux || double || windows;
}

function printTotals() {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const file of reports) {
    if (!fs.existsSync(file)) {
      totals.failed += 1; // a run that wrote no report did not finish
      continue;
    }
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
    totals.skipped += report.numPendingTests + report.numTodoTests;
  }
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals;
}

runAll().then((code) => {
  const totals = printTotals();
  process.exitCode = code !== 0 || totals.failed > 0 ? code || 1 : 0;
}, (e) => {
  console.error(e.message);
  process.exitCode = 1;
}).finally(() => fs.rmSync(reportDir, { recursive: true, force: true }));
