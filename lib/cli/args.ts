// Command-line parsing for the `winhttp` command (node:util parseArgs), kept apart from what the command does.
import { parseArgs } from 'node:util';
import { AUTH_OPTIONS, AUTH_USAGE, parseAuth, type CliAuth } from './auth-args';
import { TLS_OPTIONS, TLS_USAGE, parseTls } from './tls-args';
import type { TlsOptions } from '../tls/options';

export interface CliOptions {
  url: string | undefined;
  method: string | undefined;
  headers: Array<[string, string]>;
  data: string | undefined;
  output: string | undefined;
  timeout: number | undefined;
  proxy: string | undefined;
  auth: CliAuth;
  noproxy: string | undefined;
  tls: TlsOptions | undefined;
  /** --fail: an HTTP status of 400 or above is a failure (exit code 22) and the body is not written. */
  fail: boolean;
  help: boolean;
}

export const USAGE = `Usage: winhttp [options] [url]
       winhttp diagnose [options] url   (winhttp diagnose --help)

Fetches url through Windows' own HTTP stack (WinHTTP) and prints the status line, the headers and the body.
Without a url it runs a demo: it serves a file on loopback and downloads it through WinHTTP.
\`winhttp get <url> [-o file]\` downloads a file, resumably (winhttp get --help).

Options:
  -X, --method <method>     request method (default GET, or POST with --data)
  -H, --header <line>       request header "Name: value" (repeatable)
  -d, --data <text>         request body; @file reads it from a file. Sent as application/x-www-form-urlencoded
                            unless a Content-Type header is given (as curl does)
  -f, --fail                exit with code 22, writing no body, when the HTTP status is 400 or above
  -o, --output <file>       write the body to file instead of standard output
      --timeout <ms>        per-stage timeout in milliseconds
      --proxy <p>           system (default) | winhttp | none | env | host:port | http://host:port
                            | http=host:port;https=host:port
      --noproxy <hosts>     hosts reached directly with --proxy host:port ("<local>;*.corp")
${AUTH_USAGE}
${TLS_USAGE}
  -h, --help                this text`;

export function parseCli(argv: string[]): CliOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      method: { type: 'string', short: 'X' },
      header: { type: 'string', short: 'H', multiple: true },
      data: { type: 'string', short: 'd' },
      output: { type: 'string', short: 'o' },
      timeout: { type: 'string' },
      proxy: { type: 'string' },
      noproxy: { type: 'string' },
      fail: { type: 'boolean', short: 'f' },
      help: { type: 'boolean', short: 'h' },
      ...AUTH_OPTIONS,
      ...TLS_OPTIONS,
    },
  });
  if (positionals.length > 1) throw new Error(`one url at most (got ${positionals.length})`);
  const headers = (values.header ?? []).map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header "${line}" is not "Name: value"`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  let timeout: number | undefined;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (!Number.isInteger(timeout) || timeout < 0) throw new Error(`--timeout must be a whole number of ms, not "${values.timeout}"`);
  }
  return {
    url: positionals[0],
    method: values.method as string | undefined,
    headers,
    data: values.data as string | undefined,
    output: values.output as string | undefined,
    timeout,
    proxy: values.proxy as string | undefined,
    auth: parseAuth(values as Parameters<typeof parseAuth>[0]),
    noproxy: values.noproxy as string | undefined,
    tls: parseTls(values),
    fail: values.fail === true,
    help: values.help === true,
  };
}
