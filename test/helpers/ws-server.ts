// Starts test/helpers/ws-loopback-server.ts (the `ws` package) once per test file in a node process of its own: under
// Wine the Linux node (started with `start.exe /unix`, as tinyproxy.ts starts tinyproxy: node.exe cannot spawn a
// Linux program itself), elsewhere this node. The process learns its folder, reports its ports in a file there, and
// exits when the folder is removed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onWine } from './wine';

const SERVER = path.join(__dirname, 'ws-loopback-server.js');
const CERT_DIR = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'tls', 'suite-trusted');

export interface WsServer {
  /** "ws://127.0.0.1:<port>" */
  url: string;
  /** "wss://localhost:<port>" (the certificate names localhost) */
  secureUrl: string;
  port: number;
  securePort: number;
  close(): Promise<void>;
}

// Z:\work\x -> /work/x: the path a Linux program sees for a file node.exe names on drive Z:.
const unixPath = (windowsPath: string) => windowsPath.replace(/^[Zz]:/, '').replace(/\\/g, '/');

export async function startWsServer(): Promise<WsServer> {
  const dir = mkdtempSync(onWine ? 'Z:\\tmp\\winhttp-ws-' : path.join(os.tmpdir(), 'winhttp-ws-'));
  const args = onWine ? ['/unix', '/usr/bin/node', unixPath(SERVER), unixPath(dir), unixPath(CERT_DIR)]
    : [SERVER, dir, CERT_DIR];
  const child = spawn(onWine ? 'start.exe' : process.execPath, args, { stdio: 'ignore', detached: !onWine });
  child.unref();
  const ready = path.join(dir, 'ready.json');
  for (let waited = 0; !existsSync(ready); waited += 50) {
    if (waited > 15_000) throw new Error(`the ws server did not start (see ${dir})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // the file is written whole; let its writer close it
  const { port, securePort } = JSON.parse(readFileSync(ready, 'utf8')) as { port: number; securePort: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    secureUrl: `wss://localhost:${securePort}`,
    port,
    securePort,
    // The server exits within half a second of its folder going away.
    close: async () => rmSync(dir, { recursive: true, force: true }),
  };
}
