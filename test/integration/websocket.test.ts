// WebSocket over WinHTTP against the `ws` package's server (test/helpers/ws-loopback-server.ts, in a process of its
// own, started once for this file): ws:// and wss://, text and binary checked byte for byte, fragments, 1 MiB
// messages, 1,000 messages each way, ping/pong, both close handshakes, an abrupt close, subprotocols, headers,
// options refused by name, backpressure both ways, and wss:// through a real proxy (tinyproxy) where it can run.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { Session, WebSocket, WebSocketBufferFullError, WebSocketHandshakeError, WinHttpError, liveNativeRequests,
  type WebSocketCloseEvent, type WebSocketErrorEvent } from '../../lib';
import { type Tinyproxy, startTinyproxy, tinyproxyRunnable } from '../helpers/tinyproxy';
import { expectSuiteCaTrusted } from '../helpers/trusted-ca';
import { itUnlessWine } from '../helpers/wine';
import { type WsServer, startWsServer } from '../helpers/ws-server';

// Measured with Wine 8 (docs/wine.md).
const WINE_PING = 'its WinHttpWebSocketReceive fails with 12152 on a ping frame instead of answering it with a pong';
const WINE_NO_HANDLE_CLOSING = 'it sends no HANDLE_CLOSING for a closed WebSocket handle, nor for the request it was ' +
  'upgraded from';

let server: WsServer;
let nativeBefore: number;

beforeAll(async () => {
  expectSuiteCaTrusted();
  server = await startWsServer();
  nativeBefore = liveNativeRequests();
});

afterAll(async () => {
  await server?.close();
});

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('close', (event) => reject(new Error(`closed before open: ${(event as WebSocketCloseEvent).code}`)), { once: true });
  });
}

function closed(ws: WebSocket): Promise<WebSocketCloseEvent> {
  return new Promise((resolve) => ws.addEventListener('close', (event) => resolve(event as WebSocketCloseEvent), { once: true }));
}

// The next `count` messages (MessageEvent data).
function nextMessages(ws: WebSocket, count: number): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const seen: unknown[] = [];
    const onMessage = (event: Event) => {
      seen.push((event as MessageEvent).data);
      if (seen.length === count) {
        ws.removeEventListener('message', onMessage);
        resolve(seen);
      }
    };
    ws.addEventListener('message', onMessage);
    ws.addEventListener('close', () => reject(new Error(`closed after ${seen.length} of ${count} messages`)), { once: true });
  });
}

async function closeCleanly(ws: WebSocket): Promise<void> {
  const done = closed(ws);
  ws.close();
  expect((await done).wasClean).toBe(true);
}

