// Option bags are checked once, here: an unknown key is refused with a TypeError that names it, so an option brought
// from node:https, undici or fetch (rejectUnauthorized, agent, ...) never looks accepted while it
// does nothing. The ones people bring get a hint at what to use instead. Also the request policy (redirects,
// decoding) that sessions default and request() applies, validated.
import { invalidArg, outOfRange } from '../errors';

export interface RequestPolicyOptions {
  /** 'follow' (default): redirects are followed by request(); 'manual': the 3xx is returned; 'error': a 3xx rejects. */
  redirect?: 'follow' | 'manual' | 'error';
  /** Most redirects followed (default 10); one more rejects with TooManyRedirectsError. */
  maxRedirects?: number;
  /** Follow a redirect from https to http (default false: such a 3xx is returned instead). */
  allowHttpsToHttpRedirect?: boolean;
  /** Ask for gzip, deflate and br and decode the body as it streams (default false: the bytes as sent). */
  decompress?: boolean;
}

export type RequestPolicy = Required<RequestPolicyOptions>;

export const POLICY_KEYS = ['redirect', 'maxRedirects', 'allowHttpsToHttpRedirect', 'decompress'] as const;

export const DEFAULT_POLICY: Readonly<RequestPolicy> = Object.freeze({
  redirect: 'follow',
  maxRedirects: 10,
  allowHttpsToHttpRedirect: false,
  decompress: false,
});

/** Validates `overrides` and merges them over `base` (a session's policy, or the defaults). */
export function resolvePolicy(base: Readonly<RequestPolicy>, overrides: RequestPolicyOptions): Readonly<RequestPolicy> {
  if (overrides.redirect === undefined && overrides.maxRedirects === undefined &&
    overrides.allowHttpsToHttpRedirect === undefined && overrides.decompress === undefined) {
    return base;
  }
  const result = { ...base };
  if (overrides.redirect !== undefined) {
    if (!['follow', 'manual', 'error'].includes(overrides.redirect)) {
      throw invalidArg('redirect', "must be 'follow', 'manual' or 'error'", 'ERR_INVALID_ARG_VALUE');
    }
    result.redirect = overrides.redirect;
  }
  if (overrides.maxRedirects !== undefined) {
    const value: unknown = overrides.maxRedirects;
    if (typeof value !== 'number') throw invalidArg('maxRedirects', 'must be a number');
    if (!Number.isInteger(value) || value < 0 || value > 100) throw outOfRange('maxRedirects', '>= 0 && <= 100', value);
    result.maxRedirects = value;
  }
  for (const name of ['allowHttpsToHttpRedirect', 'decompress'] as const) {
    const value: unknown = overrides[name];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw invalidArg(name, 'must be a boolean');
    result[name] = value;
  }
  return result;
}

const TLS = 'not supported: certificates are checked against the Windows certificate store (client certificates and TLS settings come from Windows)';
// There is no single switch that turns verification off: each accepted failure is named (lib/tls/options.ts).
const NO_REJECT_UNAUTHORIZED = 'not supported: there is no switch that turns certificate verification off; name the ' +
  'one failure to accept on a session: new Session({ tls: { dangerouslyAcceptUnknownCa | dangerouslyAcceptWrongHostName | ' +
  'dangerouslyAcceptExpiredCertificate | dangerouslyAcceptWrongUsage: true } })';
const CLIENT_CERTIFICATE = 'set a client certificate on a session: new Session({ tls: { clientCertificate: ' +
  '{ pfx, passphrase } | { thumbprint } | { subject } } }) (its key stays in the Windows store)';
const TLS_VERSION = 'set it on a session: new Session({ tls: { minVersion, maxVersion } })';
const LOW_LEVEL_REDIRECT = 'the low-level Request never follows redirects (it returns every 3xx): use request()';

