// The two handler shapes undici has used, behind one interface: the legacy one (onConnect, onHeaders with raw header
// Buffers and a resume function, onData returning false to pause, onComplete, onError), which the fetch bundled in
// Node 20-24 passes, and the newer one (onRequestStart, onResponseStart with a headers object, onResponseData,
// onResponseEnd, onResponseError, with a controller's pause/resume/abort), which undici 7+ and Node 26 pass.
/** What an exchange needs from the caller's handler, whichever shape it has. */
export interface Callbacks {
  start(): void;
  /** false: the handler asked to pause. */
  headers(status: number, rawHeaders: readonly string[], statusText: string): boolean;
  /** false: the handler asked to pause. */
  data(chunk: Buffer): boolean;
  complete(): void;
  error(error: unknown): void;
}

/** How the caller steers an exchange (undici's DispatchController, and what legacy's abort/resume reach). */
export interface ExchangeControl {
  abort(reason?: unknown): void;
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: unknown;
}

type Handler = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

function call(handler: Handler, name: string, ...args: unknown[]): unknown {
  const fn = handler[name];
  return typeof fn === 'function' ? (fn as Fn).apply(handler, args) : undefined;
}

export function isNewShape(handler: Handler): boolean {
  return typeof handler.onRequestStart === 'function' || typeof handler.onResponseStart === 'function';
}

export function callbacksFor(handler: Handler, control: ExchangeControl): Callbacks {
  if (isNewShape(handler)) {
    return {
      start: () => void call(handler, 'onRequestStart', control, {}),
      headers: (status, raw, statusText) => {
        call(handler, 'onResponseStart', control, status, headersObject(raw), statusText);
        return !control.paused;
      },
      data: (chunk) => {
        call(handler, 'onResponseData', control, chunk);
        return !control.paused;
      },
      complete: () => void call(handler, 'onResponseEnd', control, {}),
      error: (error) => void call(handler, 'onResponseError', control, error),
    };
  }
  return {
    start: () => void call(handler, 'onConnect', (reason?: unknown) => control.abort(reason), {}),
    headers: (status, raw, statusText) => {
      call(handler, 'onResponseStarted');
      const buffers = raw.map((text) => Buffer.from(text, 'latin1'));
      return call(handler, 'onHeaders', status, buffers, () => control.resume(), statusText) !== false;
    },
    data: (chunk) => call(handler, 'onData', chunk) !== false,
    complete: () => void call(handler, 'onComplete', []),
    error: (error) => void call(handler, 'onError', error),
  };
}

// undici's parsed headers: lower-case names, a repeated header as an array of its values.
function headersObject(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const known = headers[name];
    headers[name] = known === undefined ? raw[i + 1] : [...(Array.isArray(known) ? known : [known]), raw[i + 1]];
  }
  return headers;
}
