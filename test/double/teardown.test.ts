// The ends of an environment with WinHTTP work still under way: a worker thread terminated while completions are
// queued for it and pool threads are still calling back, and a process that exits mid-request. Nothing may crash,
// touch freed memory or leak (under the sanitizers, a child process's own report fails the test), and every handle
// the worker opened is closed by its teardown.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { contractDouble, expectAllReleased } from './helpers/contract-double';

// dist/test/double -> dist/lib
const LIB = path.join(__dirname, '..', '..', 'lib');
const SANITIZER_REPORTS = /ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer|ERROR: LeakSanitizer/;

// Starts `count` requests whose completions arrive on pool threads over the next `spreadMs`, and does not wait.
const startRequests = (count: number): string => `
  const { Session, request } = require(${JSON.stringify(LIB)});
  const session = new Session({ proxy: 'none' });
  for (let i = 0; i < ${count}; i++) {
    request('http://double.test/slow', { method: 'POST', body: 'x'.repeat(i), session })
      .then((res) => res.text()).catch(() => {});
  }
`;

beforeEach(() => {
  contractDouble().setScenario({ delayMs: [0, 20], routes: { '/slow': { body: ['a', 'b', 'c'] } } });
});

it('a worker terminated while completions are handed to JavaScript neither aborts the process nor leaks (regression: std::terminate in Dispatcher::CallJs)', async () => {
  const worker = new Worker(`${startRequests(100)}
    setTimeout(() => require('node:worker_threads').parentPort.postMessage('busy'), 5);`, { eval: true });
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  await expectAllReleased();
});

it('a worker terminated long before its completions are due drops them, from pool threads, and leaks nothing', async () => {
  // Most completions arrive after the worker's environment is gone: Dispatcher::Post must see that, under its lock,
  // on the pool threads while the worker thread finalizes the dispatcher.
  contractDouble().setScenario({ delayMs: [20, 150], routes: { '/slow': { body: ['a', 'b', 'c'] } } });
  const worker = new Worker(`${startRequests(100)}
    setTimeout(() => require('node:worker_threads').parentPort.postMessage('busy'), 5);`, { eval: true });
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
  await expectAllReleased();
});

// Regression for a bug this suite found (std::terminate, or node-addon-api's FATAL ERROR "Error::Error
// napi_define_properties", in a worker being terminated: a RequestWrap method or RequestWrap::OnStatus fails because
// JavaScript can no longer run, and node-addon-api's C++ exception path then cannot throw into JavaScript either).
// About one run in two aborted before NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS was defined in CMakeLists.txt and
// binding.gyp.
it('workers terminated at random moments of their requests never abort the process (regression: std::terminate in a terminating worker)', async () => {
  contractDouble().setScenario({ completion: 'random', delayMs: [0, 3], routes: { '/slow': { body: ['a', 'b', 'c'] } } });
  for (let round = 0; round < 40; round++) {
    const worker = new Worker(`${startRequests(200)}
      setTimeout(() => require('node:worker_threads').parentPort.postMessage('busy'), ${round % 8});`, { eval: true });
    await new Promise((resolve) => worker.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, round % 3));
    await worker.terminate();
  }
  await expectAllReleased();
});

it('a process exiting with requests in flight exits cleanly', () => {
  const child = spawnSync(process.execPath, ['-e', `
    const binding = require(${JSON.stringify(path.join(LIB, 'native', 'binding'))}).getBinding();
    binding.contractDouble.setScenario({ delayMs: [0, 20], routes: { '/slow': { body: ['a', 'b', 'c'] } } });
    ${startRequests(100)}
    setTimeout(() => process.exit(0), 5);`], { encoding: 'utf8', timeout: 60000 });
  // Echoed, so scripts/double.js sees a report in the child too; the pattern itself is never printed.
  if (SANITIZER_REPORTS.test(child.stderr)) process.stderr.write(child.stderr);
  expect(SANITIZER_REPORTS.test(child.stderr)).toBe(false);
  expect(child.status).toBe(0);
});
