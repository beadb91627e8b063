// WinHttpCrackUrl's answers for the URLs asked for lately. request() splits every URL with WinHTTP (so a URL is
// refused exactly where WinHTTP would refuse it), and a client asks for the same few URLs again and again, while the
// answer for a string never changes: a cached answer saves a native call per request. A URL with a user name or
// password is not kept (it is refused anyway, and a secret is not held longer than the call). At most MAX_KEPT; the
// oldest goes first. Errors are never cached.
import type { CrackedUrl } from '../native/types';
import { getBinding } from '../native/binding';
import { callNative } from './native-call';

const MAX_KEPT = 256;
const kept = new Map<string, Readonly<CrackedUrl>>();

export function crackUrl(href: string): Readonly<CrackedUrl> {
  const found = kept.get(href);
  if (found !== undefined) return found;
  const cracked = Object.freeze(callNative(() => getBinding().crackUrl(href)));
  if (cracked.userName === '' && cracked.password === '') {
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(href, cracked);
  }
  return cracked;
}