async function nativeReleased(): Promise<void> {
  for (let waited = 0; liveNativeRequests() !== nativeBefore && waited < 5000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(liveNativeRequests()).toBe(nativeBefore);
}

describe.each([
  ['ws://', () => server.url],
  ['wss://', () => server.secureUrl],
])('%s', (_scheme, base) => {
  it('echoes text and binary messages byte for byte, with WHATWG readyState, protocol and extensions', async () => {
    const ws = new WebSocket(`${base()}/echo`);
    ws.binaryType = 'arraybuffer';
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    await opened(ws);
    expect([ws.readyState, ws.protocol, ws.extensions]).toEqual([WebSocket.OPEN, '', '']);
    const binary = randomBytes(300);
    const echoes = nextMessages(ws, 2);
    ws.send('héllo ✓ 🌍');
    ws.send(binary);
    const [text, bytes] = await echoes;
    expect(text).toBe('héllo ✓ 🌍');
    expect(Buffer.from(bytes as ArrayBuffer).equals(binary)).toBe(true);
    await closeCleanly(ws);
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  it('sends and receives 1 MiB messages, every byte checked', async () => {
    const ws = new WebSocket(`${base()}/echo`);
    ws.binaryType = 'arraybuffer';
    await opened(ws);
    const payload = randomBytes(1024 * 1024);
    const echo = nextMessages(ws, 1);
    ws.send(payload);
    expect(ws.bufferedAmount).toBe(payload.byteLength);
    const [received] = await echo;
    expect(Buffer.from(received as ArrayBuffer).equals(payload)).toBe(true);
    expect(ws.bufferedAmount).toBe(0);
    await closeCleanly(ws);
  });
});

describe('messages', () => {
  it('receives a 1 MiB message the server makes, every byte as the pattern says', async () => {
    const ws = new WebSocket(`${server.url}/big?n=${1024 * 1024}`);
    const iterator = ws.messages();
    await opened(ws);
    ws.send('go');
    const { value } = await iterator.next();
    const bytes = value as Buffer;
    expect(bytes.byteLength).toBe(1024 * 1024);
    const wrong = bytes.findIndex((byte, i) => byte !== ((i * 31 + 7) & 255));
    expect(wrong).toBe(-1);
    await closeCleanly(ws);
  });

  it('sends 1,000 small messages and gets each back in order', async () => {
    const ws = new WebSocket(`${server.url}/echo`);
    await opened(ws);
    const echoes = nextMessages(ws, 1000);
    for (let i = 0; i < 1000; i++) ws.send(`message ${i}`);
    expect(await echoes).toEqual(Array.from({ length: 1000 }, (_, i) => `message ${i}`));
    await closeCleanly(ws);
  });

  it('receives 1,000 small messages in order through the async iterator', async () => {
    const ws = new WebSocket(`${server.url}/flood?n=1000`);
    const received: string[] = [];
    const reading = (async () => {
      for await (const message of ws) {
        received.push(message as string);
        if (received.length === 1000) break;
      }
    })();
    await opened(ws);
    ws.send('go');
    await reading;
    expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    await closeCleanly(ws);
  });

  it('reassembles fragmented text and binary messages', async () => {
    const ws = new WebSocket(`${server.url}/fragments`);
    ws.binaryType = 'arraybuffer';
    await opened(ws);
    const messages = nextMessages(ws, 2);
    ws.send('go');
    const [text, binary] = await messages;
    expect(text).toBe('fragmented ✓');
    expect([...new Uint8Array(binary as ArrayBuffer)]).toEqual([1, 2, 3, 4, 5, 6]);
    await closeCleanly(ws);
  });

  itUnlessWine(WINE_PING, 'answers the server\'s ping with a pong carrying its payload', async () => {
    const ws = new WebSocket(`${server.url}/ping`);
    const [message] = await nextMessages(ws, 1);
    expect(message).toBe('pong:p1');
    await closeCleanly(ws);
  });

  it('delivers binary messages as Blobs by default (WHATWG binaryType "blob")', async () => {
    const ws = new WebSocket(`${server.url}/echo`);
    await opened(ws);
    const echo = nextMessages(ws, 1);
    ws.send(new Uint8Array([9, 8, 7]));
    const [blob] = await echo;
    expect(blob).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (blob as Blob).arrayBuffer())]).toEqual([9, 8, 7]);
    await closeCleanly(ws);
  });
});

describe('closing', () => {
  it('close(code, reason): the server answers with the same code and reason, clean', async () => {
    const ws = new WebSocket(`${server.url}/echo`);
    await opened(ws);
    const done = closed(ws);
    ws.close(4000, 'bye ✓');
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    const event = await done;
    expect([event.code, event.reason, event.wasClean]).toEqual([4000, 'bye ✓', true]);
  });

  it('a close the server starts reaches onclose with its code and reason', async () => {
    const ws = new WebSocket(`${server.url}/close?code=4001&reason=server%20bye`);
    await opened(ws);
    const done = new Promise<WebSocketCloseEvent>((resolve) => (ws.onclose = (event) => resolve(event as WebSocketCloseEvent)));
    ws.send('close now');
    const event = await done;
    expect([event.code, event.reason, event.wasClean]).toEqual([4001, 'server bye', true]);
  });

  it('a server that drops the connection: error with the WinHttpWebSocketReceive failure, then close 1006', async () => {
    const ws = new WebSocket(`${server.url}/abrupt`);
    const iterator = ws.messages();
    await opened(ws);
    const error = new Promise<WebSocketErrorEvent>((resolve) => (ws.onerror = (event) => resolve(event as WebSocketErrorEvent)));
    const done = closed(ws);
    ws.send('drop me');
    const failure = (await error).error;
    expect(failure).toBeInstanceOf(WinHttpError);
    expect((failure as WinHttpError).api).toBe('WinHttpWebSocketReceive');
    const event = await done;
    expect([event.code, event.wasClean]).toEqual([1006, false]);
    await expect(iterator.next()).rejects.toBe(failure);
  });

  it('terminate() closes at once (1006)', async () => {
    const ws = new WebSocket(`${server.url}/echo`);
    await opened(ws);
    const done = closed(ws);
    ws.terminate();
    expect([(await done).code, ws.readyState]).toEqual([1006, WebSocket.CLOSED]);
  });

  itUnlessWine(WINE_NO_HANDLE_CLOSING, 'the native state of closed and terminated WebSockets is released', async () => {
    const clean = new WebSocket(`${server.url}/echo`);
    await opened(clean);
    await closeCleanly(clean);
    const cut = new WebSocket(`${server.url}/echo`);
    await opened(cut);
    const done = closed(cut);
    cut.terminate();
    await done;
    await nativeReleased();
  });

  it('an AbortSignal aborts the open WebSocket', async () => {
    const controller = new AbortController();
    const ws = new WebSocket(`${server.url}/echo`, { signal: controller.signal });
    await opened(ws);
    const done = closed(ws);
    controller.abort();
    expect((await done).code).toBe(1006);
  });
});

