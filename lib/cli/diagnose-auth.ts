// The authentication a 401/407 offered, read from its WWW-Authenticate / Proxy-Authenticate headers (RFC 9110 section
// 11.6.1: one header may hold several comma-separated challenges), and the scheme the library answers with: its own
// choice (policy/auth.ts chooseScheme: the strongest the credentials allow), from the WINHTTP_AUTH_SCHEME_* bits of
// the same names.
import { chooseScheme } from '../policy/auth';
import {
  WINHTTP_AUTH_SCHEME_BASIC, WINHTTP_AUTH_SCHEME_DIGEST, WINHTTP_AUTH_SCHEME_NEGOTIATE, WINHTTP_AUTH_SCHEME_NTLM,
  WINHTTP_AUTH_SCHEME_PASSPORT,
} from '../native/auth-constants';

const SCHEMES: readonly (readonly [name: string, bit: number])[] = [
  ['Basic', WINHTTP_AUTH_SCHEME_BASIC],
  ['NTLM', WINHTTP_AUTH_SCHEME_NTLM],
  ['Passport1.4', WINHTTP_AUTH_SCHEME_PASSPORT],
  ['Digest', WINHTTP_AUTH_SCHEME_DIGEST],
  ['Negotiate', WINHTTP_AUTH_SCHEME_NEGOTIATE],
];

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const AUTH_PARAM = new RegExp(`^${TOKEN}\\s*=`);
const SCHEME = new RegExp(`^(${TOKEN})(?:\\s|$)`);

// Splits at commas outside quoted strings.
function elements(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && quoted) {
      current += c + (value[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === ',' && !quoted) {
      parts.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current.trim());
  return parts.filter((part) => part !== '');
}

/** The scheme names of the challenges in these header values, in order ("Basic", "Digest", ...). */
export function offeredSchemes(values: readonly string[]): string[] {
  const schemes: string[] = [];
  for (const value of values) {
    for (const element of elements(value)) {
      // An element starts a challenge unless it is an auth-param ("name=value") of the previous one.
      if (AUTH_PARAM.test(element)) continue;
      const scheme = SCHEME.exec(element)?.[1];
      if (scheme !== undefined) schemes.push(scheme);
    }
  }
  return schemes;
}

/** The scheme the library answers these offers with, given a user and password (false) or the logged-on user (true). */
export function schemeUsed(offered: readonly string[], loggedOnUser: boolean): string | undefined {
  const bits = offered.reduce((sum, name) =>
    sum | (SCHEMES.find(([known]) => known.toLowerCase() === name.toLowerCase())?.[1] ?? 0), 0);
  const chosen = chooseScheme(bits, loggedOnUser);
  return SCHEMES.find(([, bit]) => bit === chosen)?.[0];
}

/** Every value of the header `name` in Node's rawHeaders list. */
export function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) values.push(rawHeaders[i + 1]);
  return values;
}
