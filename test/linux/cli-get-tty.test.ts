// `winhttp get` on a terminal: the Windows node.exe under Wine, in a tmux pane (Debian's tmux, a real pseudo-terminal),
// downloading from a loopback server that paces its blocks (so the transfer lasts seconds) and drops the connection
// once. The pane must show one progress line redrawn in place (never a scroll of them), the retry on a line of its
// own above it, and the summary with the file's SHA-256. Runs with Linux node because tmux is a Linux program the
// Windows node.exe cannot start; the piped and --json output is checked under Wine (test/cli/get.test.ts).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PART_SUFFIX } from '../../lib/download';
import { fileSha256, startDownloadFaultServer, type DownloadFaultServer } from '../helpers/fault-server-download';

const ROOT = resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureWindowsNode, ensureWinePrefix, wineEnv } = require(join(ROOT, 'scripts', 'windows-node.js')) as {
  ensureWindowsNode(): string; ensureWinePrefix(): string; wineEnv(base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
};
const SIZE = 3 * 1000 * 1000 + 7;
const SOCKET = `winhttp-get-${process.pid}`; // a tmux server of this test's own
const BAR = /^\[([#.]+)\] +(\d+)% +([\d.]+ [kMG]?B) \/ 3\.0 MB +[\d.]+ [kMG]?B\/s +(ETA \d+s|done)? *$/;

let server: DownloadFaultServer;
let folder: string;

beforeAll(async () => {
  server = await startDownloadFaultServer();
  folder = mkdtempSync(join(tmpdir(), 'winhttp-get-tty-'));
});
afterAll(async () => {
  try {
    execFileSync('tmux', ['-L', SOCKET, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // already gone
  }
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const pane = (session = 'get') => execFileSync('tmux', ['-L', SOCKET, 'capture-pane', '-p', '-t', session], { encoding: 'utf8' })
  .split('\n').map((line) => line.trimEnd()).filter((line) => line !== '');

/** Starts `winhttp get <url> -o <path>` in a new tmux session of that name; the pane ends with EXIT=<code>. */
function startGet(session: string, url: string, path: string): void {
  const exe = ensureWindowsNode();
  ensureWinePrefix();
  const env = wineEnv({});
  const command = [
    'env', ...['WINEPREFIX', 'WINEDEBUG', 'WINEDLLOVERRIDES'].map((name) => quote(`${name}=${env[name]}`)),
    'wine', quote(exe), quote(join(ROOT, 'dist', 'lib', 'cli', 'main.js')), 'get', quote(url), '-o', quote(`Z:${path}`),
    '; echo "EXIT=$?"; sleep 600',
  ].join(' ');
  execFileSync('tmux', ['-L', SOCKET, 'new-session', '-d', '-s', session, '-x', '200', '-y', '30', command]);
}

async function until<T>(what: string, check: () => T | undefined, session: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() - started > 90_000) throw new Error(`${what}: not after 90 s; the pane shows:\n${pane(session).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('draws one progress line in place, the retry above it, and the summary with the SHA-256', async () => {
  const key = 'tty';
  const url = server.url({ size: SIZE, seed: key, key, drops: 1, dropSeed: 4, cut: 'fin', pace: 40 });
  const path = join(folder, 'tty.bin');
  startGet('get', url, path);

  const running: string[] = [];
  let screen: string[] = [];
  const started = Date.now();
  while (!(screen = pane()).some((line) => line.startsWith('EXIT='))) {
    if (Date.now() - started > 90_000) throw new Error(`no exit after 90 s; the pane shows:\n${screen.join('\n')}`);
    const bar = screen.find((line) => BAR.test(line));
    if (bar !== undefined && !bar.endsWith('done')) running.push(bar);
    await new Promise((r) => setTimeout(r, 100));
  }

  expect(screen[screen.length - 1]).toBe('EXIT=0');
  // While it ran: a bar short of full, with the bytes so far and the time left.
  const partial = running.map((line) => BAR.exec(line)!).filter((m) => Number(m[2]) < 100);
  expect(partial.length).toBeGreaterThan(0);
  expect(partial[0][1]).toMatch(/^#*\.+$/);
  expect(partial[0][4]).toMatch(/^ETA \d+s$/);
  // At the end: exactly one bar (redrawn in place), full, after the retry line, then the summary.
  const bars = screen.filter((line) => BAR.test(line));
  expect(bars).toHaveLength(1);
  expect(bars[0]).toMatch(/^\[#+\] +100% +3\.0 MB \/ 3\.0 MB .* done$/);
  const retry = screen.findIndex((line) => /^ResponseTruncatedError: .*; attempt 2 in \d+\.\d s$/.test(line));
  expect(retry).toBeGreaterThanOrEqual(0);
  expect(screen.indexOf(bars[0])).toBeGreaterThan(retry);
  const expected = fileSha256(key, SIZE);
  const summary = screen.slice(screen.indexOf(bars[0]) + 1, -1).join('');
  expect(summary).toMatch(new RegExp(`^saved Z:.*tty\\.bin \\(${SIZE} bytes, resumed at [\\d.]+ [kM]B\\), sha256 ${expected}$`));
  expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(expected);
}, 120_000);

it('Ctrl+C stops it with exit 130 and keeps the partial file; the same command again resumes and completes it', async () => {
  const key = 'interrupted';
  const url = server.url({ size: SIZE, seed: key, key, stallAt: 1_000_000 });
  const path = join(folder, 'interrupted.bin');
  startGet('first', url, path);
  await until('1 MB in the partial file', () => (existsSync(path + PART_SUFFIX) && statSync(path + PART_SUFFIX).size >= 1_000_000
    ? true : undefined), 'first');
  execFileSync('tmux', ['-L', SOCKET, 'send-keys', '-t', 'first', 'C-c']);
  const first = await until('the exit', () => { const s = pane('first'); return s.some((l) => l.startsWith('EXIT=')) ? s : undefined; }, 'first');
  expect(first.slice(-3)).toEqual([
    'winhttp: AbortError: The operation was aborted (code=ABORT_ERR)',
    `interrupted: Z:${path}${PART_SUFFIX} is kept; run the same command again to resume`,
    'EXIT=130',
  ]);
  startGet('second', url, path);
  const second = await until('the exit', () => { const s = pane('second'); return s.some((l) => l.startsWith('EXIT=')) ? s : undefined; }, 'second');
  expect(second[second.length - 1]).toBe('EXIT=0');
  expect(second.join('\n')).toContain(`(${SIZE} bytes, resumed at 1.0 MB), sha256 ${fileSha256(key, SIZE)}`);
  expect(createHash('sha256').update(readFileSync(path)).digest('hex')).toBe(fileSha256(key, SIZE));
}, 120_000);
