// WinHttpDispatcher: undici's Dispatcher interface (dispatch, close, destroy, compose) over WinHTTP, so Node's
// built-in fetch, and undici's request/stream/fetch, go through WinHTTP (set it with setGlobalDispatcher, or pass
// it as `dispatcher`). It pools nothing itself: connections are pooled per Session by WinHTTP, so undici's pool
// options (connections, pipelining, connect) do not apply; options are request()'s, as in fetch's init.winhttp.
import { EventEmitter } from 'node:events';
import { InvalidStateError, invalidArg } from '../errors';
import { winhttpOptions, type WinHttpFetchOptions } from '../fetch/winhttp-options';
import type { UndiciDispatchOptions } from './dispatch-options';
import { Exchange } from './exchange';

type Callback = (error?: Error | null) => void;
/** An undici interceptor: takes the next dispatch function, returns one that wraps it. */
export type DispatchInterceptor = (dispatch: WinHttpDispatcher['dispatch']) => WinHttpDispatcher['dispatch'];

export class WinHttpDispatcher extends EventEmitter {
  readonly #options: WinHttpFetchOptions;
  readonly #exchanges = new Set<Exchange>();
  #idle: Array<() => void> = [];
  #closed = false;
  #destroyed = false;

  /** `options`: request()'s options for every exchange (session, timeout, ...), checked as fetch's init.winhttp. */
  constructor(options?: WinHttpFetchOptions) {
    super();
    this.#options = winhttpOptions(options, 'options');
  }

  get closed(): boolean {
    return this.#closed;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** Starts one exchange; the handler hears everything (errors included) through its callbacks. Always true. */
  dispatch(opts: UndiciDispatchOptions, handler: object): boolean {
    if (typeof handler !== 'object' || handler === null) throw invalidArg('handler', 'must be an object');
    const exchange = new Exchange(handler as Record<string, unknown>, () => this.#ended(exchange));
    if (this.#closed) {
      exchange.refuse(new InvalidStateError(`The dispatcher is ${this.#destroyed ? 'destroyed' : 'closed'}`));
      return true;
    }
    this.#exchanges.add(exchange);
    void exchange.run(opts, this.#options);
    return true;
  }

  /** Refuses new exchanges; resolves once those under way have ended. */
  close(callback?: Callback): Promise<void> {
    this.#closed = true;
    return this.#whenIdle(callback);
  }

  /** Refuses new exchanges and aborts those under way with `error` (default: an InvalidStateError). */
  destroy(error?: Error | null | Callback, callback?: Callback): Promise<void> {
    if (typeof error === 'function') return this.destroy(undefined, error);
    this.#closed = true;
    this.#destroyed = true;
    const reason = error ?? new InvalidStateError('The dispatcher was destroyed');
    for (const exchange of [...this.#exchanges]) exchange.abort(reason);
    return this.#whenIdle(callback);
  }

  /** undici's compose(): a dispatcher whose dispatch runs through `interceptors` (the last one outermost). */
  compose(...interceptors: Array<DispatchInterceptor | DispatchInterceptor[]>): Pick<WinHttpDispatcher, 'dispatch' | 'close' | 'destroy'> {
    let dispatch: WinHttpDispatcher['dispatch'] = (opts, handler) => this.dispatch(opts, handler);
    for (const interceptor of interceptors.flat()) {
      if (typeof interceptor !== 'function') throw invalidArg('interceptor', 'must be a function');
      dispatch = interceptor(dispatch);
    }
    return { dispatch, close: (cb?: Callback) => this.close(cb), destroy: (e?: Error | null | Callback, cb?: Callback) => this.destroy(e, cb) };
  }

  #ended(exchange: Exchange): void {
    this.#exchanges.delete(exchange);
    if (this.#exchanges.size > 0) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }

  #whenIdle(callback: Callback | undefined): Promise<void> {
    const idle = this.#exchanges.size === 0 ? Promise.resolve()
      : new Promise<void>((resolve) => this.#idle.push(resolve));
    if (callback !== undefined) void idle.then(() => callback(null));
    return idle;
  }
}
