// Command-line parsing for `winhttp diagnose URL` (node:util parseArgs). The proxy, credentials and TLS options are
// the fetch command's; --pac names a PAC file instead of a proxy, --json asks for one JSON document.
import { parseArgs } from 'node:util';
import { AUTH_OPTIONS, AUTH_USAGE, parseAuth, type CliAuth } from './auth-args';
import { TLS_OPTIONS, TLS_USAGE, parseTls } from './tls-args';
import { proxyOption } from './fetch-command';
import type { ProxyOption } from '../core/session';
import type { TlsOptions } from '../tls/options';

export interface DiagnoseOptions {
  url: string;
  proxy: ProxyOption;
  auth: CliAuth;
  tls: TlsOptions | undefined;
  /** Milliseconds per stage (and for a PAC/WPAD lookup). */
  timeout: number | undefined;
  json: boolean;
}

export const DIAGNOSE_USAGE = `Usage: winhttp diagnose [options] url

Explains what the network does for url: the system proxy settings, the proxy chosen for it and why, each hop's
connection path and timings, the server's certificate chain and whether Windows trusts it, the authentication
schemes offered and the one used, the redirects and the final status. Credentials are never printed.

Options:
      --json                one JSON document instead of text (for a ticket)
      --proxy <p>           system (default) | winhttp | none | env | host:port | http://host:port
      --noproxy <hosts>     hosts reached directly with --proxy host:port ("<local>;*.corp")
      --pac <url>           use the proxy auto-configuration file at url
      --timeout <ms>        per-stage timeout in milliseconds
${AUTH_USAGE}
${TLS_USAGE}
  -h, --help                this text`;

/** The options, or 'help'. Throws an Error whose message says what is wrong (never quoting a credential). */
export function parseDiagnose(argv: string[]): DiagnoseOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      proxy: { type: 'string' },
      noproxy: { type: 'string' },
      pac: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...AUTH_OPTIONS,
      ...TLS_OPTIONS,
    },
  });
  if (values.help === true) return 'help';
  if (positionals.length !== 1) throw new Error(`diagnose takes one url (got ${positionals.length})`);
  const url = positionals[0];
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) {
    throw new Error('the url must not contain credentials (give them with --user; the url is not shown)');
  }
  if (values.pac !== undefined && (values.proxy !== undefined || values.noproxy !== undefined)) {
    throw new Error('--pac goes without --proxy and --noproxy');
  }
  let timeout: number | undefined;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (!Number.isInteger(timeout) || timeout < 0) throw new Error(`--timeout must be a whole number of ms, not "${values.timeout}"`);
  }
  return {
    url,
    proxy: values.pac !== undefined ? { pac: values.pac as string } : proxyOption(values.proxy as string | undefined, values.noproxy as string | undefined),
    auth: parseAuth(values as Parameters<typeof parseAuth>[0]),
    tls: parseTls(values),
    timeout,
    json: values.json === true,
  };
}
