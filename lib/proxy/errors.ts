// The proxy layer's own error: a resolution (PAC download and run, WPAD discovery) that did not finish in time.
import { setBrand, hasBrand } from '../errors/brand';

const BRAND = Symbol.for('winhttp.ProxyTimeoutError');

/** Proxy resolution took longer than the session's `proxyTimeout` (or resolveProxy's `timeout`). */
export class ProxyTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ERR_WINHTTP_PROXY_TIMEOUT';
  readonly category = 'timeout';
  /** Milliseconds allowed. */
  readonly timeout: number;
  /** What was being done: 'pac' (fetching and running the PAC file) or 'wpad' (discovering it). */
  readonly stage: 'pac' | 'wpad';

  constructor(timeout: number, stage: 'pac' | 'wpad', pacUrl?: string) {
    super(stage === 'wpad' ? `WPAD discovery of the proxy auto-configuration file did not finish within ${timeout} ms`
      : `The proxy auto-configuration file${pacUrl === undefined ? '' : ` ${pacUrl}`} was not fetched and run within ${timeout} ms`);
    setBrand(this, BRAND);
    this.timeout = timeout;
    this.stage = stage;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, ProxyTimeoutError, BRAND, value);
  }
}