describe('the upgrade', () => {
  it('offers subprotocols and reports the one chosen', async () => {
    const ws = new WebSocket(`${server.url}/protocols`, ['chat.v1', 'chat.v2']);
    const [offered] = await nextMessages(ws, 1);
    expect(offered).toBe('chat.v1, chat.v2');
    expect(ws.protocol).toBe('chat.v2');
    await closeCleanly(ws);
  });

  it('fails when the server picks a subprotocol that was not offered', async () => {
    const ws = new WebSocket(`${server.url}/wrong-protocol`, ['chat.v1']);
    const error = new Promise<WebSocketErrorEvent>((resolve) => (ws.onerror = (event) => resolve(event as WebSocketErrorEvent)));
    const done = closed(ws);
    expect((await error).error).toBeInstanceOf(WebSocketHandshakeError);
    expect((await done).code).toBe(1006);
  });

  it('sends the caller\'s headers with the upgrade', async () => {
    const ws = new WebSocket(`${server.url}/headers`, { headers: { 'X-Test': 'yes ok' } });
    const [json] = await nextMessages(ws, 1);
    expect(JSON.parse(json as string)['x-test']).toBe('yes ok');
    await closeCleanly(ws);
  });

  it('fails with 1006 and a WinHttpError where nothing listens', async () => {
    const ws = new WebSocket('ws://127.0.0.1:1/echo', { timeout: 5000 });
    const error = new Promise<WebSocketErrorEvent>((resolve) => (ws.onerror = (event) => resolve(event as WebSocketErrorEvent)));
    const done = closed(ws);
    expect((await error).error).toBeInstanceOf(WinHttpError);
    expect((await done).code).toBe(1006);
  });
});

describe('input', () => {
  it('refuses unknown options by name, and reserved headers', () => {
    expect(() => new WebSocket(`${server.url}/echo`, { bogus: 1 } as never)).toThrow(/bogus/);
    expect(() => new WebSocket(`${server.url}/echo`, { headers: { 'Sec-WebSocket-Key': 'x' } })).toThrow(TypeError);
    expect(() => new WebSocket('ftp://127.0.0.1/x')).toThrow(/scheme/);
  });

  it('send() before open is an InvalidStateError; close() checks its code and reason', async () => {
    const ws = new WebSocket(`${server.url}/echo`);
    expect(() => ws.send('early')).toThrow(expect.objectContaining({ name: 'InvalidStateError' }));
    await opened(ws);
    expect(() => ws.close(1001)).toThrow(expect.objectContaining({ name: 'InvalidAccessError' }));
    expect(() => ws.close(1000, 'x'.repeat(124))).toThrow(expect.objectContaining({ name: 'SyntaxError' }));
    await closeCleanly(ws);
  });

  it('backpressure: send() past maxBufferedAmount throws, and drained() says when to go on', async () => {
    const ws = new WebSocket(`${server.url}/echo`, { maxBufferedAmount: 100_000 });
    await opened(ws);
    // Before the first send: the first echo may be dispatched while drained() is awaited.
    ws.binaryType = 'arraybuffer';
    const echoes = nextMessages(ws, 2);
    ws.send(Buffer.alloc(60_000, 1));
    expect(() => ws.send(Buffer.alloc(60_000, 2))).toThrow(WebSocketBufferFullError);
    await ws.drained();
    expect(ws.bufferedAmount).toBe(0);
    ws.send(Buffer.alloc(60_000, 3));
    const [first, second] = (await echoes).map((data) => Buffer.from(data as ArrayBuffer));
    expect(first.equals(Buffer.alloc(60_000, 1))).toBe(true);
    expect(second.equals(Buffer.alloc(60_000, 3))).toBe(true);
    await closeCleanly(ws);
  });
});

