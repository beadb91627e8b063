// WinHttpDispatcher as undici's Dispatcher, called directly with each handler shape (the legacy onConnect/onHeaders/
// onData/onComplete/onError one and the onRequestStart/onResponseStart/onResponseData/onResponseEnd/
// onResponseError one): every byte and header handed over, backpressure from either shape stalling the server,
// an abort from either shape closing the request (and, off Wine, the server seeing its socket close), close() and destroy(), what
// it refuses (upgrade, CONNECT, unknown options), undici's own request() and an interceptor over it, and the body of
// our fetch() pulled only as the consumer reads. The differential table (fetch-differential.test.ts) runs Node's
// global fetch through it.
import type * as http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { fetch, getGlobalDispatcher, InvalidStateError, Session, setGlobalDispatcher, WinHttpDispatcher } from '../../lib';
import { rejectionOf } from '../helpers/assertions';
import { itUnlessWine } from '../helpers/wine';
import { deterministicBytes, readBody, sha256, startHttpServer, type TestServer, writeWithBackpressure } from '../helpers/servers';

const MB = 1024 * 1024;
const BIG = deterministicBytes(16 * MB, 'dispatcher big body');
const BIG_SHA = sha256(BIG);

let server: TestServer<http.Server>;
/** Backpressure probe for /slow; `holdClosed` settles once the client's socket of /hold closes. */
const probe = { written: 0, done: false, holdClosed: Promise.resolve() };
let holdClosed: () => void = () => undefined;

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const body = await readBody(req);
  switch (url.pathname) {
    case '/slow':
      res.writeHead(200, { 'Content-Length': String(BIG.length) });
      await writeWithBackpressure(res, BIG, 64 * 1024, (written) => {
        probe.written = written;
      });
      probe.done = true;
      return;
    case '/hold':
      // Part of a body, then nothing until the client goes away.
      res.writeHead(200, { 'Content-Length': '2000' });
      res.write(Buffer.alloc(1000, 0x62));
      res.on('close', () => holdClosed());
      return;
    case '/silent':
      return; // never answered
    case '/redirect':
      res.writeHead(302, { Location: '/echo?redirected=1', 'Content-Length': '0' }).end();
      return;
    default:
      res.writeHead(200, [
        'Content-Type', 'application/octet-stream', 'X-Repeat', 'one', 'X-Repeat', 'two',
        'X-Method', req.method ?? '', 'X-Url', req.url ?? '', 'X-Header', String(req.headers['x-header']),
        'X-User-Agent', String(req.headers['user-agent']), 'Content-Length', String(body.length),
      ]);
      res.end(body.bytes);
  }
}

beforeAll(async () => {
  server = await startHttpServer((req, res) => void handle(req, res));
});
afterAll(async () => {
  await server.close();
});

function resetProbe(): void {
  probe.written = 0;
  probe.done = false;
  probe.holdClosed = new Promise<void>((resolve) => {
    holdClosed = resolve;
  });
}

interface Recorded {
  calls: string[];
  status?: number;
  statusText?: string;
  headers?: unknown;
  chunks: Buffer[];
  error?: unknown;
  done: Promise<void>;
}

/** A legacy-shape handler recording every call; `onData` decides what onData returns. */
function legacyHandler(onData: (chunk: Buffer, recorded: Recorded) => boolean = () => true) {
  let finish: () => void = () => undefined;
  const recorded: Recorded = { calls: [], chunks: [], done: new Promise<void>((resolve) => { finish = resolve; }) };
  const handler = {
    abort: undefined as undefined | ((reason?: unknown) => void),
    resume: undefined as undefined | (() => void),
    onConnect(abort: (reason?: unknown) => void) {
      recorded.calls.push('onConnect');
      handler.abort = abort;
    },
    onHeaders(status: number, raw: Buffer[], resume: () => void, statusText: string) {
      recorded.calls.push('onHeaders');
      Object.assign(recorded, { status, statusText, headers: raw });
      handler.resume = resume;
      return true;
    },
    onData(chunk: Buffer) {
      recorded.chunks.push(chunk);
      return onData(chunk, recorded);
    },
    onComplete(trailers: unknown) {
      recorded.calls.push(`onComplete ${JSON.stringify(trailers)}`);
      finish();
    },
    onError(error: unknown) {
      recorded.calls.push('onError');
      recorded.error = error;
      finish();
    },
  };
  return { handler, recorded };
}

