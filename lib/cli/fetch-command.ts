// `winhttp <url>`: one request through WinHTTP, printed like `curl -i` (head, blank line, body) or with the body
// written to a file.
import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { request } from '../request';
import { Session, type ProxyOption } from '../core/session';
import type { CliOptions } from './args';

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
  const session = new Session({ proxy: proxyOption(options.proxy, options.noproxy) });
  try {
    const response = await request(url, {
      method: options.method,
      headers: options.headers,
      body,
      timeout: options.timeout,
      session,
      ...options.auth,
    });
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
