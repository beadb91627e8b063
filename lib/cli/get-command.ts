// `winhttp get URL [-o FILE]`: download() with what a person or a script needs to see. On a terminal (standard error
// is a TTY) one progress line redrawn at most every 100 ms, retries on lines of their own, and a summary; piped,
// nothing but errors; --json, one object a line on standard output: {"type":"progress"|"retry"|"done"|"error", ...}.
// URLs are shown without their query (a signed URL's query is a credential); credentials are never printed.
import { existsSync } from 'node:fs';
import { PART_SUFFIX, download, type DownloadResult, type RetryInfo } from '../download';
import { Session } from '../core/session';
import type { Progress } from '../progress/meter';
import { GET_USAGE, parseGet, type GetOptions } from './get-args';
import { proxyOption } from './fetch-command';
import { EXIT, type ExitCode } from './exit-codes';
import { formatBytes, progressLine } from './progress-line';
import { reportError } from './report-error';

interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function shownUrl(url: string): string {
  const { origin, pathname } = new URL(url);
  return origin + pathname;
}

function errorFields(error: Error & { code?: string; errno?: number; api?: string }) {
  return { name: error.name, code: error.code, errno: error.errno, api: error.api, message: error.message };
}

/** The output for one run: a terminal line, JSON lines, or nothing. */
function reporter(options: GetOptions, { stdout, stderr }: Streams) {
  const tty = !options.json && stderr.isTTY === true;
  const json = (value: object) => stdout.write(`${JSON.stringify(value)}\n`);
  return {
    progress(progress: Progress): void {
      // Every progress line has the same keys: an unknown total or ETA (no rate measured yet) is null, not left out.
      if (options.json) json({ type: 'progress', ...progress, total: progress.total ?? null, eta: progress.eta ?? null });
      else if (tty) stderr.write(`\r${progressLine(progress, stderr.columns ?? 80)}\x1b[K`);
    },
    retry({ retry, attempt, delayMs, error }: RetryInfo): void {
      if (options.json) json({ type: 'retry', retry, attempt, delayMs, error: errorFields(error) });
      else if (tty) stderr.write(`\r\x1b[K${error.name}: ${error.message}; attempt ${attempt} in ${(delayMs / 1000).toFixed(1)} s\n`);
    },
    done(result: DownloadResult): void {
      const { path, bytes, sha256, resumedFrom, attempts } = result;
      if (options.json) json({ type: 'done', path, url: shownUrl(result.url), bytes, sha256, resumedFrom, attempts });
      else if (tty) {
        const resumed = resumedFrom > 0 ? `, resumed at ${formatBytes(resumedFrom)}` : '';
        stderr.write(`\nsaved ${path} (${bytes} bytes${resumed}), sha256 ${sha256}${options.sha256 ? ' (as expected)' : ''}\n`);
      }
    },
    /** The error line and its hint on standard error (and a JSON line with --json); returns the exit code. */
    error(error: Error): ExitCode {
      if (options.json) json({ type: 'error', ...errorFields(error) });
      if (tty) stderr.write('\n');
      return reportError(error, stderr);
    },
  };
}

export async function runGet(argv: string[], streams: Streams): Promise<number> {
  let options: GetOptions;
  try {
    const parsed = parseGet(argv);
    if ('help' in parsed) {
      streams.stdout.write(`${GET_USAGE}\n`);
      return EXIT.OK;
    }
    options = parsed;
  } catch (error) {
    streams.stderr.write(`winhttp get: ${(error as Error).message}\n\n${GET_USAGE}\n`);
    return EXIT.USAGE;
  }
  const report = reporter(options, streams);
  // Ctrl+C stops the download and keeps the partial file: the same command resumes it.
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let session: Session | undefined;
  try {
    session = new Session({ proxy: proxyOption(options.proxy, options.noproxy), tls: options.tls });
    const result = await download(options.url, options.output, {
      session,
      headers: options.headers,
      timeout: options.timeout,
      signal: controller.signal,
      sha256: options.sha256,
      retries: options.retries,
      resume: options.resume,
      ...options.auth,
      onProgress: (progress) => report.progress(progress),
      onRetry: (info) => report.retry(info),
    });
    report.done(result);
    return EXIT.OK;
  } catch (error) {
    const code = report.error(error as Error);
    if (!controller.signal.aborted) return code;
    streams.stderr.write(options.resume && existsSync(options.output + PART_SUFFIX)
      ? `interrupted: ${options.output}${PART_SUFFIX} is kept; run the same command again to resume\n`
      : 'interrupted: nothing is kept\n');
    return EXIT.CANCELLED;
  } finally {
    process.off('SIGINT', onSigint);
    session?.close();
  }
}