// Options from node:http(s), undici, node-fetch and fetch, and what to use instead.
const HINTS: Record<string, string> = {
  rejectUnauthorized: NO_REJECT_UNAUTHORIZED,
  insecure: NO_REJECT_UNAUTHORIZED,
  ca: 'set it on a session: new Session({ tls: { ca } }) (or add the CA to the Windows certificate store)',
  cert: CLIENT_CERTIFICATE,
  key: CLIENT_CERTIFICATE,
  pfx: CLIENT_CERTIFICATE,
  passphrase: CLIENT_CERTIFICATE,
  ciphers: TLS,
  servername: TLS,
  checkServerIdentity: 'not supported: pin the certificate instead: new Session({ tls: { pins: { [host]: [...] } } })',
  minVersion: TLS_VERSION,
  maxVersion: TLS_VERSION,
  secureProtocol: TLS_VERSION,
  agent: 'not supported: connections are pooled by a Session; use { session: new Session({ ... }) }',
  dispatcher: 'not supported: connections are pooled by a Session; use { session: new Session({ ... }) }',
  proxy: 'give it to request() or a session: new Session({ proxy }); a low-level Request has setProxy()',
  userAgent: "set it on a session (new Session({ userAgent })) or send a 'User-Agent' header",
  cookies: 'cookies are kept per session: { session: new Session({ cookies: true }) }',
  credentials: 'give them to request() or new Session({ credentials })',
  proxyCredentials: 'give them to request() or new Session({ proxyCredentials })',
  maxConnectionsPerServer: 'set it on a session: new Session({ maxConnectionsPerServer })',
  maxSockets: 'use new Session({ maxConnectionsPerServer })',
  maxRedirections: 'use maxRedirects',
  follow: "use maxRedirects (and redirect: 'follow' | 'manual' | 'error')",
  compress: 'use decompress',
  headersTimeout: 'use timeouts.receiveResponse on a Session, or timeout (every stage)',
  bodyTimeout: 'use timeout (each body read) or deadline (the whole exchange)',
  keepalive: 'use keepAlive',
  hostname: 'give the URL as the first argument',
  host: 'give the URL as the first argument',
  port: 'give the URL as the first argument',
  path: 'give the URL as the first argument',
  protocol: 'give the URL as the first argument',
  auth: 'not supported: send an Authorization header (credentials in the URL are refused)',
  mode: 'not supported: request() is not a browser fetch',
  cache: 'not supported: request() is not a browser fetch',
  referrer: "not supported: send a 'Referer' header",
  integrity: 'not supported: request() is not a browser fetch',
};

// The same keys given where they do not belong in the low-level API.
const LOW_LEVEL_HINTS: Record<string, string> = {
  redirect: LOW_LEVEL_REDIRECT,
  maxRedirects: LOW_LEVEL_REDIRECT,
  allowHttpsToHttpRedirect: LOW_LEVEL_REDIRECT,
  decompress: 'the low-level Request returns the bytes as sent: use request() with decompress: true',
  timeout: 'use timeouts: { resolve, connect, send, receive, receiveResponse }',
  method: 'give the method to openRequest(method, path)',
  headers: 'give headers to send({ headers })',
  body: 'give the body to send({ body }) and write()',
};

function isRefused(values: Record<string, unknown>, known: readonly string[], key: string): boolean {
  return !known.includes(key) && values[key] !== undefined;
}

/**
 * Throws a TypeError (code ERR_INVALID_ARG_VALUE, `unknownOptions` listing them) for keys of `options` not in
 * `known`. Keys whose value is undefined set nothing and pass.
 */
export function refuseUnknownOptions(options: object, known: readonly string[], where = 'options', lowLevel = false): void {
  const values = options as Record<string, unknown>;
  // Checked on every call of the API: nothing is allocated unless an option is refused.
  let anyRefused = false;
  for (const key in values) {
    if (Object.prototype.hasOwnProperty.call(values, key) && isRefused(values, known, key)) {
      anyRefused = true;
      break;
    }
  }
  if (!anyRefused) return;
  const unknown = Object.keys(values).filter((key) => isRefused(values, known, key));
  const described = unknown.map((key) => {
    const hint = (lowLevel ? LOW_LEVEL_HINTS[key] : undefined) ?? HINTS[key];
    return hint === undefined ? `"${key}"` : `"${key}" (${hint})`;
  });
  const error = invalidArg(where, `has unknown option${unknown.length === 1 ? '' : 's'} ${described.join(', ')}`,
    'ERR_INVALID_ARG_VALUE');
  throw Object.assign(error, { unknownOptions: unknown });
}
