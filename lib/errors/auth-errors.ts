// Errors of the authentication policy (lib/policy/auth.ts).
import { hasBrand, setBrand } from './brand';

const NOT_REPLAYABLE_BRAND = Symbol.for('winhttp.BodyNotReplayableError');

/**
 * A 401/407 asked for credentials that were given, but the request body was a stream already sent once: it cannot
 * be sent again with the credentials. Give the body as bytes (string, Buffer, TypedArray) to have it replayed.
 */
export class BodyNotReplayableError extends Error {
  override readonly name = 'BodyNotReplayableError';
  readonly code = 'ERR_WINHTTP_BODY_NOT_REPLAYABLE';
  /** 401 (server) or 407 (proxy). */
  readonly status: number;

  constructor(status: number) {
    super(`The ${status === 407 ? 'proxy' : 'server'} asked for credentials (${status}), but the request body was a ` +
      'stream and cannot be sent again: give the body as bytes (string, Buffer, TypedArray) to have it replayed');
    setBrand(this, NOT_REPLAYABLE_BRAND);
    this.status = status;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, BodyNotReplayableError, NOT_REPLAYABLE_BRAND, value);
  }
}