interface Controller {
  abort(reason?: unknown): void;
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  readonly aborted: boolean;
  readonly reason: unknown;
}

/** A handler of undici 7+'s shape recording every call; `onData` may pause through the controller. */
function newShapeHandler(onData: (chunk: Buffer, controller: Controller) => void = () => undefined) {
  let finish: () => void = () => undefined;
  const recorded: Recorded = { calls: [], chunks: [], done: new Promise<void>((resolve) => { finish = resolve; }) };
  const state: { controller?: Controller } = {};
  const handler = {
    onRequestStart(controller: Controller) {
      recorded.calls.push('onRequestStart');
      state.controller = controller;
    },
    onResponseStart(controller: Controller, status: number, headers: Record<string, string | string[]>, statusText: string) {
      recorded.calls.push('onResponseStart');
      expect(controller).toBe(state.controller);
      Object.assign(recorded, { status, statusText, headers });
    },
    onResponseData(controller: Controller, chunk: Buffer) {
      recorded.chunks.push(chunk);
      onData(chunk, controller);
    },
    onResponseEnd(_controller: Controller, trailers: unknown) {
      recorded.calls.push(`onResponseEnd ${JSON.stringify(trailers)}`);
      finish();
    },
    onResponseError(_controller: Controller, error: unknown) {
      recorded.calls.push('onResponseError');
      recorded.error = error;
      finish();
    },
  };
  return { handler, recorded, state };
}

const UPLOAD = deterministicBytes(300 * 1024, 'dispatcher upload');

describe('dispatch() with the legacy handler shape (Node 20-24 fetch, undici 5-6)', () => {
  it('hands over the status, raw header Buffers and every body byte, in order', async () => {
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded } = legacyHandler();
    expect(dispatcher.dispatch({ origin: server.url.slice(0, -1), path: '/echo?q=1', method: 'PUT',
      headers: ['X-Header', 'flat array', 'Content-Length', String(UPLOAD.length)], body: UPLOAD }, handler)).toBe(true);
    await recorded.done;
    expect(recorded.calls).toEqual(['onConnect', 'onHeaders', 'onComplete []']);
    expect(recorded.status).toBe(200);
    expect(recorded.statusText).toBe('OK');
    const raw = (recorded.headers as Buffer[]).map((b) => { expect(Buffer.isBuffer(b)).toBe(true); return b.toString('latin1'); });
    const pairs = raw.flatMap((value, i) => (i % 2 === 0 ? [[value.toLowerCase(), raw[i + 1]]] : []));
    expect(pairs.filter(([name]) => name === 'x-repeat')).toEqual([['x-repeat', 'one'], ['x-repeat', 'two']]);
    expect(pairs).toContainEqual(['x-method', 'PUT']);
    expect(pairs).toContainEqual(['x-url', '/echo?q=1']);
    expect(pairs).toContainEqual(['x-header', 'flat array']);
    expect(sha256(Buffer.concat(recorded.chunks))).toBe(sha256(UPLOAD));
    await dispatcher.close();
  });

  it('onData returning false stalls the server until resume() is called; then all 16 MiB arrive', async () => {
    resetProbe();
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded } = legacyHandler((_chunk, seen) => seen.chunks.length > 1);
    dispatcher.dispatch({ origin: server.url, path: '/slow', method: 'GET' }, handler);
    while (recorded.chunks.length === 0) await delay(20);
    await delay(700);
    const writtenWhilePaused = probe.written;
    expect(writtenWhilePaused).toBeLessThan(BIG.length / 2);
    await delay(300);
    expect(probe.written).toBe(writtenWhilePaused);
    expect(recorded.chunks).toHaveLength(1);
    handler.resume!();
    await recorded.done;
    expect(sha256(Buffer.concat(recorded.chunks))).toBe(BIG_SHA);
    expect(probe.done).toBe(true);
  });

  it('abort(reason) from the handler closes the request at once: onError gets the reason', async () => {
    resetProbe();
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded } = legacyHandler();
    dispatcher.dispatch({ origin: server.url, path: '/hold', method: 'GET' }, handler);
    while (recorded.chunks.length === 0) await delay(20);
    const reason = new Error('enough');
    handler.abort!(reason);
    await recorded.done;
    expect(recorded.error).toBe(reason);
    expect(recorded.calls).toEqual(['onConnect', 'onHeaders', 'onError']);
    await dispatcher.close();
  });
});

