// A real HTTP proxy for the proxy tests: Debian's tinyproxy (scripts/setup-linux.sh installs it), started once per
// test file on a free loopback port with its own configuration, log and pid file in a temporary folder; never as a
// system service. Under Wine a Linux program is started with `start.exe /unix` (Wine executes the ELF file itself)
// and stopped the same way with /bin/kill, as node.exe cannot spawn or signal it directly. Its log has one line per
// proxied request ("Request (file descriptor 7): GET http://localhost:5000/x HTTP/1.1"), which the tests read to
// prove a request went through it; after it, "Established connection to host ..." when it forwarded that request
// (not after a 407). With `basicAuth` it demands Basic proxy credentials (its BasicAuth directive); its log does not
// name the user.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import * as net from 'node:net';
import type { ServerResponse } from 'node:http';
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
  /** Each request line in order, and whether tinyproxy forwarded it to the target (a 407 or 401 is not). */
  exchanges(): { request: string; forwarded: boolean }[];
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

export interface TinyproxyOptions {
  /** Basic proxy credentials tinyproxy demands (BasicAuth user password; neither may contain whitespace). */
  basicAuth?: { user: string; password: string };
}

// The request lines of the log and whether each was forwarded. Client connections are served one after another in
// the tests, so an "Established connection" line belongs to the request line before it.
function exchangesIn(log: string): { request: string; forwarded: boolean }[] {
  const exchanges: { request: string; forwarded: boolean }[] = [];
  for (const line of log.split('\n')) {
    const request = /: Request \(file descriptor \d+\): (.*)$/.exec(line);
    if (request !== null) exchanges.push({ request: request[1], forwarded: false });
    else if (/: Established connection to host /.test(line) && exchanges.length > 0) exchanges[exchanges.length - 1].forwarded = true;
  }
  return exchanges;
}

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
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
    ...(options.basicAuth === undefined ? [] : [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`]),
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
    requests: () => exchangesIn(readFileSync(logFile, 'utf8')).map((exchange) => exchange.request),
    exchanges: () => exchangesIn(readFileSync(logFile, 'utf8')),
    close: async () => {
      await runUnix(['/bin/kill', readFileSync(pidFile, 'utf8').trim()]);
      for (let waited = 0; await accepts(port) && waited < 5_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PAC file answer that sends URLs with /via-proxy/ in their path through `proxy` and everything else DIRECT. */
export function answerViaProxyPac(proxy: Tinyproxy, res: ServerResponse): void {
  const script = `function FindProxyForURL(url, host) {
  if (shExpMatch(url, "*/via-proxy/*")) return "PROXY ${proxy.address}";
  return "DIRECT";
}`;
  res.writeHead(200, { 'Content-Type': 'application/x-ns-proxy-autoconfig', 'Content-Length': script.length }).end(script);
}
