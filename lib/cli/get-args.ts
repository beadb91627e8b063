// Command-line parsing for `winhttp get URL [-o FILE]` (node:util parseArgs), apart from what the command does.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTH_OPTIONS, AUTH_USAGE, parseAuth, type CliAuth } from './auth-args';
import { TLS_OPTIONS, TLS_USAGE, parseTls } from './tls-args';
import type { TlsOptions } from '../tls/options';

export interface GetOptions {
  url: string;
  output: string;
  headers: Array<[string, string]>;
  sha256: string | undefined;
  retries: number | undefined;
  resume: boolean;
  json: boolean;
  timeout: number | undefined;
  proxy: string | undefined;
  noproxy: string | undefined;
  auth: CliAuth;
  tls: TlsOptions | undefined;
}

export const GET_USAGE = `Usage: winhttp get [options] <url>

Downloads url to a file through WinHTTP: into <file>.winhttp-part first, renamed once whole (and checked, with
--sha256). Transient failures are retried, resuming where the file ended; run the same command again after an
interruption to resume. A progress bar on a terminal; nothing but errors when piped; --json for one JSON object a line.

Options:
  -o, --output <file>       where to save (default: the last segment of the url's path)
      --sha256 <hex>        the SHA-256 the file must have; otherwise nothing is kept and the exit code is 1
      --retries <n>         retries after transient failures in a row (default 5)
      --no-resume           start over, and leave nothing behind on failure
      --json                progress, retries and the result as JSON lines on standard output
  -H, --header <line>       request header "Name: value" (repeatable)
      --timeout <ms>        per-stage timeout in milliseconds
      --proxy <p>           system (default) | winhttp | none | env | host:port | http://host:port
      --noproxy <hosts>     hosts reached directly with --proxy host:port ("<local>;*.corp")
${AUTH_USAGE}
${TLS_USAGE}
  -h, --help                this text

Exit codes: 0 the file is complete, 1 it is not (the error is on standard error), 2 bad arguments, 130 interrupted.`;

/** The name a download gets without -o: the last path segment, without characters Windows refuses in file names. */
export function defaultOutput(url: string): string {
  let name: string;
  try {
    name = basename(decodeURIComponent(new URL(url).pathname));
  } catch {
    name = '';
  }
  name = name.replace(/[<>:"/\\|?*\x00-\x1f]/g, '_');
  if (name === '' || name === '.' || name === '..') throw new Error('the url has no file name to save under: give -o <file>');
  return name;
}

function count(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${option} must be a whole number, not "${value}"`);
  return n;
}

/** `help: true` when -h was given; the options otherwise. */
export function parseGet(argv: string[]): GetOptions | { help: true } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      sha256: { type: 'string' },
      retries: { type: 'string' },
      'no-resume': { type: 'boolean' },
      json: { type: 'boolean' },
      header: { type: 'string', short: 'H', multiple: true },
      timeout: { type: 'string' },
      proxy: { type: 'string' },
      noproxy: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...AUTH_OPTIONS,
      ...TLS_OPTIONS,
    },
  });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new Error(`get takes one url (got ${positionals.length})`);
  const url = positionals[0];
  const headers = (values.header ?? []).map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header "${line}" is not "Name: value"`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  if (values.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(values.sha256)) {
    throw new Error('--sha256 must be 64 hexadecimal digits');
  }
  return {
    url,
    output: values.output ?? defaultOutput(url),
    headers,
    sha256: values.sha256,
    retries: count(values.retries, '--retries'),
    resume: values['no-resume'] !== true,
    json: values.json === true,
    timeout: count(values.timeout, '--timeout'),
    proxy: values.proxy,
    noproxy: values.noproxy,
    auth: parseAuth(values),
    tls: parseTls(values),
  };
}
