// A real HTTP proxy for the proxy tests: Debian's tinyproxy (scripts/setup-linux.sh installs it), started once per
// test file on a free loopback port with its own configuration, log and pid file in a temporary folder; never as a
// system service. Under Wine a Linux program is started with `start.exe /unix` (Wine executes the ELF file itself)
// and stopped the same way with /bin/kill, as node.exe cannot spawn or signal it directly. Its log has one line per
// proxied request ("Request (file descriptor 7): GET http://localhost:5000/x HTTP/1.1"), which the tests read to
// prove a request went through it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { closedPort } from './servers';
import { onWine } from './wine';

const UNIX_BINARY = '/usr/bin/tinyproxy';

/** Whether this run can start tinyproxy: under Wine (where the Linux package is reachable). */
export const tinyproxyRunnable = onWine;

export interface Tinyproxy {
  port: number;
  /** "127.0.0.1:<port>", as a proxy option. */
  address: string;
  /** The request lines it proxied so far ("GET http://localhost:5000/x HTTP/1.1", "CONNECT localhost:5001 HTTP/1.1"). */
  requests(): string[];
  close(): Promise<void>;
}

function runUnix(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('start.exe', ['/unix', ...args], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export async function startTinyproxy(): Promise<Tinyproxy> {
  if (!existsSync(`Z:${UNIX_BINARY.replace(/\//g, '\\')}`)) {
    throw new Error(`${UNIX_BINARY} is missing: run scripts/setup-linux.sh (Debian package tinyproxy)`);
  }
  // Under /tmp, so tinyproxy (a Linux program) and node.exe (through drive Z:) name the same folder.
  const dir = mkdtempSync('Z:\\tmp\\winhttp-tinyproxy-');
  chmodSync(dir, 0o777);
  const unixDir = `/tmp/${path.win32.basename(dir)}`;
  const port = await closedPort();
  writeFileSync(path.win32.join(dir, 'tinyproxy.conf'), [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${unixDir}/tinyproxy.log"`,
    'LogLevel Connect',
    `PidFile "${unixDir}/tinyproxy.pid"`,
    'MaxClients 100',
    'Allow 127.0.0.1',
    'DisableViaHeader Yes',
    '',
  ].join('\n'));
  await runUnix([UNIX_BINARY, '-d', '-c', `${unixDir}/tinyproxy.conf`]);
  const pidFile = path.win32.join(dir, 'tinyproxy.pid');
  for (let waited = 0; !(existsSync(pidFile) && await accepts(port)); waited += 50) {
    if (waited > 10_000) throw new Error(`tinyproxy did not start on port ${port} (see ${unixDir})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const logFile = path.win32.join(dir, 'tinyproxy.log');
  return {
    port,
    address: `127.0.0.1:${port}`,
    requests: () => [...readFileSync(logFile, 'utf8').matchAll(/: Request \(file descriptor \d+\): (.*)$/gm)].map((m) => m[1]),
    close: async () => {
      await runUnix(['/bin/kill', readFileSync(pidFile, 'utf8').trim()]);
      for (let waited = 0; await accepts(port) && waited < 5_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
