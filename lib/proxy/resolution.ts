// Which proxy WinHTTP uses for a URL, and why: the policy over the addon's ProxyResolver (native/proxy_resolver.h).
// For 'system' it follows the documented fallback for Windows without WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY
// (WinHttpGetIEProxyConfigForCurrentUser, then WPAD if auto-detect is on, then the PAC URL, then the static proxy),
// with a failed WPAD discovery remembered for WPAD_RETRY_AFTER_MS; a PAC file is fetched and run by WinHTTP
// (WinHttpGetProxyForUrlEx where Windows has it, else WinHttpGetProxyForUrl on a worker thread), bounded by a timeout.
import { WinHttpError } from '../errors';
import { getBinding } from '../native/binding';
import type { NativeProxyFound, NativeProxyResolver } from '../native/types';
import { bypassEntryFor } from './bypass';
import { envProxyFor } from './env';
import { ProxyTimeoutError } from './errors';
import type { ProxyMode } from './option';

/** A decision for one URL. */
export interface ProxyDecision {
  /** The proxy list WinHTTP uses ("host:port", several separated by ";"), or null for a direct connection. */
  proxy: string | null;
  /** For a static proxy: the hosts WinHTTP reaches directly ("<local>;*.corp"), or null. */
  bypass: string | null;
  /**
   * Where the answer came from: 'pac' (a PAC file at a known URL), 'wpad' (a PAC file found by WPAD), 'static'
   * (a proxy from the settings or the option), 'env' (the environment) or 'direct' (nothing configured, 'none', or
   * a host in the static proxy's bypass list: `reason` names the entry that matched).
   */
  source: 'pac' | 'wpad' | 'static' | 'env' | 'direct';
  /** The WinHTTP function that answered, when one did. */
  api?: string;
  /** Why, in words: which setting or PAC result, and what failed on the way. */
  reason: string;
}

/** What the user's settings say (WinHttpGetIEProxyConfigForCurrentUser) and the static WinHTTP proxy (netsh). */
export interface SystemProxyConfig {
  autoDetect: boolean;
  autoConfigUrl: string | null;
  proxy: string | null;
  bypass: string | null;
  /** WinHttpGetDefaultProxyConfiguration: the proxy of proxy: 'winhttp' (null: direct). */
  winhttp: { proxy: string | null; bypass: string | null };
}

/** After a WPAD discovery fails, none is tried again for this long (5 minutes); the settings' PAC URL and static proxy still apply. */
export const WPAD_RETRY_AFTER_MS = 5 * 60 * 1000;
/** Default bound on one proxy resolution (WPAD discovery, or a PAC download and run). */
export const DEFAULT_PROXY_TIMEOUT_MS = 10_000;

const WINHTTP_ACCESS_TYPE_NAMED_PROXY = 3;
const WINHTTP_AUTOPROXY_AUTO_DETECT = 0x1;
const WINHTTP_AUTOPROXY_CONFIG_URL = 0x2;
const WINHTTP_AUTO_DETECT_TYPE_DHCP = 0x1;
const WINHTTP_AUTO_DETECT_TYPE_DNS_A = 0x2;
const INTERNET_SCHEME_HTTP = 1;

// Process-wide, as WPAD's answer is the network's: when discovery last failed (0: never).
let wpadFailedAt = 0;
let now = (): number => Date.now();

/** @internal Tests: replace the clock, and forget a remembered WPAD failure. */
export function setProxyClockForTesting(clock: (() => number) | undefined): void {
  now = clock ?? Date.now;
  wpadFailedAt = 0;
}

function failure(found: NativeProxyFound): WinHttpError {
  return new WinHttpError(found.errno, found.api);
}

// "host:port;host:port" from WinHttpGetProxyForUrlEx's entries: the proxies in the PAC's order, up to the first
// DIRECT (null if that comes first). WinHTTP reaches proxies over HTTP only, so SOCKS entries are left out.
function listFromEntries(entries: NonNullable<NativeProxyFound['entries']>): string | null {
  const proxies: string[] = [];
  for (const entry of entries) {
    if (!entry.proxy) break;
    if (entry.scheme !== INTERNET_SCHEME_HTTP) continue;
    proxies.push(`${entry.host}:${entry.port}`);
  }
  return proxies.length > 0 ? proxies.join(';') : null;
}

function listFromFound(found: NativeProxyFound): string | null {
  if (found.entries !== undefined) return listFromEntries(found.entries);
  return found.accessType === WINHTTP_ACCESS_TYPE_NAMED_PROXY && found.proxy !== null && found.proxy !== '' ? found.proxy : null;
}

// A static proxy's decision for `url`: direct when its bypass list matches the host (lib/proxy/bypass.ts), saying
// which entry did.
function staticDecision(url: URL, found: { proxy: string; bypass: string | null; api?: string; reason: string }): ProxyDecision {
  const api = found.api === undefined ? {} : { api: found.api };
  const entry = bypassEntryFor(found.bypass, url);
  if (entry === undefined) return { proxy: found.proxy, bypass: found.bypass, source: 'static', ...api, reason: found.reason };
  return { proxy: null, bypass: found.bypass, source: 'direct', ...api,
    reason: `${url.hostname} matches "${entry}" in the bypass list of ${found.reason}` };
}

/** One session's proxy resolution: its own native resolver (an asynchronous WinHTTP session of its own). */
export class ProxyResolution {
  readonly #userAgent: string;
  readonly #timeouts: readonly [number, number, number, number];
  #native: NativeProxyResolver | undefined;

  constructor(userAgent: string, timeouts: readonly [number, number, number, number]) {
    this.#userAgent = userAgent;
    this.#timeouts = timeouts;
  }