describe('receive backpressure (maxQueuedAmount)', () => {
  const LIMIT = 1024 * 1024;
  const SIZE = 64 * 1024;
  // Receiving pauses after the message that takes the iterator's queue past LIMIT: 17 of them wait.
  const PAUSED_AT = LIMIT + SIZE;

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function until(what: string, condition: () => boolean): Promise<void> {
    for (let waited = 0; !condition(); waited += 20) {
      if (waited > 20_000) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  // The server's side of /flow (ws-loopback-server.ts): messages handed to the kernel, bytes ws still holds.
  function flowStatus(id: string): Promise<{ flushed: number; bufferedAmount: number }> {
    return new Promise((resolve, reject) => {
      http.get(`http://127.0.0.1:${server.port}/flow-status?id=${id}`, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(JSON.parse(body) as { flushed: number; bufferedAmount: number }));
      }).on('error', reject);
    });
  }

  // The server's status once it stops changing (its socket full, or everything sent).
  async function settledFlowStatus(id: string): Promise<{ flushed: number; bufferedAmount: number }> {
    let last = await flowStatus(id);
    for (let waited = 0; waited < 20_000; waited += 250) {
      await sleep(250);
      const now = await flowStatus(id);
      if (now.flushed === last.flushed && now.bufferedAmount === last.bufferedAmount) return now;
      last = now;
    }
    throw new Error('the server\'s sends never settled');
  }

  function expectFlowMessage(message: unknown, i: number): void {
    const bytes = message as Buffer;
    expect(bytes.byteLength).toBe(SIZE);
    expect(bytes.findIndex((byte, j) => byte !== ((i * 31 + j * 7) & 255))).toBe(-1);
  }

  // `count` messages of SIZE bytes sent at once to an iterator that does not read; resolves once receiving paused.
  async function pausedFlow(id: string, count: number) {
    const ws = new WebSocket(`${server.url}/flow?n=${count}&size=${SIZE}&id=${id}`, { maxQueuedAmount: LIMIT });
    const iterator = ws.messages();
    await opened(ws);
    ws.send('go');
    await until('the pause', () => ws.queuedAmount >= PAUSED_AT);
    return { ws, iterator };
  }

  it('an iterator that stops reading: receiving stops past the limit, the server\'s sends stall, then every message arrives in order', async () => {
    const count = 512; // 32 MiB: more than the loopback socket buffers on both sides hold
    const { ws, iterator } = await pausedFlow('slow', count);
    const sender = await settledFlowStatus('slow');
    expect(ws.queuedAmount).toBe(PAUSED_AT);
    expect(sender.flushed).toBeLessThan(count);
    expect(sender.bufferedAmount).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) expectFlowMessage((await iterator.next()).value, i);
    expect(ws.queuedAmount).toBe(0);
    expect(await settledFlowStatus('slow')).toEqual({ flushed: count, bufferedAmount: 0 });
    await closeCleanly(ws);
  });

  it('close() while paused completes the handshake (clean, 1000); the messages queued before still come out', async () => {
    const { ws, iterator } = await pausedFlow('close', 64);
    const done = closed(ws);
    ws.close();
    expect([(await done).code, (await done).wasClean]).toEqual([1000, true]);
    for (let i = 0; i < PAUSED_AT / SIZE; i++) expectFlowMessage((await iterator.next()).value, i);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('terminate() while paused closes at once (1006); the messages queued before still come out', async () => {
    const { ws, iterator } = await pausedFlow('terminate', 64);
    const done = closed(ws);
    ws.terminate();
    expect([(await done).code, ws.readyState]).toEqual([1006, WebSocket.CLOSED]);
    for (let i = 0; i < PAUSED_AT / SIZE; i++) expectFlowMessage((await iterator.next()).value, i);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});

(tinyproxyRunnable ? describe : describe.skip)('through tinyproxy', () => {
  let proxy: Tinyproxy;
  let session: Session;
  beforeAll(async () => {
    proxy = await startTinyproxy();
    session = new Session({ proxy: proxy.address });
  });
  afterAll(async () => {
    session?.close();
    await proxy?.close();
  });

  it('wss:// goes through the session\'s proxy (CONNECT), every byte echoed', async () => {
    const ws = new WebSocket(`${server.secureUrl}/echo`, { session });
    ws.binaryType = 'arraybuffer';
    await opened(ws);
    const payload = randomBytes(70_000);
    const echo = nextMessages(ws, 1);
    ws.send(payload);
    expect(Buffer.from((await echo)[0] as ArrayBuffer).equals(payload)).toBe(true);
    await closeCleanly(ws);
    expect(proxy.requests()).toContain(`CONNECT localhost:${server.securePort} HTTP/1.1`);
  });
});
