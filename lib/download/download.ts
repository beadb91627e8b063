// download(url, path, options): a file fetched through request() that is either whole under `path` or not there at
// all. Bytes go to a partial file beside it (partial-file.ts), resumed with Range + If-Range after a failure or on a
// later call (resume.ts), retried after transient failures with backoff (retry.ts), checked against SHA-256, then
// flushed and renamed into place.
import type { Hash } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { AbortError, invalidArg } from '../errors';
import { request } from '../request';
import type { Response } from '../response';
import { announcedLength } from '../core/response-head';
import { ProgressMeter } from '../progress/meter';
import { ChecksumMismatchError, DiskFullError, DownloadStatusError, FilePermissionError } from './errors';
import { planDownload, type DownloadOptions, type DownloadPlan } from './options';
import { PartialFile, type OpenPart, type ResumeState } from './partial-file';
import { parseContentRange, partialMismatch, rangeHeaders, resumeStateOf } from './resume';
import { backoffDelay, isTransientError, isTransientStatus, retryAfterMs } from './retry';

export interface DownloadResult {
  /** The final path (absolute). */
  path: string;
  /** The URL the file came from, after redirects. */
  url: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
  /** Bytes the file already held when the last attempt resumed it (0 when it started over). */
  resumedFrom: number;
  /** Requests made, retries included. */
  attempts: number;
}

type Resumable = { state: ResumeState; bytes: number } | undefined;

/** What the last attempt wrote and hashed, so the next one need not read the file again to hash it. */
interface Written {
  last?: { bytes: number; hash: Hash };
}

/** A 206 that does not continue our bytes, or a 416 short of the whole file: start over at once (a failure, no wait). */
class StartOver extends Error {
  override readonly name = 'ResumeMismatchError';
}

/** The URL without its query, for messages (a signed URL's query is a credential). */
function shown(url: string): string {
  const { origin, pathname } = new URL(url);
  return origin + pathname;
}

export async function download(url: string | URL, path: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const href = typeof url === 'string' ? new URL(url).href
    : Object.prototype.toString.call(url) === '[object URL]' ? url.href : undefined;
  if (href === undefined) throw invalidArg('url', 'must be a string or a URL');
  if (typeof path !== 'string' || path === '') throw invalidArg('path', 'must be a non-empty string');
  const plan = planDownload(options);
  if (plan.signal?.aborted) throw new AbortError(undefined, { reason: plan.signal.reason });
  const file = new PartialFile(resolvePath(path));
  const meter = plan.onProgress === undefined ? undefined
    : new ProgressMeter(plan.onProgress, { intervalMs: plan.progressInterval, now: () => plan.clock.now() });
  if (!plan.resume) await file.remove();
  let resumable = plan.resume ? await file.resumable(href) : undefined;
  let failures = 0;
  const written: Written = {};
  for (let attempts = 1; ; attempts += 1) {
    try {
      return await attempt(href, file, resumable, plan, meter, attempts, written);
    } catch (error) {
      const before = resumable?.bytes ?? 0;
      resumable = await file.resumable(href);
      if (resumable !== undefined && resumable.bytes > before) failures = 0; // progress: a flaky link, not a dead one
      failures += 1;
      const delayMs = failures > plan.retries ? undefined : retryDelay(error, failures, plan);
      if (delayMs === undefined) {
        await leaveBehind(file, error, plan.resume && resumable !== undefined);
        throw error;
      }
      if (delayMs > 0) {
        plan.onRetry?.({ retry: failures, attempt: attempts + 1, delayMs, error: error as Error });
        await plan.clock.sleep(delayMs, plan.signal);
      }
    }
  }
}

/** Ms to wait before the next attempt, or undefined when `error` is not worth one. */
function retryDelay(error: unknown, failures: number, plan: DownloadPlan): number | undefined {
  if (error instanceof StartOver) return 0;
  if (error instanceof DownloadStatusError) {
    if (!isTransientStatus(error.status)) return undefined;
    if (error.retryAfterMs !== undefined) return error.retryAfterMs <= plan.backoff.maxMs ? error.retryAfterMs : undefined;
  } else if (!isTransientError(error)) {
    return undefined;
  }
  return backoffDelay(failures, plan.backoff, plan.random);
}