  #resolver(): NativeProxyResolver {
    if (this.#native === undefined) {
      const binding = getBinding();
      const resolver = new binding.ProxyResolver(this.#userAgent);
      resolver.setTimeouts(...this.#timeouts);
      this.#native = resolver;
    }
    return this.#native;
  }

  close(): void {
    this.#native?.close();
    this.#native = undefined;
  }

  async systemConfig(): Promise<SystemProxyConfig> {
    const resolver = this.#resolver();
    const [user, winhttp] = await Promise.all([resolver.config(0), resolver.config(1)]);
    if (user.errno !== 0) throw failure(user);
    if (winhttp.errno !== 0) throw failure(winhttp);
    return {
      autoDetect: user.autoDetect,
      autoConfigUrl: user.autoConfigUrl,
      proxy: user.proxy,
      bypass: user.bypass,
      winhttp: { proxy: listFromFound(winhttp), bypass: winhttp.bypass },
    };
  }

  /** The decision for `url` under `mode`; a PAC or WPAD lookup is bounded by `timeoutMs` (0: no limit). */
  async decide(mode: ProxyMode, url: URL, timeoutMs: number): Promise<ProxyDecision> {
    switch (mode.kind) {
      case 'none':
        return { proxy: null, bypass: null, source: 'direct', reason: "proxy: 'none'" };
      case 'named':
        return staticDecision(url, { proxy: mode.server, bypass: mode.bypass, reason: 'the proxy option' });
      case 'env': {
        const env = envProxyFor(url);
        return { proxy: env.proxy, bypass: null, source: env.proxy === null ? 'direct' : 'env', reason: env.detail };
      }
      case 'pac': {
        const found = await this.#lookup(url, WINHTTP_AUTOPROXY_CONFIG_URL, 0, mode.url, timeoutMs, 'pac');
        if (found.errno !== 0) throw failure(found);
        return { proxy: listFromFound(found), bypass: null, source: 'pac', api: found.api, reason: `the PAC file ${mode.url}` };
      }
      case 'winhttp': {
        const found = await this.#resolver().config(1);
        if (found.errno !== 0) throw failure(found);
        const proxy = listFromFound(found);
        if (proxy === null) return { proxy, bypass: null, source: 'direct', api: found.api, reason: 'no WinHTTP proxy is set (netsh winhttp)' };
        return staticDecision(url, { proxy, bypass: found.bypass, api: found.api, reason: 'the WinHTTP proxy (netsh winhttp)' });
      }
      case 'system':
        return this.#system(url, timeoutMs);
    }
  }

  // The documented fallback order for the current user's settings.
  async #system(url: URL, timeoutMs: number): Promise<ProxyDecision> {
    const config = await this.#resolver().config(0);
    if (config.errno !== 0) throw failure(config);
    const notes: string[] = [];
    if (config.autoDetect) {
      if (wpadFailedAt !== 0 && now() - wpadFailedAt < WPAD_RETRY_AFTER_MS) {
        notes.push(`WPAD skipped: discovery failed ${Math.round((now() - wpadFailedAt) / 1000)} s ago`);
      } else {
        const found = await this.#lookup(url, WINHTTP_AUTOPROXY_AUTO_DETECT,
          WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A, null, timeoutMs, 'wpad').catch((error: unknown) => {
          if (error instanceof ProxyTimeoutError) return error;
          throw error;
        });
        if (!(found instanceof ProxyTimeoutError) && found.errno === 0) {
          wpadFailedAt = 0;
          return { proxy: listFromFound(found), bypass: null, source: 'wpad', api: found.api, reason: 'the PAC file WPAD found' };
        }
        wpadFailedAt = now();
        notes.push(found instanceof ProxyTimeoutError ? found.message : `WPAD failed: ${failure(found).message}`);
      }
    }
    if (config.autoConfigUrl !== null && config.autoConfigUrl !== '') {
      const pacUrl = config.autoConfigUrl;
      const found = await this.#lookup(url, WINHTTP_AUTOPROXY_CONFIG_URL, 0, pacUrl, timeoutMs, 'pac')
        .catch((error: unknown) => error as Error);
      if (!(found instanceof Error) && found.errno === 0) {
        return { proxy: listFromFound(found), bypass: null, source: 'pac', api: found.api,
          reason: [`the PAC file ${pacUrl}`, ...notes].join('; ') };
      }
      notes.push(`PAC file ${pacUrl} failed: ${found instanceof Error ? found.message : failure(found).message}`);
    }
    if (config.proxy !== null && config.proxy !== '') {
      return staticDecision(url, { proxy: config.proxy, bypass: config.bypass, api: config.api,
        reason: ['the proxy in the Windows settings', ...notes].join('; ') });
    }
    return { proxy: null, bypass: null, source: 'direct', api: config.api,
      reason: ['no proxy in the Windows settings', ...notes].join('; ') };
  }

  // One WinHTTP lookup, bounded: when the timer fires first, a WinHttpGetProxyForUrlEx lookup is cancelled (its
  // resolver handle closed); WinHttpGetProxyForUrl cannot be, so its late answer is dropped.
  #lookup(url: URL, flags: number, autoDetectFlags: number, configUrl: string | null, timeoutMs: number,
    stage: 'pac' | 'wpad'): Promise<NativeProxyFound> {
    const lookup = this.#resolver().resolve(url.href, flags, autoDetectFlags, configUrl);
    return new Promise((resolve, reject) => {
      const timer = timeoutMs === 0 ? undefined : setTimeout(() => {
        lookup.cancel?.();
        reject(new ProxyTimeoutError(timeoutMs, stage, configUrl ?? undefined));
      }, timeoutMs);
      lookup.done.then((found) => {
        clearTimeout(timer);
        resolve(found);
      }, (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }
}
