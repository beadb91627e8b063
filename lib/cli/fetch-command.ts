// `winhttp <url>`: one request through WinHTTP, printed like `curl -i` (head, blank line, body) or with the body
// written to a file.
import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { request } from '../request';
import { Session, type ProxyOption } from '../core/session';
import type { CliOptions } from './args';
import { failedStatus } from './http-status-error';

// -d without a Content-Type header: curl's form type, so servers that parse forms take the body as one.
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The request headers: as given, plus curl's Content-Type for -d when none of them is one. */
export function requestHeaders(headers: Array<[string, string]>, data: string | undefined): Array<[string, string]> {
  if (data === undefined || headers.some(([name]) => name.toLowerCase() === 'content-type')) return headers;
  return [...headers, ['Content-Type', FORM_TYPE]];
}

// --proxy as the library's string forms (checked by Session: credentials in it are refused, never printed).
export function proxyOption(value: string | undefined, noproxy: string | undefined): ProxyOption {
  if (noproxy === undefined) return value ?? 'system';
  if (value === undefined || ['system', 'winhttp', 'none', 'env'].includes(value)) {
    throw new Error('--noproxy goes with --proxy host:port');
  }
  return { server: value, bypass: noproxy };
}

export function formatHead(status: number, statusText: string, httpVersion: string, rawHeaders: string[]): string {
  const lines = [`HTTP/${httpVersion} ${status} ${statusText}`.trimEnd()];
  for (let i = 0; i < rawHeaders.length; i += 2) lines.push(`${rawHeaders[i]}: ${rawHeaders[i + 1]}`);
  return `${lines.join('\n')}\n\n`;
}

export async function runFetch(url: string, options: CliOptions, out: NodeJS.WritableStream): Promise<void> {
  const body = options.data === undefined ? undefined
    : options.data.startsWith('@') ? readFileSync(options.data.slice(1)) : options.data;
  const session = new Session({ proxy: proxyOption(options.proxy, options.noproxy), tls: options.tls });
  try {
    const response = await request(url, {
      method: options.method,
      headers: requestHeaders(options.headers, options.data),
      body,
      timeout: options.timeout,
      session,
      ...options.auth,
    });
    const failed = failedStatus(options.fail, response.status, response.statusText, response.url);
    if (failed !== undefined) {
      response.body.destroy();
      throw failed;
    }
    out.write(formatHead(response.status, response.statusText, response.httpVersion, response.rawHeaders));
    if (options.output !== undefined) {
      await pipeline(response.body, createWriteStream(options.output));
    } else {
      for await (const chunk of response.body) out.write(chunk as Buffer);
    }
  } finally {
    session.close();
  }
}
