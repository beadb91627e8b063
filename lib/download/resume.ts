// Resuming with Range + If-Range (RFC 9110 §14.2, §13.1.5): what to send for a partial file, what a response's
// validator is, and whether a 206 continues exactly the bytes we hold. If-Range makes a server whose file changed
// answer 200 with the whole new file; a 206 is still checked (start, total, validator), for servers that ignore it.
import type { HeaderPairs, IncomingHeaders } from '../core/headers';
import type { ResumeState } from './partial-file';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The state to resume a response's body later: a strong ETag (weak ones cannot go in If-Range), else Last-Modified. */
export function resumeStateOf(url: string, headers: IncomingHeaders, total: number | undefined): ResumeState | undefined {
  const etag = single(headers.etag);
  const lastModified = single(headers['last-modified']);
  if (etag !== undefined && !etag.startsWith('W/')) return { url, etag, total };
  if (lastModified !== undefined) return { url, lastModified, total };
  return undefined;
}

/** The request headers to ask for the bytes after `bytes`, unless the file changed. */
export function rangeHeaders(headers: HeaderPairs, state: ResumeState, bytes: number): HeaderPairs {
  return [...headers, ['Range', `bytes=${bytes}-`], ['If-Range', (state.etag ?? state.lastModified)!]];
}

export interface ContentRange {
  start: number;
  end: number;
  total: number | undefined;
}

export function parseContentRange(value: string | string[] | undefined): ContentRange | undefined {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(single(value) ?? '');
  if (match === null) return undefined;
  const range = { start: Number(match[1]), end: Number(match[2]), total: match[3] === '*' ? undefined : Number(match[3]) };
  return range.end < range.start || (range.total !== undefined && range.end >= range.total) ? undefined : range;
}

/** Why a 206 does not continue the partial file (undefined when it does). */
export function partialMismatch(headers: IncomingHeaders, state: ResumeState, bytes: number): string | undefined {
  const range = parseContentRange(headers['content-range']);
  if (range === undefined) return `Content-Range ${JSON.stringify(single(headers['content-range']) ?? null)} is not a byte range`;
  if (range.start !== bytes) return `the range starts at ${range.start}, the file holds ${bytes} bytes`;
  if (state.total !== undefined && range.total !== undefined && range.total !== state.total) {
    return `the file is now ${range.total} bytes, it was ${state.total}`;
  }
  const etag = single(headers.etag);
  if (state.etag !== undefined && etag !== undefined && etag !== state.etag) return `the ETag changed from ${state.etag} to ${etag}`;
  const modified = single(headers['last-modified']);
  if (state.etag === undefined && modified !== undefined && modified !== state.lastModified) {
    return `Last-Modified changed from ${state.lastModified} to ${modified}`;
  }
  return undefined;
}
