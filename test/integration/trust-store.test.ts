// Trust comes from the Windows certificate store: an https request to a loopback server whose certificate chains to
// the store-probe CA fails certificate validation while LocalMachine\Root lacks that CA, succeeds once
// test/helpers/trusted-ca.ts has added it, and fails again once it is removed. Each request runs in a new child
// process (this node executable; under Wine the Windows node.exe), with stdio ignored, reporting through a JSON file:
// a process reads the root store once (Wine at its first certificate check) and WinHTTP may resume a TLS session, so
// only a new process shows a change of the store. The server is in this process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type TestServer, startHttpsServer } from '../helpers/servers';
import { STORE_PROBE_CA, addToRootStore, inRootStore, removeFromRootStore } from '../helpers/trusted-ca';

const LIB = path.join(__dirname, '..', '..', 'lib', 'index.js');
const BODY = 'trusted through the Windows store';

let dir: string;
let tls: TestServer<https.Server>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'winhttp-trust-'));
  tls = await startHttpsServer((_req, res) => {
    res.writeHead(200, { 'Content-Length': Buffer.byteLength(BODY) }).end(BODY);
  }, STORE_PROBE_CA);
});

afterAll(async () => {
  await removeFromRootStore(STORE_PROBE_CA); // also when a test failed between add and remove
  await tls?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

type Outcome = { status: number; body: string } | { error: Record<string, unknown> };

/** request(tls.url) in a new process: the response, or the error's name, code, errno, api and category. */
async function requestInNewProcess(name: string): Promise<Outcome> {
  const file = path.join(dir, `${name}.js`);
  const out = path.join(dir, `${name}.json`);
  writeFileSync(file, `
    const report = (data) => require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(data));
    require(${JSON.stringify(LIB)}).request(${JSON.stringify(tls.url)}).then(
      async (res) => report({ status: res.status, body: await res.text() }),
      (e) => report({ error: { name: e.name, code: e.code, errno: e.errno, api: e.api, category: e.category } }));
  `);
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, [file], { stdio: 'ignore' }).on('exit', (exitCode) => resolve(exitCode));
  });
  expect(code).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as Outcome;
}

/** A certificate-validation failure as the library reports it, whichever TLS code this WinHTTP uses. */
const TLS_FAILURE = {
  error: { name: 'WinHttpError', code: expect.any(String), errno: expect.any(Number), api: 'WinHttpSendRequest', category: 'tls' },
};

it('an https server is trusted exactly while its CA is in LocalMachine\\Root', async () => {
  await removeFromRootStore(STORE_PROBE_CA); // an interrupted run may have left it
  expect(await inRootStore(STORE_PROBE_CA)).toBe(false);
  expect(await requestInNewProcess('before-add')).toEqual(TLS_FAILURE);

  await addToRootStore(STORE_PROBE_CA);
  await addToRootStore(STORE_PROBE_CA); // adding twice is not an error
  expect(await inRootStore(STORE_PROBE_CA)).toBe(true);
  expect(await requestInNewProcess('after-add')).toEqual({ status: 200, body: BODY });

  await removeFromRootStore(STORE_PROBE_CA);
  expect(await inRootStore(STORE_PROBE_CA)).toBe(false);
  expect(await requestInNewProcess('after-remove')).toEqual(TLS_FAILURE);
  await removeFromRootStore(STORE_PROBE_CA); // removing what is not there is not an error
}, 60_000);
