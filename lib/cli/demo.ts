// `winhttp` with no url: a self-contained tour that needs no network. It serves a file on 127.0.0.1 from this process
// and downloads it with `winhttp get` (the command's own code): a progress bar on a terminal, a connection that breaks
// at 40 % and the download resuming with Range + If-Range, the SHA-256 checked against the one the server published,
// then the typed error for a closed port.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '../request';
import { WinHttpError } from '../errors';
import { serveDemoFile } from './demo-server';
import { runGet } from './get-command';
import { formatBytes } from './progress-line';

function freePort(): Promise<number> {
  const probe = createServer();
  return new Promise((resolve) => probe.listen(0, '127.0.0.1', () => {
    const { port } = probe.address() as AddressInfo;
    probe.close(() => resolve(port));
  }));
}

export async function runDemo(streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }): Promise<number> {
  const out = streams.stdout;
  const server = await serveDemoFile();
  const folder = mkdtempSync(join(tmpdir(), 'winhttp-demo-'));
  const path = join(folder, 'demo.bin');
  try {
    out.write(`winhttp demo: a ${formatBytes(server.bytes)} file served on ${new URL(server.url).origin} (loopback, this ` +
      `process), its SHA-256 published as ${server.sha256}.\nThe download goes through winhttp.dll; the server breaks ` +
      'the connection once, at 40 %.\n\n');
    out.write(`> winhttp get ${server.url} -o ${path} --sha256 ${server.sha256}\n`);
    const code = await runGet([server.url, '-o', path, '--sha256', server.sha256], streams);
    if (code !== 0) return code;
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    out.write(`verified: ${path} holds ${server.bytes} bytes with SHA-256 ${actual}, ` +
      `${actual === server.sha256 ? 'the one the server published' : 'NOT the one the server published'}\n\n`);
    if (actual !== server.sha256) return 1;

    const closed = `http://127.0.0.1:${await freePort()}/`;
    out.write(`> GET ${closed} (nobody listens there)\n`);
    try {
      await request(closed, { timeout: 10_000 });
      out.write('unexpected: the request succeeded\n');
      return 1;
    } catch (error) {
      if (!(error instanceof WinHttpError)) throw error;
      out.write(`${error.name}: code=${error.code} errno=${error.errno} api=${error.api} category=${error.category}\n`);
    }
    return 0;
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
