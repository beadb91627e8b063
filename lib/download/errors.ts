// The typed failures of download(): a file whose SHA-256 is not the one expected, a disk that is full, a file or
// folder the process may not write, and an HTTP status that is not the file. Each has a stable `code` and an
// `instanceof` that holds across package copies (../errors/brand).
import { hasBrand, setBrand } from '../errors/brand';

const CHECKSUM_BRAND = Symbol.for('winhttp.ChecksumMismatchError');
const DISK_FULL_BRAND = Symbol.for('winhttp.DiskFullError');
const PERMISSION_BRAND = Symbol.for('winhttp.FilePermissionError');
const STATUS_BRAND = Symbol.for('winhttp.DownloadStatusError');

/** The downloaded bytes do not have the SHA-256 the caller expected; the temporary file was removed. */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  readonly code = 'ERR_WINHTTP_CHECKSUM_MISMATCH';
  /** Lowercase hex. */
  readonly expected: string;
  /** Lowercase hex, of the bytes received. */
  readonly actual: string;
  readonly bytes: number;

  constructor(expected: string, actual: string, bytes: number) {
    super(`SHA-256 mismatch: expected ${expected}, the ${bytes} bytes received have ${actual}; nothing was kept`);
    setBrand(this, CHECKSUM_BRAND);
    this.expected = expected;
    this.actual = actual;
    this.bytes = bytes;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, ChecksumMismatchError, CHECKSUM_BRAND, value);
  }
}

/** The file system said ENOSPC (or EDQUOT): no room for the download. Its temporary file was removed. */
export class DiskFullError extends Error {
  override readonly name = 'DiskFullError';
  readonly code = 'ERR_WINHTTP_DISK_FULL';
  readonly path: string;

  constructor(path: string, cause: Error) {
    super(`No space left on the disk for ${path} (${(cause as NodeJS.ErrnoException).code ?? cause.message}); nothing was kept`,
      { cause });
    setBrand(this, DISK_FULL_BRAND);
    this.path = path;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, DiskFullError, DISK_FULL_BRAND, value);
  }
}

/** The file system refused to create, write or rename a file (EACCES, EPERM, EROFS). Nothing was kept. */
export class FilePermissionError extends Error {
  override readonly name = 'FilePermissionError';
  readonly code = 'ERR_WINHTTP_FILE_PERMISSION';
  readonly path: string;

  constructor(path: string, cause: Error) {
    super(`Not allowed to write ${path} (${(cause as NodeJS.ErrnoException).code ?? cause.message}); nothing was kept`,
      { cause });
    setBrand(this, PERMISSION_BRAND);
    this.path = path;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, FilePermissionError, PERMISSION_BRAND, value);
  }
}

/** The server answered with a status that is not the file (a 4xx, or a 5xx/429 after the retries). */
export class DownloadStatusError extends Error {
  override readonly name = 'DownloadStatusError';
  readonly code = 'ERR_WINHTTP_DOWNLOAD_STATUS';
  readonly status: number;
  /** The URL without its query (a signed URL's query is a credential). */
  readonly url: string;
  /** The server's Retry-After, in ms, where it gave one with a 408/429/5xx. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, statusText: string, url: string, retryAfterMs?: number) {
    const after = retryAfterMs === undefined ? '' : ` (Retry-After: ${retryAfterMs / 1000} s)`;
    super(`The server answered ${status}${statusText ? ` ${statusText}` : ''} for ${url}${after}`);
    setBrand(this, STATUS_BRAND);
    this.status = status;
    this.url = url;
    this.retryAfterMs = retryAfterMs;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, DownloadStatusError, STATUS_BRAND, value);
  }
}

/** A file-system error as the typed error it stands for, or undefined for any other. */
export function fileSystemError(error: unknown, path: string): Error | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new DiskFullError(path, error as Error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new FilePermissionError(path, error as Error);
  return undefined;
}
