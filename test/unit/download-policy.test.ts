// The parts of download() that decide without the network: the retry schedule, Retry-After, which failures are
// transient, resuming (Content-Range, validators, mismatches), the option checks, and the progress throttle.
import {
  AbortError, DeadlineError, ResponseTruncatedError, WinHttpError, download,
} from '../../lib';
import { backoffDelay, isTransientError, isTransientStatus, retryAfterMs } from '../../lib/download/retry';
import { parseContentRange, partialMismatch, rangeHeaders, resumeStateOf } from '../../lib/download/resume';
import { ProgressMeter, type Progress } from '../../lib/progress/meter';

describe('retry schedule', () => {
  const backoff = { initialMs: 500, maxMs: 30_000 };
  it('doubles from initialMs, capped at maxMs, with the random half on top of a fixed half', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, backoff, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, backoff, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(20, backoff, () => 0)).toBe(15_000);
    expect(backoffDelay(20, backoff, () => 0.999999)).toBe(30_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Mon, 30 Nov 2026 12:00:00 GMT');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('retries timeouts, resets, cut bodies and busy servers, not aborts or refusals', () => {
    expect(isTransientError(new WinHttpError(12002, 'WinHttpReceiveResponse'))).toBe(true);
    expect(isTransientError(new WinHttpError(12030, 'WinHttpReadData'))).toBe(true);
    expect(isTransientError(new WinHttpError(12029, 'WinHttpSendRequest'))).toBe(true);
    expect(isTransientError(new ResponseTruncatedError(10, 5))).toBe(true);
    expect(isTransientError(new DeadlineError(1000))).toBe(true);
    expect(isTransientError(new AbortError())).toBe(false);
    expect(isTransientError(new WinHttpError(12175, 'WinHttpSendRequest'))).toBe(false); // TLS failure
    expect(isTransientError(new TypeError('x'))).toBe(false);
    expect([429, 500, 502, 503, 504, 408].every(isTransientStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 501].some(isTransientStatus)).toBe(false);
  });
});

describe('resuming', () => {
  it('keeps a strong ETag, else Last-Modified, never a weak ETag', () => {
    expect(resumeStateOf('u', { etag: '"a"', 'last-modified': 'd' }, 10)).toEqual({ url: 'u', etag: '"a"', total: 10 });
    expect(resumeStateOf('u', { etag: 'W/"a"', 'last-modified': 'd' }, 10)).toEqual({ url: 'u', lastModified: 'd', total: 10 });
    expect(resumeStateOf('u', { etag: 'W/"a"' }, 10)).toBeUndefined();
  });

  it('asks for the rest with the validator in If-Range, after the caller\'s headers', () => {
    expect(rangeHeaders([['Accept', '*/*']], { url: 'u', etag: '"a"' }, 100))
      .toEqual([['Accept', '*/*'], ['Range', 'bytes=100-'], ['If-Range', '"a"']]);
  });

  it('parses Content-Range and refuses nonsense', () => {
    expect(parseContentRange('bytes 100-199/200')).toEqual({ start: 100, end: 199, total: 200 });
    expect(parseContentRange('bytes 100-199/*')).toEqual({ start: 100, end: 199, total: undefined });
    expect(parseContentRange('bytes 100-99/200')).toBeUndefined();
    expect(parseContentRange('bytes 100-200/200')).toBeUndefined();
    expect(parseContentRange('items 1-2/3')).toBeUndefined();
  });

  it('a 206 continues the file only at its length, for the same total and validator', () => {
    const state = { url: 'u', etag: '"a"', total: 200 };
    expect(partialMismatch({ 'content-range': 'bytes 100-199/200', etag: '"a"' }, state, 100)).toBeUndefined();
    expect(partialMismatch({ 'content-range': 'bytes 50-199/200', etag: '"a"' }, state, 100)).toMatch(/starts at 50/);
    expect(partialMismatch({ 'content-range': 'bytes 100-299/300', etag: '"a"' }, state, 100)).toMatch(/now 300/);
    expect(partialMismatch({ 'content-range': 'bytes 100-199/200', etag: '"b"' }, state, 100)).toMatch(/ETag changed/);
    expect(partialMismatch({ etag: '"a"' }, state, 100)).toMatch(/not a byte range/);
    const dated = { url: 'u', lastModified: 'd1' };
    expect(partialMismatch({ 'content-range': 'bytes 1-1/2', 'last-modified': 'd2' }, dated, 1)).toMatch(/Last-Modified/);
  });
});

describe('download() options', () => {
  const url = 'http://127.0.0.1:1/file';
  it.each([
    [{ method: 'POST' }, /"options.method" property is not a download\(\) option/],
    [{ body: 'x' }, /"options.body"/],
    [{ decompress: true }, /keeps the bytes as sent/],
    [{ headers: { Range: 'bytes=0-' } }, /must not set range/],
    [{ headers: [['If-Range', '"a"']] }, /must not set if-range/],
    [{ sha256: 'abc' }, /64 hexadecimal digits/],
    [{ rejectUnauthorized: false }, /unknown option "rejectUnauthorized"/],
    [{ retries: -1 }, /"retries" is out of range/],
    [{ backoff: { initial: 5 } }, /unknown option "initial"/],
    [{ progressInterval: 50 }, /"progressInterval" is out of range/],
    [{ onProgress: 'yes' }, /"onProgress" argument must be a function/],
    [{ clock: { now: () => 0 } }, /sleep/],
  ])('refuses %p before any request', async (options, message) => {
    await expect(download(url, 'x.bin', options as never)).rejects.toThrow(message);
  });

  it('refuses a missing path or a bad url', async () => {
    await expect(download(url, '')).rejects.toThrow(/"path" argument must be a non-empty string/);
    await expect(download(42 as never, 'x.bin')).rejects.toThrow(/"url" argument/);
  });
});

describe('ProgressMeter', () => {
  it('reports the first chunk, then at most once per interval, and always at the end', () => {
    let now = 1000;
    const reports: Progress[] = [];
    const meter = new ProgressMeter((p) => reports.push(p), { now: () => now });
    meter.start(0, 1000);
    for (let i = 0; i < 10; i += 1) {
      now += 30;
      meter.add(50);
    }
    meter.finish();
    // chunks at 1030..1300: reports at 1030, 1150 (>= 100 after 1030), 1270, then the final one
    expect(reports.map((p) => p.bytes)).toEqual([50, 250, 450, 500]);
    expect(reports.map((p) => p.done)).toEqual([false, false, false, true]);
  });

  it('rate over the recent window and ETA from the total; a resumed prefix counts as bytes, not as rate', () => {
    let now = 0;
    const reports: Progress[] = [];
    const meter = new ProgressMeter((p) => reports.push(p), { now: () => now });
    meter.start(600, 1600);
    now = 1000;
    meter.add(200);
    expect(reports[0]).toEqual({ bytes: 800, total: 1600, rate: 200, eta: 4, done: false });
    now = 11_000; // the window keeps the last 5 s: the rate follows a slowdown
    meter.add(100);
    expect(reports[1].rate).toBeCloseTo(10, 5);
  });
});
