// AbortSignal with request(): an already-aborted signal never reaches the server; aborting while waiting for the
// response head rejects at once (long before the timeout); aborting while the body streams destroys the body with
// AbortError. Every AbortError has name 'AbortError' and code 'ABORT_ERR', like Node's own.
import type * as net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { request } from '../../lib';
import { rejectionOf, settlesBeforeNextMacrotask, streamError } from '../helpers/assertions';
import { type TestServer, readRequestHead, startRawServer } from '../helpers/servers';

type Failure = Error & Record<string, unknown>;

function expectAbortError(error: Failure): void {
  expect(error.name).toBe('AbortError');
  expect(error.code).toBe('ABORT_ERR');
  expect(error.message).toBe('The operation was aborted');
}

let server: TestServer;
/** Request heads received, in order. */
const heads: string[] = [];
const headWaiters: Array<() => void> = [];

function nextHead(): Promise<void> {
  return new Promise((resolve) => headWaiters.push(resolve));
}

beforeAll(async () => {
  server = await startRawServer((socket: net.Socket) => {
    void readRequestHead(socket).then((head) => {
      heads.push(head);
      const path = head.split(' ')[1];
      if (path === '/partial') {
        // Headers and the first 64 KiB of 1 MiB, then nothing more: the body can only end by abort.
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n');
        socket.write(Buffer.alloc(64 * 1024, 0x61));
      } else if (path === '/complete') {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
      }
      // Anything else (/hang) is never answered.
      headWaiters.shift()?.();
    }, () => undefined);
  });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  heads.length = 0;
});

describe('an already-aborted signal', () => {
  it('rejects with AbortError and never reaches the server', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = server.connections;
    const error = await rejectionOf(request(server.url + 'complete', { signal: controller.signal }));
    expectAbortError(error);
    await delay(100);
    expect(server.connections).toBe(before);
    expect(heads).toEqual([]);
  });

  it('rejects with AbortError carrying the abort reason, caused by OPERATION_CANCELLED', async () => {
    const reason = new Error('stopped by the test');
    const before = server.connections;
    const error = await rejectionOf(request(server.url + 'complete', { signal: AbortSignal.abort(reason) }));
    expectAbortError(error);
    // The cause is WinHTTP's report of the cancelled call (issue #3); the signal's reason rides along.
    expect(error.reason).toBe(reason);
    expect(error.cause).toMatchObject({ name: 'WinHttpError', code: 'ERROR_WINHTTP_OPERATION_CANCELLED', errno: 12017 });
    expect((error.cause as { cause?: unknown }).cause).toBe(reason);
    await delay(100);
    expect(server.connections).toBe(before);
  });
});

describe('aborting while waiting for the response head', () => {
  it('rejects promptly, well before the timeout, with AbortError', async () => {
    const controller = new AbortController();
    const arrived = nextHead();
    const pending = request(server.url + 'hang', { signal: controller.signal, timeout: 2000 });
    await arrived; // the request is at the server: WinHTTP now waits for the head
    await delay(100);
    const reason = new Error('no more waiting');
    controller.abort(reason);
    // Settled by the abort itself, not by WinHTTP: the server never answers, and Wine's HANDLE_CLOSING for this
    // request waits for the 2 s timeout.
    expect(await settlesBeforeNextMacrotask(pending)).toBe(true);
    const error = await rejectionOf(pending);
    expectAbortError(error);
    // The cause is WinHTTP's report of the cancelled call (issue #3); the signal's reason rides along.
    expect(error.reason).toBe(reason);
    expect(error.cause).toMatchObject({ name: 'WinHttpError', code: 'ERROR_WINHTTP_OPERATION_CANCELLED', errno: 12017 });
    expect((error.cause as { cause?: unknown }).cause).toBe(reason);
    expect(heads).toHaveLength(1);
    expect(heads[0]).toMatch(/^GET \/hang HTTP\/1\.1\r\n/);
  });
});

describe('aborting while the body streams', () => {
  it('destroys the body stream with AbortError', async () => {
    const controller = new AbortController();
    const res = await request(server.url + 'partial', { signal: controller.signal, timeout: 2000 });
    expect(res.status).toBe(200);
    const body = res.body;
    let received = 0;
    const first = new Promise<void>((resolve) => {
      body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        resolve();
      });
    });
    const errored = streamError(body);
    await first;
    await delay(100);
    controller.abort();
    // The server sends nothing more, so only the abort can end the body: at once, without waiting for WinHTTP.
    expect(await settlesBeforeNextMacrotask(errored)).toBe(true);
    const error = await errored;
    expectAbortError(error);
    expect(body.destroyed).toBe(true);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThanOrEqual(64 * 1024);
  });

  it('buffer() rejects with AbortError', async () => {
    const controller = new AbortController();
    const res = await request(server.url + 'partial', { signal: controller.signal, timeout: 2000 });
    const pending = res.buffer();
    setTimeout(() => controller.abort(), 100);
    expectAbortError(await rejectionOf(pending));
  });
});

describe('aborting while a streamed body is being sent', () => {
  it('rejects promptly with AbortError', async () => {
    const controller = new AbortController();
    // The second part comes only when the test releases it: an abort that waited for the caller's iterator would
    // never settle before that.
    let askedForSecond!: () => void;
    const secondAsked = new Promise<void>((resolve) => (askedForSecond = resolve));
    let releaseSecond!: () => void;
    const secondReleased = new Promise<void>((resolve) => (releaseSecond = resolve));
    async function* heldBody(): AsyncGenerator<string> {
      yield 'first part, ';
      askedForSecond();
      await secondReleased;
      yield 'second part';
    }
    const pending = request(server.url + 'hang', {
      method: 'POST', body: heldBody(), signal: controller.signal, timeout: 2000,
    });
    // Chunked (no contentLength): the next part is asked for only once WinHTTP has written the last, so from here
    // no WinHTTP call is pending and the request waits on the caller's iterator alone.
    await secondAsked;
    controller.abort();
    try {
      expect(await settlesBeforeNextMacrotask(pending)).toBe(true);
    } finally {
      releaseSecond();
    }
    const error = await rejectionOf(pending);
    expectAbortError(error);
  });
});

describe('aborting after the exchange is over', () => {
  it('changes nothing', async () => {
    const controller = new AbortController();
    const res = await request(server.url + 'complete', { signal: controller.signal });
    expect(await res.text()).toBe('hello');
    controller.abort();
    await delay(50);
    expect(res.body.errored).toBeNull();
  });
});
