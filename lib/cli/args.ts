// Command-line parsing for the `winhttp` command (node:util parseArgs), kept apart from what the command does.
import { parseArgs } from 'node:util';
import { AUTH_OPTIONS, AUTH_USAGE, parseAuth, type CliAuth } from './auth-args';

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
  help: boolean;
}

export const USAGE = `Usage: winhttp [options] [url]

Fetches url through Windows' own HTTP stack (WinHTTP) and prints the status line, the headers and the body.
Without a url it runs a demo: it serves a file on loopback and downloads it through WinHTTP.
\`winhttp get <url> [-o file]\` downloads a file, resumably (winhttp get --help).

Options:
  -X, --method <method>     request method (default GET, or POST with --data)
  -H, --header <line>       request header "Name: value" (repeatable)
  -d, --data <text>         request body; @file reads it from a file
  -o, --output <file>       write the body to file instead of standard output
      --timeout <ms>        per-stage timeout in milliseconds
      --proxy <p>           system (default) | winhttp | none | env | host:port | http://host:port
                            | http=host:port;https=host:port
      --noproxy <hosts>     hosts reached directly with --proxy host:port ("<local>;*.corp")
${AUTH_USAGE}
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
      help: { type: 'boolean', short: 'h' },
      ...AUTH_OPTIONS,
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
    method: values.method,
    headers,
    data: values.data,
    output: values.output,
    timeout,
    proxy: values.proxy,
    auth: parseAuth(values),
    noproxy: values.noproxy,
    help: values.help === true,
  };
}
