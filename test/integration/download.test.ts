// download() against a loopback server that fails on purpose (test/helpers/fault-server-download.ts): every file
// ends byte-identical (the SHA-256 of every byte, and the server's log shows how it got there) or with the typed
// error, and nothing but a whole file is ever left under the final name. Retries use a recorded clock, so no test
// sleeps through a backoff or a Retry-After.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AbortError, ChecksumMismatchError, DownloadStatusError, FilePermissionError, PART_SUFFIX, STATE_SUFFIX,
  WinHttpError, download, request, type Progress, type RetryClock,
} from '../../lib';
import { fileSha256, startDownloadFaultServer, type DownloadFaultServer } from '../helpers/fault-server-download';
import { closedPort } from '../helpers/servers';
import { urlKey } from '../../lib/download/partial-file';
import { onWine } from '../helpers/wine';

const SIZE = 1024 * 1024 + 123; // not a multiple of any block size
const BIG = 200 * 1000 * 1000;

let server: DownloadFaultServer;
let folder: string;
let serial = 0;

beforeAll(async () => {
  server = await startDownloadFaultServer();
  folder = mkdtempSync(join(tmpdir(), 'winhttp-download-'));
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

/** A fresh target path and server key per test. */
function target(): { path: string; key: string } {
  serial += 1;
  return { path: join(folder, `file-${serial}.bin`), key: `k${serial}` };
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** The files beside `path` that download() may leave (the partial file and its state), and the file itself. */
function leftovers(path: string): string[] {
  return [path, path + PART_SUFFIX, path + STATE_SUFFIX].filter((p) => existsSync(p));
}

/** A clock whose sleep returns at once and records what it was asked to wait. */
function recordedClock(): RetryClock & { waits: number[] } {
  let now = Date.now();
  const waits: number[] = [];
  return { waits, now: () => now, sleep: async (ms) => { waits.push(ms); now += ms; } };
}

async function served(key: string) {
  await server.sync();
  return server.served(key);
}

describe('download()', () => {
  it('writes the whole file under its name, with nothing beside it, and reports its SHA-256', async () => {
    const { path, key } = target();
    const result = await download(server.url({ size: SIZE, seed: key, key }), path);
    const expected = fileSha256(key, SIZE);
    expect(result).toMatchObject({ path, bytes: SIZE, sha256: expected, resumedFrom: 0, attempts: 1 });
    expect(await hashFile(path)).toBe(expected);
    expect(leftovers(path)).toEqual([path]);
  });

  it('200 MB through seeded drops at random offsets (RST and FIN) ends byte-identical, resuming each time where the file ended', async () => {
    const { path, key } = target();
    const clock = recordedClock();
    const expected = fileSha256(key, BIG);
    const result = await download(server.url({ size: BIG, seed: key, key, drops: 4, dropSeed: 20261130 }), path,
      { clock, sha256: expected });
    expect(await hashFile(path)).toBe(expected);
    expect(result.bytes).toBe(BIG);
    const log = await served(key);
    expect(log.map((r) => r.status)).toEqual([200, 206, 206, 206, 206]);
    expect(log.slice(0, 4).map((r) => r.cut)).toEqual(['rst', 'fin', 'rst', 'fin']);
    // Each resume asks for the bytes after those the file held, under the validator of the first answer.
    for (let i = 1; i < log.length; i += 1) {
      expect(log[i].range).toBe(`bytes=${log[i].start}-`);
      expect(log[i].ifRange).toBe(log[0].ifRange ?? log[1].ifRange);
      expect(log[i].start).toBeGreaterThanOrEqual(log[i - 1].start);
      expect(log[i].start).toBeLessThanOrEqual(log[i - 1].start + log[i - 1].sent);
    }
    expect(result.resumedFrom).toBe(log[4].start);
    expect(clock.waits).toHaveLength(4); // one wait per drop; progress reset the count each time
    expect(leftovers(path)).toEqual([path]);
  }, 120_000);

  it('a server that refuses ranges (200 to a Range) is started over each time and the file ends identical', async () => {
    const { path, key } = target();
    const result = await download(server.url({ size: SIZE, seed: key, key, drops: 2, dropSeed: 5, cut: 'fin', ranges: 0 }), path,
      { clock: recordedClock() });
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
    const log = await served(key);
    // Each retry asked for the rest (FIN drops deliver every byte sent) and got the whole file again.
    expect(log.map((r) => [r.status, r.range !== undefined])).toEqual([[200, false], [200, true], [200, true]]);
    expect(result.resumedFrom).toBe(0);
  });

  it('an ETag that changes mid-download: If-Range gets the whole new file (200), which is what ends under the name', async () => {
    const { path, key } = target();
    await download(server.url({ size: SIZE, seed: key, key, drops: 1, dropSeed: 11, cut: 'fin', changeAfter: 1 }), path,
      { clock: recordedClock() });
    expect(await hashFile(path)).toBe(fileSha256(`${key}-v2`, SIZE));
    const log = await served(key);
    expect(log.map((r) => r.status)).toEqual([200, 200]);
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(log[1].range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(log[0].sent);
    expect(log[1].ifRange).toMatch(/^"[0-9a-f]{16}"$/); // the first file's ETag, which the server no longer has
  });

  it('a server that ignores If-Range (206 under a new ETag) is caught: the file starts over and ends as the new file', async () => {
    const { path, key } = target();
    await download(server.url({ size: SIZE, seed: key, key, drops: 1, dropSeed: 11, cut: 'fin', changeAfter: 1, ignoreIfRange: 1 }),
      path, { clock: recordedClock() });
    expect(await hashFile(path)).toBe(fileSha256(`${key}-v2`, SIZE));
    const log = await served(key);
    expect(log.map((r) => [r.status, r.range === undefined])).toEqual([[200, true], [206, false], [200, true]]);
  });

  it('Last-Modified serves as the validator when there is no ETag', async () => {
    const { path, key } = target();
    await download(server.url({ size: SIZE, seed: key, key, drops: 1, dropSeed: 3, cut: 'fin', validator: 'date' }), path,
      { clock: recordedClock() });
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
    const log = await served(key);
    expect(log[1]).toMatchObject({ status: 206, ifRange: 'Mon, 02 Nov 2026 10:00:00 GMT' });
  });

  it.each(['weak', 'none'])('without a usable validator (%s) nothing is resumed: the retry asks for the whole file', async (validator) => {
    const { path, key } = target();
    const result = await download(server.url({ size: SIZE, seed: key, key, drops: 1, dropSeed: 3, cut: 'fin', validator }), path,
      { clock: recordedClock() });
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
    const log = await served(key);
    expect(log.map((r) => [r.status, r.range])).toEqual([[200, undefined], [200, undefined]]);
    expect(result.resumedFrom).toBe(0);
  });

  it('503 with Retry-After is waited out for the time the server asked, then the file arrives', async () => {
    const { path, key } = target();
    const clock = recordedClock();
    const retries: number[] = [];
    await download(server.url({ size: SIZE, seed: key, key, busy: 2, retryAfter: 7 }), path,
      { clock, onRetry: (info) => retries.push(info.delayMs) });
    expect(clock.waits).toEqual([7000, 7000]);
    expect(retries).toEqual([7000, 7000]);
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
  });

  it('a Retry-After longer than backoff.maxMs is not waited for: DownloadStatusError 503, nothing left', async () => {
    const { path, key } = target();
    const clock = recordedClock();
    const failure = download(server.url({ size: SIZE, seed: key, key, busy: 5, retryAfter: 120 }), path,
      { clock, backoff: { maxMs: 60_000 } });
    await expect(failure).rejects.toThrow(DownloadStatusError);
    await expect(failure).rejects.toMatchObject({ status: 503, retryAfterMs: 120_000, code: 'ERR_WINHTTP_DOWNLOAD_STATUS' });
    expect(clock.waits).toEqual([]);
    expect(leftovers(path)).toEqual([]);
  });

  it('a body whose checksum is wrong: ChecksumMismatchError with both digests, and no file of any name is left', async () => {
    const { path, key } = target();
    const failure = download(server.url({ size: SIZE, seed: key, key, corrupt: 1 }), path, { sha256: fileSha256(key, SIZE) });
    await expect(failure).rejects.toThrow(ChecksumMismatchError);
    const error = (await failure.catch((e: unknown) => e)) as ChecksumMismatchError;
    expect(error).toMatchObject({ expected: fileSha256(key, SIZE), bytes: SIZE, code: 'ERR_WINHTTP_CHECKSUM_MISMATCH' });
    expect(error.actual).toMatch(/^[0-9a-f]{64}$/);
    expect(error.actual).not.toBe(error.expected);
    expect(leftovers(path)).toEqual([]);
    expect((await served(key))).toHaveLength(1); // a wrong checksum is not retried
  });

  it('a 404 is not retried: DownloadStatusError without the query string, nothing left', async () => {
    const { path, key } = target();
    const failure = download(server.url({ key, status: 404, token: 'secret-token' }), path, { clock: recordedClock() });
    await expect(failure).rejects.toMatchObject({ name: 'DownloadStatusError', status: 404 });
    const error = (await failure.catch((e: Error) => e)) as Error;
    expect(error.message).not.toContain('secret-token');
    expect(await served(key)).toHaveLength(1);
    expect(leftovers(path)).toEqual([]);
  });

  it('a server nobody answers: the retries wait the capped exponential backoff with jitter, then the WinHttpError', async () => {
    const { path } = target();
    const clock = recordedClock();
    const failure = download(`http://127.0.0.1:${await closedPort()}/file`, path,
      { clock, retries: 4, random: () => 0.5, backoff: { initialMs: 400, maxMs: 1000 } });
    await expect(failure).rejects.toThrow(WinHttpError);
    await expect(failure).rejects.toMatchObject({ category: 'connect' });
    // half the step plus half of the random half: 400 → 300, 800 → 600, then capped at 1000 → 750
    expect(clock.waits).toEqual([300, 600, 750, 750]);
    expect(leftovers(path)).toEqual([]);
  });

  it('an abort leaves the partial file and its state; the next call resumes there and ends identical', async () => {
    const { path, key } = target();
    const url = server.url({ size: SIZE, seed: key, key, stallAt: 300_000 });
    const controller = new AbortController();
    const failure = download(url, path, { signal: controller.signal });
    await waitForSize(path + PART_SUFFIX, 300_000);
    controller.abort();
    await expect(failure).rejects.toThrow(AbortError);
    expect(leftovers(path)).toEqual([path + PART_SUFFIX, path + STATE_SUFFIX]);
    // The state names the URL by its SHA-256 only: a signed URL's query is a credential.
    expect(JSON.parse(readFileSync(path + STATE_SUFFIX, 'utf8'))).toEqual({ urlSha256: urlKey(url), etag: expect.any(String), total: SIZE });
    const result = await download(url, path);
    expect(result.resumedFrom).toBe(300_000);
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
    expect(leftovers(path)).toEqual([path]);
  });

  it('resume: false starts over, whatever a partial file holds, and an abort then leaves nothing', async () => {
    const { path, key } = target();
    writeFileSync(path + PART_SUFFIX, 'stale bytes');
    writeFileSync(path + STATE_SUFFIX, JSON.stringify({ urlSha256: urlKey(server.url({ size: SIZE, seed: key, key })), etag: '"x"' }));
    const result = await download(server.url({ size: SIZE, seed: key, key }), path, { resume: false });
    expect(result.resumedFrom).toBe(0);
    expect((await served(key))[0].range).toBeUndefined();
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));

    const stalled = target();
    const controller = new AbortController();
    const failure = download(server.url({ size: SIZE, seed: key, key: stalled.key, stallAt: 1000 }), stalled.path,
      { signal: controller.signal, resume: false });
    await waitForSize(stalled.path + PART_SUFFIX, 1000);
    controller.abort();
    await expect(failure).rejects.toThrow(AbortError);
    expect(leftovers(stalled.path)).toEqual([]);
  });

  it('a partial file left for another URL is not resumed', async () => {
    const { path, key } = target();
    writeFileSync(path + PART_SUFFIX, Buffer.alloc(5000, 1));
    writeFileSync(path + STATE_SUFFIX, JSON.stringify({ urlSha256: urlKey('http://127.0.0.1:1/other'), etag: '"x"' }));
    const result = await download(server.url({ size: SIZE, seed: key, key }), path);
    expect(result.resumedFrom).toBe(0);
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
  });

  it('progress: bytes rise to the total, at most one report per 100 ms, and a last one with done', async () => {
    const { path, key } = target();
    const reports: Array<Progress & { at: number }> = [];
    // 24 blocks of 64 KiB, 15 ms apart: at least 345 ms, so several reports whatever the machine's speed
    await download(server.url({ size: 24 * 65536, seed: key, key, pace: 15 }), path,
      { onProgress: (p) => reports.push({ ...p, at: Date.now() }) });
    const last = reports[reports.length - 1];
    expect(last).toMatchObject({ bytes: 24 * 65536, total: 24 * 65536, done: true });
    const running = reports.slice(0, -1);
    expect(running.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < running.length; i += 1) {
      expect(running[i].at - running[i - 1].at).toBeGreaterThanOrEqual(99); // Date.now() may round down by 1 ms
      expect(running[i].bytes).toBeGreaterThan(running[i - 1].bytes);
    }
    expect(running.every((p) => !p.done && p.total === 24 * 65536)).toBe(true);
    expect(running.slice(1).every((p) => p.rate > 0 && p.eta !== undefined)).toBe(true);
  });

  // On Wine a folder of sysfs (Z:\sys) refuses to create files, whoever asks (the suite runs as root, which no
  // permission bit stops). On Windows the test denies file creation in a folder of its own with icacls.
  it('a folder it may not write to: FilePermissionError, nothing left', async () => {
    const { key } = target();
    const denied = onWine ? 'Z:\\sys' : deniedFolder();
    const path = join(denied, `winhttp-${key}.bin`);
    const failure = download(server.url({ size: SIZE, seed: key, key }), path);
    await expect(failure).rejects.toThrow(FilePermissionError);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_WINHTTP_FILE_PERMISSION', path });
    expect(leftovers(path)).toEqual([]);
  });

  it('a download killed with SIGKILL mid-file is resumed by the next run and ends identical', async () => {
    const { path, key } = target();
    const url = server.url({ size: SIZE, seed: key, key, stallAt: 500_000 });
    const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', 'helpers', 'download-child.js'), url, path],
      { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    await waitForSize(path + PART_SUFFIX, 500_000);
    child.kill('SIGKILL');
    await exited;
    expect(leftovers(path)).toEqual([path + PART_SUFFIX, path + STATE_SUFFIX]);
    const result = await download(url, path);
    expect(result.resumedFrom).toBe(500_000);
    expect(await hashFile(path)).toBe(fileSha256(key, SIZE));
    const log = await served(key);
    expect(log[log.length - 1]).toMatchObject({ status: 206, range: 'bytes=500000-', start: 500_000, sent: SIZE - 500_000 });
  });
});

describe('Response.onProgress', () => {
  it('reports the bytes received of Content-Length while any body is read, throttled, ending with done', async () => {
    const key = `progress-${serial}`;
    const reports: Array<Progress & { at: number }> = [];
    const res = await request(server.url({ size: 24 * 65536, seed: key, key, pace: 15 }));
    res.onProgress((p) => reports.push({ ...p, at: Date.now() }));
    const body = await res.buffer();
    expect(body.length).toBe(24 * 65536);
    expect(createHash('sha256').update(body).digest('hex')).toBe(fileSha256(key, 24 * 65536));
    expect(reports[reports.length - 1]).toMatchObject({ bytes: 24 * 65536, total: 24 * 65536, done: true });
    const running = reports.slice(0, -1);
    expect(running.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < running.length; i += 1) expect(running[i].at - running[i - 1].at).toBeGreaterThanOrEqual(99);
  });

  it('refuses an interval under 100 ms', async () => {
    const key = `progress-interval-${serial}`;
    const res = await request(server.url({ size: 10, seed: key, key }));
    expect(() => res.onProgress(() => undefined, { intervalMs: 10 })).toThrow(RangeError);
    await res.buffer();
  });
});

async function waitForSize(path: string, size: number): Promise<void> {
  const started = Date.now();
  while (!existsSync(path) || statSync(path).size < size) {
    if (Date.now() - started > 20_000) throw new Error(`${path} did not reach ${size} bytes`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Windows: a new folder in which everyone is denied creating files (icacls), removed in afterAll with the rest. */
function deniedFolder(): string {
  const denied = mkdtempSync(join(folder, 'denied-'));
  execFileSync('icacls', [denied, '/deny', '*S-1-1-0:(WD,AD)']);
  expect(readdirSync(denied)).toEqual([]);
  return denied;
}
