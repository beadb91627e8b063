// Regressions (issue 8, the smaller native defects): send() marked its call pending before checking its argument;
// a closed Session still passed its handle to WinHttpSetTimeouts/WinHttpSetOption; queryHeaders() gave up when the
// buffer sized from ERROR_INSUFFICIENT_BUFFER was too small again; close() let the event loop go before
// HANDLE_CLOSING, so a finished script could exit with native state still waiting for it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Session, request } from '../../lib';
import { getBinding } from '../../lib/native/binding';
import { STATUS, contractDouble, useContractDouble } from './helpers/contract-double';
import { NativeExchange } from './helpers/native-exchange';

useContractDouble();

// dist/test/double -> dist/lib
const LIB = path.join(__dirname, '..', '..', 'lib');
const SANITIZER_REPORTS = /ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer|ERROR: LeakSanitizer/;

it('send() with a typed array other than Uint8Array throws a TypeError and leaves no call pending', async () => {
  contractDouble().setScenario({ routes: { '/typed': { body: 'ok' } } });
  const exchange = new NativeExchange('/typed');
  // (Thrown by the addon: a TypeError of the main realm, not of jest's test realm, so matched by message.)
  expect(() => exchange.request.send(8, new Float64Array(1) as unknown as Uint8Array))
    .toThrow('send(totalLength, firstBytes): firstBytes must be a Uint8Array');
  expect(() => exchange.request.write(new Uint16Array(1) as unknown as Uint8Array))
    .toThrow('write(bytes): bytes must be a Uint8Array');
  // Nothing is pending: the same request sends.
  expect((await exchange.call((r) => r.send(0))).status).toBe(STATUS.SENDREQUEST_COMPLETE);
  await exchange.close();
});

it('a closed Session refuses setTimeouts and setOption with a TypeError, without calling WinHTTP', () => {
  const session = new (getBinding().Session)('double-test', 1, null, null);
  session.close();
  expect(() => session.setTimeouts(1000, 1000, 1000, 1000)).toThrow(new TypeError('the session is closed'));
  expect(() => session.setOption(31, 0)).toThrow(new TypeError('the session is closed'));
  // The release check after this test requires no violation: the double saw no call on the closed handle.
});

it('queryHeaders() sizes its buffer again while the header keeps growing', async () => {
  contractDouble().setScenario({ routes: { '/grow': { headers: [['X-Grow', 'v']], growOnShortBuffer: 3, body: 'ok' } } });
  const session = new Session({ proxy: 'none' });
  const req = session.connect('double.test', 80).openRequest('POST', '/grow');
  // A body written after the send: receiveResponse() queries the head itself (a whole body's is read with the
  // receive-ahead, as in the next test).
  await req.send({ contentLength: 2 });
  await req.write('hi');
  const head = await req.receiveResponse();
  expect(head.headers['x-grow']).toBe(`v${'g'.repeat(300)}`);
  req.close();
  session.close();
});

it('the head read by a chained exchange (request()) sizes its buffer again while the header keeps growing', async () => {
  // Longer than the addon's first 256-character buffer, so its first raw-head query is answered short.
  contractDouble().setScenario({ routes: { '/grow': { headers: [['X-Grow', 'v'.repeat(300)]], growOnShortBuffer: 3, body: 'ok' } } });
  const session = new Session({ proxy: 'none' });
  const res = await request('http://double.test/grow', { session });
  expect(res.headers['x-grow']).toBe(`${'v'.repeat(300)}${'g'.repeat(300)}`);
  expect(await res.text()).toBe('ok');
  session.close();
});

describe('close() keeps the event loop alive until HANDLE_CLOSING', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'winhttp-close-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Runs `source` in a child node (with --expose-gc) that has the double's addon, the library and OUT defined.
  const runScript = (name: string, source: string) => {
    const out = path.join(dir, `${name}.txt`);
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--expose-gc', '-e', `
      const binding = require(${JSON.stringify(path.join(LIB, 'native', 'binding'))}).getBinding();
      const { Session } = require(${JSON.stringify(LIB)});
      const OUT = ${JSON.stringify(out)};
      ${source}`], { encoding: 'utf8', timeout: 60000 });
    // Echoed, so scripts/double.js sees a report in the child too; the pattern itself is never printed.
    if (SANITIZER_REPORTS.test(child.stderr)) process.stderr.write(child.stderr);
    expect(SANITIZER_REPORTS.test(child.stderr)).toBe(false);
    expect(child.status).toBe(0);
    return { out, ms: Date.now() - started };
  };

  it('a script that closed its request exits only after HANDLE_CLOSING', () => {
    const { out } = runScript('awaits-closing', `
      binding.contractDouble.setScenario({ closing: 'pool', delayMs: [400, 400], routes: { '/x': { body: 'x' } } });
      const req = new Session({ proxy: 'none' }).connect('double.test', 80).openRequest('GET', '/x');
      req.send().then(() => {
        req.close();
        req.handleClosed.then(() => require('fs').writeFileSync(OUT, 'closed'));
      });`);
    expect(existsSync(out) && readFileSync(out, 'utf8')).toBe('closed');
  });

  it('a closed request dropped before HANDLE_CLOSING is collected and no longer keeps the script running', () => {
    // HANDLE_CLOSING is 20 s away; the script exits long before it.
    const { out, ms } = runScript('dropped', `
      binding.contractDouble.setScenario({ completion: 'sync', closing: 'pool', delayMs: [20000, 20000],
        routes: { '/x': { body: 'x' } } });
      let req = new Session({ proxy: 'none' }).connect('double.test', 80).openRequest('GET', '/x');
      req.send().then(() => {
        req.close();
        req = undefined;
        setImmediate(() => {
          globalThis.gc();
          require('fs').writeFileSync(OUT, String(binding.liveRequests()));
        });
      });`);
    expect(ms).toBeLessThan(15000);
    // The native state itself waits for HANDLE_CLOSING (it never came): only the wrapper was collected.
    expect(readFileSync(out, 'utf8')).toBe('1');
  });
});
