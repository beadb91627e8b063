// WinHTTP timeouts. Every one is always set explicitly: WinHTTP's defaults differ between versions, and Wine never
// times out a request waiting for headers unless WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT is set (docs/wine.md).
import { validateTimeout } from './validate';

export interface Timeouts {
  /** Name resolution, ms. */
  resolve: number;
  /** TCP connect, ms. */
  connect: number;
  /** Sending each request packet, ms. */
  send: number;
  /** Receiving each response packet, ms. */
  receive: number;
  /** Waiting for the response headers after the request was sent, ms. */
  receiveResponse: number;
}

export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  resolve: 30_000,
  connect: 60_000,
  send: 30_000,
  receive: 30_000,
  receiveResponse: 90_000,
});

export function resolveTimeouts(base: Readonly<Timeouts>, overrides: unknown, name = 'timeouts'): Timeouts {
  if (overrides === undefined) return { ...base };
  if (typeof overrides !== 'object' || overrides === null) {
    throw Object.assign(new TypeError(`The "${name}" option must be an object`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const result = { ...base };
  for (const key of Object.keys(overrides) as Array<keyof Timeouts>) {
    if (!(key in base)) {
      throw Object.assign(new TypeError(`Unknown timeout "${String(key)}" in "${name}"`), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    const value = (overrides as Partial<Timeouts>)[key];
    if (value !== undefined) result[key] = validateTimeout(`${name}.${key}`, value);
  }
  return result;
}

/** The same deadline for every stage: what request()'s `timeout` option means. */
export function uniformTimeouts(ms: number): Timeouts {
  return { resolve: ms, connect: ms, send: ms, receive: ms, receiveResponse: ms };
}