describe('dispatch() with the new handler shape (undici 7+, Node 26)', () => {
  it('hands over the status, headers as an object (repeated ones as arrays) and every body byte', async () => {
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded } = newShapeHandler();
    dispatcher.dispatch({ origin: new URL(server.url), path: '/echo', method: 'POST', headers: { 'x-header': 'object' },
      body: UPLOAD }, handler);
    await recorded.done;
    expect(recorded.calls).toEqual(['onRequestStart', 'onResponseStart', 'onResponseEnd {}']);
    const headers = recorded.headers as Record<string, string | string[]>;
    expect(headers['x-repeat']).toEqual(['one', 'two']);
    expect(headers['x-header']).toBe('object');
    expect(headers['x-method']).toBe('POST');
    expect(sha256(Buffer.concat(recorded.chunks))).toBe(sha256(UPLOAD));
  });

  it('controller.pause() stalls the server until controller.resume(); then all 16 MiB arrive', async () => {
    resetProbe();
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded, state } = newShapeHandler((_chunk, controller) => {
      if (recorded.chunks.length === 1) controller.pause();
    });
    dispatcher.dispatch({ origin: server.url, path: '/slow', method: 'GET' }, handler);
    while (recorded.chunks.length === 0) await delay(20);
    await delay(700);
    const writtenWhilePaused = probe.written;
    expect(state.controller!.paused).toBe(true);
    expect(writtenWhilePaused).toBeLessThan(BIG.length / 2);
    await delay(300);
    expect(probe.written).toBe(writtenWhilePaused);
    expect(recorded.chunks).toHaveLength(1);
    state.controller!.resume();
    await recorded.done;
    expect(sha256(Buffer.concat(recorded.chunks))).toBe(BIG_SHA);
  });

  it('controller.abort(reason) closes the request at once: onResponseError gets the reason', async () => {
    resetProbe();
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded, state } = newShapeHandler();
    dispatcher.dispatch({ origin: server.url, path: '/hold', method: 'GET' }, handler);
    while (recorded.chunks.length === 0) await delay(20);
    const reason = new Error('stop');
    state.controller!.abort(reason);
    await recorded.done;
    expect(recorded.error).toBe(reason);
    expect(state.controller!.aborted).toBe(true);
    expect(state.controller!.reason).toBe(reason);
  });
});

