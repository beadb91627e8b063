// The WebSocket's native state machine against the contract double's WebSocket handles (double_websocket.h): plain,
// and under ASan/TSan with the same tests. The double's server echoes, answers close frames, closes on "close:<code>"
// and goes silent on "stall"; it reads and writes the addon's buffers only at completion time on pool threads, so a
// buffer freed or reused before its completion is a sanitizer report. useContractDouble() checks after each test that
// no handle, task, native state or violation is left.
import { Session, WebSocket, WinHttpError, type WebSocketCloseEvent, type WebSocketErrorEvent } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';
import { sessionsClosedAfterEach } from './helpers/sessions';

// Before useContractDouble(): the session is closed before its release check runs.
const newSession = sessionsClosedAfterEach();
useContractDouble();

let session: Session;
beforeEach(() => {
  contractDouble().setScenario({ routes: { '/ws': { status: 101, statusText: 'Switching Protocols' } } });
  session = newSession();
});

function open(url = 'ws://double.test/ws'): Promise<WebSocket> {
  const ws = new WebSocket(url, { session });
  ws.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onclose = (event) => reject(new Error(`closed: ${(event as WebSocketCloseEvent).code}`));
  });
}

const closed = (ws: WebSocket) =>
  new Promise<WebSocketCloseEvent>((resolve) => (ws.onclose = (event) => resolve(event as WebSocketCloseEvent)));

it('echoes text and binary, a message larger than the receive buffer reassembled from its fragments', async () => {
  const ws = await open();
  const big = Buffer.alloc(200 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 255;
  const iterator = ws.messages();
  ws.send('héllo ✓');
  ws.send(big);
  expect((await iterator.next()).value).toBe('héllo ✓');
  expect((await iterator.next()).value).toEqual(big);
  const done = closed(ws);
  ws.close(4000, 'bye');
  expect(await done).toMatchObject({ code: 4000, reason: 'bye', wasClean: true });
});

it('keeps each send buffer until its WRITE_COMPLETE: 300 queued messages arrive whole and in order', async () => {
  const ws = await open();
  const iterator = ws.messages();
  for (let i = 0; i < 300; i++) ws.send(`message ${i} ${'x'.repeat(i)}`);
  for (let i = 0; i < 300; i++) expect((await iterator.next()).value).toBe(`message ${i} ${'x'.repeat(i)}`);
  const done = closed(ws);
  ws.close();
  expect((await done).wasClean).toBe(true);
});

it('a close the server starts is answered with WinHttpWebSocketClose, clean', async () => {
  const ws = await open();
  const done = closed(ws);
  ws.send('close:4001');
  expect(await done).toMatchObject({ code: 4001, reason: 'server close', wasClean: true });
});

it('terminate() during a pending receive: the receive is cancelled, HANDLE_CLOSING last, nothing left', async () => {
  const ws = await open();
  const done = closed(ws);
  ws.send('stall');
  await ws.drained();
  ws.terminate();
  expect(await done).toMatchObject({ code: 1006, wasClean: false });
});

it('terminate() with a send in flight releases its buffer only at HANDLE_CLOSING', async () => {
  const ws = await open();
  const done = closed(ws);
  ws.send(Buffer.alloc(64 * 1024, 1));
  ws.terminate();
  expect((await done).code).toBe(1006);
});

it('close() while the server is silent times out (closeTimeout) and aborts', async () => {
  const ws = new WebSocket('ws://double.test/ws', { session, closeTimeout: 50 });
  await new Promise((resolve) => (ws.onopen = resolve));
  ws.send('stall');
  const done = closed(ws);
  ws.close();
  expect(await done).toMatchObject({ code: 1006, wasClean: false });
});

it('an upgrade answered without 101 fails with WebSocketHandshakeError, no WebSocket handle made', async () => {
  contractDouble().setScenario({ routes: { '/ws': { status: 200, body: 'no' } } });
  const ws = new WebSocket('ws://double.test/ws', { session });
  const error = new Promise<Error>((resolve) => (ws.onerror = (event) => resolve((event as WebSocketErrorEvent).error)));
  const done = closed(ws);
  expect((await error).name).toBe('WebSocketHandshakeError');
  expect((await done).code).toBe(1006);
});

it('a send that WinHTTP refuses reaches onerror as a WinHttpError naming WinHttpWebSocketSend', async () => {
  const ws = await open();
  contractDouble().setScenario({ failCalls: [{ api: 'WinHttpWebSocketSend', error: 12030 }],
    routes: { '/ws': { status: 101 } } });
  expect(() => ws.send('x')).not.toThrow();
  const error = await new Promise<Error>((resolve) => (ws.onerror = (event) => resolve((event as WebSocketErrorEvent).error)));
  expect(error).toBeInstanceOf(WinHttpError);
  expect((error as WinHttpError).api).toBe('WinHttpWebSocketSend');
});

it('a message larger than maxMessageSize fails the connection with WebSocketProtocolError (1009)', async () => {
  const ws = new WebSocket('ws://double.test/ws', { session, maxMessageSize: 100_000 });
  await new Promise((resolve) => (ws.onopen = resolve));
  const error = new Promise<Error>((resolve) => (ws.onerror = (event) => resolve((event as WebSocketErrorEvent).error)));
  const done = closed(ws);
  ws.send(Buffer.alloc(100_001));
  expect(await error).toMatchObject({ name: 'WebSocketProtocolError', closeCode: 1009 });
  expect((await done).code).toBe(1006);
});
