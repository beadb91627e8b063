// Electron and other hosts are not named node.exe. The addon imports Node-API through a delay-load hook that binds
// to whichever executable loaded it, so the smoke request must also work in a renamed copy of node.exe.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const LIB = path.join(__dirname, '..', '..', 'lib', 'index.js');

describe('host executable', () => {
  let server: Server;
  let dir: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('served to a renamed host'));
    server.on('connection', (socket) => socket.setNoDelay(true));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    dir = mkdtempSync(path.join(tmpdir(), 'winhttp-host-'));
  });

  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the addon and completes a request in a copy of node.exe named host-app.exe', async () => {
    const host = path.join(dir, 'host-app.exe');
    copyFileSync(process.execPath, host);
    const script = path.join(dir, 'smoke.js');
    const resultFile = path.join(dir, 'result.json');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    writeFileSync(script, `
      const { request } = require(${JSON.stringify(LIB)});
      request(${JSON.stringify(url)}, { timeout: 10000 }).then(async (r) => {
        require('fs').writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify({ status: r.status, body: await r.text(), exe: process.execPath }));
      }, (e) => { require('fs').writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify({ error: String(e) })); });
    `);
    // The server runs in this process: spawn asynchronously so it can answer.
    const child = await new Promise<number | null>((resolve) => {
      const proc = spawn(host, [script], { stdio: 'ignore' });
      proc.on('exit', (code) => resolve(code));
    });
    expect(child).toBe(0);
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    expect(result).toEqual({ status: 200, body: 'served to a renamed host', exe: host });
  }, 60_000);
});