describe('the dispatcher itself', () => {
  it('close() waits for the exchange under way, then refuses new ones with InvalidStateError', async () => {
    const dispatcher = new WinHttpDispatcher();
    const first = legacyHandler();
    dispatcher.dispatch({ origin: server.url, path: '/echo', method: 'POST', body: 'in flight' }, first.handler);
    const closed = dispatcher.close();
    const later = legacyHandler();
    dispatcher.dispatch({ origin: server.url, path: '/echo', method: 'GET' }, later.handler);
    await later.recorded.done;
    expect(later.recorded.error).toBeInstanceOf(InvalidStateError);
    await closed;
    expect(first.recorded.calls).toEqual(['onConnect', 'onHeaders', 'onComplete []']);
    expect(Buffer.concat(first.recorded.chunks).toString()).toBe('in flight');
    expect(dispatcher.closed).toBe(true);
  });

  it('destroy(error) aborts the exchanges under way with that error and closes their requests', async () => {
    resetProbe();
    const dispatcher = new WinHttpDispatcher();
    const { handler, recorded } = legacyHandler();
    dispatcher.dispatch({ origin: server.url, path: '/hold', method: 'GET' }, handler);
    while (recorded.chunks.length === 0) await delay(20);
    const error = new Error('shutting down');
    await dispatcher.destroy(error);
    expect(recorded.error).toBe(error);
    expect(dispatcher.destroyed).toBe(true);
  });

  itUnlessWine('a request closed with a read pending ends only at the receive timeout (docs/wine.md)',
    'an abort from either handler shape and destroy() close the connection: the server sees its socket close', async () => {
      const dispatcher = new WinHttpDispatcher();
      const stops: Array<(handler: Record<string, unknown>, controller: Controller | undefined) => void> = [
        (handler) => (handler.abort as (reason: unknown) => void)(new Error('legacy abort')),
        (_handler, controller) => controller!.abort(new Error('controller abort')),
        () => void dispatcher.destroy(new Error('destroyed')),
      ];
      for (const [i, stop] of stops.entries()) {
        resetProbe();
        const { handler, recorded, state } = i === 1 ? newShapeHandler() : { ...legacyHandler(), state: undefined };
        dispatcher.dispatch({ origin: server.url, path: '/hold', method: 'GET' }, handler);
        while (recorded.chunks.length === 0) await delay(20);
        stop(handler as Record<string, unknown>, state?.controller);
        await recorded.done;
        await probe.holdClosed;
      }
    });

  it('refuses upgrade and CONNECT (WinHTTP gives no raw socket) through the handler, before any request', async () => {
    const dispatcher = new WinHttpDispatcher();
    for (const opts of [{ upgrade: 'websocket', method: 'GET' }, { method: 'CONNECT' }]) {
      const { handler, recorded } = legacyHandler();
      dispatcher.dispatch({ origin: server.url, path: '/echo', ...opts }, handler);
      await recorded.done;
      expect(recorded.calls).toEqual(['onConnect', 'onError']);
      expect(recorded.error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
      expect(String((recorded.error as Error).message)).toContain('upgrade');
    }
  });

  it('refuses the per-dispatch timeouts undici would honour (headersTimeout, bodyTimeout) through the handler, naming them', async () => {
    const dispatcher = new WinHttpDispatcher();
    for (const name of ['headersTimeout', 'bodyTimeout']) {
      const { handler, recorded } = legacyHandler();
      dispatcher.dispatch({ origin: server.url, path: '/echo', method: 'GET', [name]: 1000 }, handler);
      await recorded.done;
      expect(recorded.calls).toEqual(['onConnect', 'onError']);
      expect(recorded.error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
      expect(String((recorded.error as Error).message)).toContain(`options.${name}`);
    }
  });

  it('options are request()\'s, checked: unknown ones and the ones dispatch options carry are refused by name', () => {
    expect(() => new WinHttpDispatcher({ connections: 4 } as never)).toThrow(/"connections"/);
    expect(() => new WinHttpDispatcher({ method: 'GET' } as never)).toThrow(/"method"/);
    expect(() => new WinHttpDispatcher({ headers: {} } as never)).toThrow(/"headers"/);
  });

  it('its session option is used: the session\'s User-Agent reaches the server', async () => {
    const session = new Session({ userAgent: 'dispatcher-session/1' });
    const dispatcher = new WinHttpDispatcher({ session });
    const { handler, recorded } = legacyHandler();
    dispatcher.dispatch({ origin: server.url, path: '/echo', method: 'GET' }, handler);
    await recorded.done;
    const raw = (recorded.headers as Buffer[]).map((b) => b.toString('latin1'));
    expect(raw[raw.findIndex((name) => name.toLowerCase() === 'x-user-agent') + 1]).toBe('dispatcher-session/1');
    session.close();
  });

  it('setGlobalDispatcher refuses what is not a Dispatcher, and sets both global slots', () => {
    expect(() => setGlobalDispatcher({} as never)).toThrow(TypeError);
    const before = getGlobalDispatcher();
    const dispatcher = new WinHttpDispatcher();
    setGlobalDispatcher(dispatcher);
    try {
      expect(getGlobalDispatcher()).toBe(dispatcher);
      expect((globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.2')]).toBe(dispatcher);
    } finally {
      if (before !== undefined) setGlobalDispatcher(before as WinHttpDispatcher);
    }
  });
});

describe('undici over the dispatcher (undici 6 from devDependencies, tests only)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');

  it('undici.request() reads status, headers and every byte through WinHTTP', async () => {
    const dispatcher = new WinHttpDispatcher();
    const res = await undici.request(`${server.url}echo`, { method: 'POST', body: UPLOAD, dispatcher: dispatcher as never });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-repeat']).toEqual(['one', 'two']);
    expect(sha256(Buffer.from(await res.body.arrayBuffer()))).toBe(sha256(UPLOAD));
  });

  it('compose() runs undici\'s redirect interceptor, which dispatches the second hop through us', async () => {
    const dispatcher = new WinHttpDispatcher();
    let dispatched = 0;
    const counting = (dispatch: WinHttpDispatcher['dispatch']): WinHttpDispatcher['dispatch'] => (opts, handler) => {
      dispatched += 1;
      return dispatch(opts, handler);
    };
    const composed = dispatcher.compose(counting, undici.interceptors.redirect({ maxRedirections: 2 }) as never);
    const res = await undici.request(`${server.url}redirect`, { dispatcher: composed as never });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-url']).toBe('/echo?redirected=1');
    await res.body.dump();
    expect(dispatched).toBe(2);
  });
});

describe('fetch(): the response body is pulled only as it is read', () => {
  it('an unread body stalls the server; reading it brings all 16 MiB', async () => {
    resetProbe();
    const res = await fetch(`${server.url}slow`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    await delay(700);
    const writtenWhilePaused = probe.written;
    expect(writtenWhilePaused).toBeLessThan(BIG.length / 2);
    await delay(300);
    expect(probe.written).toBe(writtenWhilePaused);
    const chunks = [Buffer.from(first.value!)];
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(Buffer.from(next.value));
    expect(sha256(Buffer.concat(chunks))).toBe(BIG_SHA);
    expect(probe.done).toBe(true);
  });

  it('init.winhttp passes request()\'s options through (session, timeout) and refuses unknown ones by name', async () => {
    const session = new Session({ userAgent: 'fetch-session/1' });
    const res = await fetch(`${server.url}echo`, { winhttp: { session } });
    expect(res.headers.get('x-user-agent')).toBe('fetch-session/1');
    session.close();
    const unknown = await rejectionOf(fetch(`${server.url}echo`, { winhttp: { agent: {} } as never }));
    expect(unknown).toBeInstanceOf(TypeError);
    expect(unknown.message).toContain('"agent"');
    expect(unknown.message).toContain('init.winhttp');
    const owned = await rejectionOf(fetch(`${server.url}echo`, { winhttp: { redirect: 'manual' } as never }));
    expect(owned.message).toContain('"redirect" (give it as init.redirect)');
    const dispatcher = await rejectionOf(fetch(`${server.url}echo`, { dispatcher: new WinHttpDispatcher() } as never));
    expect(dispatcher).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
    expect(dispatcher.message).toContain('init.dispatcher');
    // `timeout` reaches WinHTTP: a head that never comes fails the fetch after 300 ms, not after the 90 s default
    // (which would outlast jest's test timeout). Whichever stage a loaded machine is in when it fires, it is a timeout.
    const silent = await rejectionOf(fetch(`${server.url}silent`, { winhttp: { timeout: 300 } }));
    expect(silent).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(silent.cause).toMatchObject({ name: 'WinHttpError', isTimeout: true });
    // A timeout while the body streams is undici's 'terminated'. Only the body's stage is short (the session's
    // per-stage timeouts; the head keeps 90 s), so a head slow to arrive on a loaded machine cannot fire it first.
    const bodyOnly = new Session({ timeouts: { receive: 300 } });
    const timedOut = await rejectionOf(fetch(`${server.url}hold`, { winhttp: { session: bodyOnly } }).then((r) => r.arrayBuffer()));
    bodyOnly.close();
    expect(timedOut).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(timedOut.cause).toMatchObject({ name: 'WinHttpError', isTimeout: true });
  });
});

