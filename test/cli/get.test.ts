// `winhttp get` run as a command (a child node.exe under Wine, its output piped): --json gives one JSON object a
// line (progress, retry, done or error) that a script can rely on; without --json, piped output stays quiet; a second
// run resumes what the first left; exit codes say whether the file is complete; credentials are never printed. The
// terminal's progress bar is checked under tmux by test/linux/cli-get-tty.test.ts.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PART_SUFFIX, STATE_SUFFIX } from '../../lib';
import { fileSha256, startDownloadFaultServer, type DownloadFaultServer } from '../helpers/fault-server-download';
import { EXIT } from '../../lib/cli/exit-codes';

const CLI = join(__dirname, '..', '..', 'lib', 'cli', 'main.js');
const SIZE = 3 * 1000 * 1000 + 7;

let server: DownloadFaultServer;
let folder: string;
let serial = 0;

beforeAll(async () => {
  server = await startDownloadFaultServer();
  folder = mkdtempSync(join(tmpdir(), 'winhttp-get-'));
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

function target(): { path: string; key: string } {
  serial += 1;
  return { path: join(folder, `get-${serial}.bin`), key: `cli${serial}` };
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'get', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => { stdout += data.toString('utf8'); });
  child.stderr.on('data', (data: Buffer) => { stderr += data.toString('utf8'); });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  const lines = stdout.split('\n');
  expect(lines.pop()).toBe(''); // every line ends with a newline
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

const sha256Of = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('winhttp get', () => {
  it('--json: progress lines rising to the total, a retry line per drop, then done with the SHA-256; the file is identical', async () => {
    const { path, key } = target();
    const expected = fileSha256(key, SIZE);
    const url = server.url({ size: SIZE, seed: key, key, drops: 2, dropSeed: 9, cut: 'fin', pace: 5 });
    const { code, stdout, stderr } = await run([url, '-o', path, '--json', '--sha256', expected]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = jsonLines(stdout);
    const types = lines.map((line) => line.type);
    expect(types.filter((t) => t === 'retry')).toHaveLength(2);
    expect(types[types.length - 1]).toBe('done');
    expect(types.every((t) => ['progress', 'retry', 'done'].includes(t as string))).toBe(true);
    const progress = lines.filter((line) => line.type === 'progress');
    expect(progress[progress.length - 1]).toMatchObject({ bytes: SIZE, total: SIZE, done: true });
    for (const line of progress) expect(Object.keys(line).sort()).toEqual(['bytes', 'done', 'eta', 'rate', 'total', 'type']);
    const retry = lines.find((line) => line.type === 'retry')!;
    expect(retry).toMatchObject({ retry: 1, attempt: 2, error: { name: 'ResponseTruncatedError', code: 'ERR_WINHTTP_BODY_TRUNCATED' } });
    expect(lines[lines.length - 1]).toMatchObject({ type: 'done', path, bytes: SIZE, sha256: expected, attempts: 3 });
    expect((lines[lines.length - 1].url as string).includes('?')).toBe(false); // the query is not shown
    expect(sha256Of(path)).toBe(expected);
  });

  it('piped without --json it prints nothing, and the file is complete', async () => {
    const { path, key } = target();
    const { code, stdout, stderr } = await run([server.url({ size: SIZE, seed: key, key }), '-o', path]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(sha256Of(path)).toBe(fileSha256(key, SIZE));
  });

  it('a run that fails keeps its partial file; the same command again resumes it (exit 6 for the timeout, then 0)', async () => {
    const { path, key } = target();
    // The first answer stops at 1 MB and never ends: with --retries 0 the receive timeout ends the first run.
    const url = server.url({ size: SIZE, seed: key, key, stallAt: 1_000_000 });
    const first = await run([url, '-o', path, '--json', '--retries', '0', '--timeout', '1500']);
    expect(first.code).toBe(EXIT.TIMEOUT);
    const failed = jsonLines(first.stdout).pop()!;
    expect(failed).toMatchObject({ type: 'error', name: 'WinHttpError' });
    expect(first.stderr).toMatch(/^winhttp: WinHttpError: .*\(code=\S+ errno=\d+ api=WinHttp\w+\)\nhint: no answer in time: .+\n$/);
    expect([existsSync(path), existsSync(path + PART_SUFFIX), existsSync(path + STATE_SUFFIX)]).toEqual([false, true, true]);
    const second = await run([url, '-o', path, '--json']);
    expect(second.code).toBe(0);
    expect(jsonLines(second.stdout).pop()).toMatchObject({ type: 'done', resumedFrom: 1_000_000, bytes: SIZE });
    expect(sha256Of(path)).toBe(fileSha256(key, SIZE));
  });

  it('a wrong --sha256: exit 11, an error line with both digests named, nothing left', async () => {
    const { path, key } = target();
    const { code, stdout, stderr } = await run([server.url({ size: SIZE, seed: key, key }), '-o', path, '--json',
      '--sha256', '0'.repeat(64)]);
    expect(code).toBe(EXIT.CHECKSUM);
    expect(jsonLines(stdout).pop()).toMatchObject({ type: 'error', name: 'ChecksumMismatchError', code: 'ERR_WINHTTP_CHECKSUM_MISMATCH' });
    expect(stderr).toContain(fileSha256(key, SIZE));
    expect([path, path + PART_SUFFIX, path + STATE_SUFFIX].some((p) => existsSync(p))).toBe(false);
  });

  it('credentials given with -u and -U appear in no output, even when the download fails', async () => {
    const { path, key } = target();
    const { code, stdout, stderr } = await run([server.url({ key, status: 403 }), '-o', path, '--json',
      '-u', 'CORP\\alice:s3cret-pass', '-U', 'bob:pr0xy-pass', '--proxy', 'none']);
    expect(code).toBe(EXIT.HTTP_ERROR);
    expect(jsonLines(stdout).pop()).toMatchObject({ type: 'error', name: 'DownloadStatusError', code: 'ERR_WINHTTP_DOWNLOAD_STATUS' });
    for (const secret of ['s3cret-pass', 'pr0xy-pass', 'alice']) expect(stdout + stderr).not.toContain(secret);
  });

  it('bad arguments exit 2 with the usage; a url without a file name asks for -o', async () => {
    const bad = await run(['--retries', 'many', 'http://127.0.0.1:1/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--retries must be a whole number[\s\S]*Usage: winhttp get/);
    const nameless = await run(['http://127.0.0.1:1/']);
    expect(nameless.code).toBe(2);
    expect(nameless.stderr).toContain('give -o <file>');
  });
});
