// The file a download writes before it is complete: `<path>.winhttp-part`, beside the final path (same folder, so the
// final rename stays on one volume and is atomic), and its resume state `<path>.winhttp-part.json` (the URL and the
// validator the bytes were served under). Both survive a killed process, so the next download() of the same URL to
// the same path resumes; anything that does not match starts over. The final name only ever holds a whole file.
import { createHash, type Hash } from 'node:crypto';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileSystemError } from './errors';

export const PART_SUFFIX = '.winhttp-part';
export const STATE_SUFFIX = '.winhttp-part.json';

/**
 * What makes a partial file resumable: the same URL, and a validator for If-Range (a strong ETag, or Last-Modified).
 * On disk the URL is kept as its SHA-256 only (`urlSha256`): a signed URL's query is a credential.
 */
export interface ResumeState {
  url: string;
  etag?: string;
  lastModified?: string;
  /** The whole length, when the server gave it. */
  total?: number;
}

/** An open partial file: its hash covers every byte in it so far. */
export interface OpenPart {
  handle: FileHandle;
  hash: Hash;
  bytes: number;
}

export class PartialFile {
  readonly path: string;
  readonly tempPath: string;
  readonly statePath: string;

  constructor(path: string) {
    this.path = path;
    this.tempPath = path + PART_SUFFIX;
    this.statePath = path + STATE_SUFFIX;
  }

  /** The state and length of a partial file left for `url`, or undefined when there is none to resume. */
  async resumable(url: string): Promise<{ state: ResumeState; bytes: number } | undefined> {
    let saved: Omit<ResumeState, 'url'> & { urlSha256?: string };
    let bytes: number;
    try {
      saved = JSON.parse(await readFile(this.statePath, 'utf8')) as typeof saved;
      bytes = (await stat(this.tempPath)).size;
    } catch {
      return undefined; // no state, no file, or a state cut short: start over
    }
    const { urlSha256, ...validators } = saved;
    const state: ResumeState = { url, ...validators };
    if (urlSha256 !== urlKey(url) || (state.etag === undefined && state.lastModified === undefined) || bytes === 0) {
      return undefined;
    }
    if (state.total !== undefined && bytes > state.total) return undefined;
    return { state, bytes };
  }

  /** Starts the file over for a new response: no state while it is emptied, then `state` (if resumable). */
  async restart(state: ResumeState | undefined): Promise<OpenPart> {
    await this.#guard(rm(this.statePath, { force: true }));
    const handle = await this.#guard(open(this.tempPath, 'w'));
    try {
      if (state !== undefined) {
        const { url, ...validators } = state;
        await this.#guard(writeDurably(this.statePath, JSON.stringify({ urlSha256: urlKey(url), ...validators })));
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { handle, hash: createHash('sha256'), bytes: 0 };
  }

  /**
   * Opens the file to append at `bytes` (cut there), hashing what it already holds, unless `known` (what an earlier
   * attempt of this process wrote) has hashed exactly those bytes.
   */
  async append(bytes: number, known?: { bytes: number; hash: Hash }): Promise<OpenPart> {
    const handle = await this.#guard(open(this.tempPath, 'r+'));
    try {
      await this.#guard(handle.truncate(bytes));
      if (known?.bytes === bytes) return { handle, hash: known.hash.copy(), bytes };
      const hash = createHash('sha256');
      const block = Buffer.allocUnsafe(1024 * 1024);
      for (let at = 0; at < bytes;) {
        const { bytesRead } = await handle.read(block, 0, Math.min(block.length, bytes - at), at);
        if (bytesRead === 0) throw new Error(`${this.tempPath} ended at ${at} of ${bytes} bytes while it was being read`);
        hash.update(block.subarray(0, bytesRead));
        at += bytesRead;
      }
      return { handle, hash, bytes };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Appends `chunk` at the end of `part`. */
  async write(part: OpenPart, chunk: Buffer): Promise<void> {
    for (let done = 0; done < chunk.length;) {
      const { bytesWritten } = await this.#guard(part.handle.write(chunk, done, chunk.length - done, part.bytes + done));
      done += bytesWritten;
    }
    part.hash.update(chunk);
    part.bytes += chunk.length;
  }

  /** Flushes the file to disk, closes it and renames it to the final path (replacing a file there); drops the state. */
  async commit(part: OpenPart): Promise<void> {
    await this.#guard(part.handle.sync());
    await part.handle.close();
    await this.#guard(rename(this.tempPath, this.path));
    await rm(this.statePath, { force: true });
    await syncFolder(dirname(this.path));
  }

  /** Removes the partial file and its state (what a failure leaves behind when it cannot be resumed). */
  async remove(): Promise<void> {
    await rm(this.tempPath, { force: true });
    await rm(this.statePath, { force: true });
  }

  /** A file-system failure as DiskFullError / FilePermissionError where it is one of those. */
  async #guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw fileSystemError(error, this.path) ?? error;
    }
  }
}

/** How the state names its URL (hex SHA-256). */
export function urlKey(url: string): string {
  return createHash('sha256').update(url).digest('hex');
}

async function writeDurably(path: string, text: string): Promise<void> {
  await writeFile(path, text, { flush: true });
}

/** POSIX: fsync the folder so the rename itself survives a crash. Windows has no folder handle to flush (NTFS journals renames). */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
