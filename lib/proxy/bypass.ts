// WinHTTP's proxy bypass list, matched against a URL's host as the WINHTTP_PROXY_INFO and WinHttpOpen references
// describe it, so resolveProxy() can say when a static proxy is not used: entries separated by semicolons or
// whitespace; "<local>" matches any host name without a period; "*" is a wildcard for any run of characters; an
// entry matches the whole host name, case-insensitively. An IP address literal is not a host name for "<local>"
// (an IPv6 address has no period, yet is not local by that rule).
import { isIP } from 'net';

const LOCAL = '<local>';

function wildcardPattern(entry: string): RegExp {
  const escaped = entry.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** The first entry of `bypass` that sends `url` directly, as it is written in the list; undefined if none does. */
export function bypassEntryFor(bypass: string | null, url: URL): string | undefined {
  if (bypass === null) return undefined;
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  for (const entry of bypass.split(/[;\s]+/)) {
    if (entry === '') continue;
    if (entry.toLowerCase() === LOCAL) {
      if (isIP(host) === 0 && !host.includes('.')) return entry;
      continue;
    }
    const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
    if (wildcardPattern(bare).test(host)) return entry;
  }
  return undefined;
}
