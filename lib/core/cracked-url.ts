// WinHttpCrackUrl's answers for the URLs asked for lately, with the URL parsed by Node. request() splits every URL
// with WinHTTP (so a URL is refused exactly where WinHTTP would refuse it), and a client asks for the same few URLs
// again and again, while the answers for a string never change: a kept answer saves a native call and a parse per
// request. A URL with a user name or password is not kept (it is refused anyway, and a secret is not held longer than
// the call). At most MAX_KEPT; the oldest goes first. Errors are never kept.
import type { CrackedUrl } from '../native/types';
import { getBinding } from '../native/binding';
import { callNative } from './native-call';

const MAX_KEPT = 256;
const kept = new Map<string, { cracked: Readonly<CrackedUrl>; parsed?: URL }>();

export function crackUrl(href: string): Readonly<CrackedUrl> {
  const found = kept.get(href);
  if (found !== undefined) return found.cracked;
  const cracked = Object.freeze(callNative(() => getBinding().crackUrl(href)));
  if (cracked.userName === '' && cracked.password === '') {
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(href, { cracked });
  }
  return cracked;
}

/** `new URL(href)`, kept with the crackUrl() answer for `href` where there is one: shared, so never to be changed. */
export function parsedUrl(href: string): URL {
  const found = kept.get(href);
  if (found === undefined) return new URL(href);
  return (found.parsed ??= new URL(href));
}