/** After the last failure: a resumable partial file stays for the next call, except after errors it cannot help. */
async function leaveBehind(file: PartialFile, error: unknown, resumable: boolean): Promise<void> {
  const useless = error instanceof DiskFullError || error instanceof FilePermissionError
    || error instanceof ChecksumMismatchError || (error instanceof DownloadStatusError && !isTransientStatus(error.status));
  if (resumable && !useless) return;
  try {
    await file.remove();
  } catch {
    // the failure that matters is the one being thrown (a folder we may not write to may refuse this too)
  }
}

async function attempt(href: string, file: PartialFile, resumable: Resumable, plan: DownloadPlan,
  meter: ProgressMeter | undefined, attempts: number, written: Written): Promise<DownloadResult> {
  const headers = resumable === undefined ? plan.headers : rangeHeaders(plan.headers, resumable.state, resumable.bytes);
  const response = await request(href, { ...plan.request, headers, signal: plan.signal });
  let part: OpenPart | undefined;
  try {
    const opened = await openFor(response, href, file, resumable, plan.clock.now(), written);
    part = opened.part;
    const resumedFrom = part.bytes;
    meter?.start(part.bytes, opened.total);
    if (opened.complete) response.body.destroy(); // a 416's body is not file bytes
    else await receive(response, file, part, meter, written);
    const sha256 = part.hash.digest('hex');
    if (plan.sha256 !== undefined && sha256 !== plan.sha256) {
      await part.handle.close();
      await file.remove();
      throw new ChecksumMismatchError(plan.sha256, sha256, part.bytes);
    }
    await file.commit(part);
    meter?.finish();
    return { path: file.path, url: response.url, bytes: part.bytes, sha256, resumedFrom, attempts };
  } finally {
    response.body.destroy();
    await part?.handle.close().catch(() => undefined);
  }
}

/** Appends the body to the file; if it fails, `written` keeps what the file holds and its hash for the next attempt. */
async function receive(response: Response, file: PartialFile, part: OpenPart, meter: ProgressMeter | undefined,
  written: Written): Promise<void> {
  try {
    for await (const chunk of response.body) {
      await file.write(part, chunk as Buffer);
      meter?.add((chunk as Buffer).length);
    }
  } catch (error) {
    written.last = { bytes: part.bytes, hash: part.hash };
    throw error;
  }
}

/** The partial file opened for this response: appended to for a 206 that continues it, else started over. */
async function openFor(response: Response, href: string, file: PartialFile, resumable: Resumable, now: number,
  written: Written): Promise<{ part: OpenPart; total: number | undefined; complete?: boolean }> {
  const { status, headers } = response;
  if (status === 206 && resumable !== undefined) {
    const mismatch = partialMismatch(headers, resumable.state, resumable.bytes);
    if (mismatch !== undefined) {
      await file.remove();
      throw new StartOver(`The server's 206 does not continue the partial file (${mismatch}), so it starts over`);
    }
    const part = await file.append(resumable.bytes, written.last);
    return { part, total: parseContentRange(headers['content-range'])?.total };
  }
  if (status === 416 && resumable !== undefined) {
    // Nothing after our bytes: the file may be whole already (a run killed before its rename). Else start over.
    if (resumable.state.total !== resumable.bytes) {
      await file.remove();
      throw new StartOver(`The server has no bytes after the ${resumable.bytes} the partial file holds (416), so it starts over`);
    }
    return { part: await file.append(resumable.bytes), total: resumable.bytes, complete: true };
  }
  if (status === 200) {
    const total = announcedLength('GET', response);
    return { part: await file.restart(resumeStateOf(href, headers, total)), total };
  }
  const retryAfter = isTransientStatus(status) ? retryAfterMs(headers['retry-after'], now) : undefined;
  throw new DownloadStatusError(status, response.statusText, shown(href), retryAfter);
}
