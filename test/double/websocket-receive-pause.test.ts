// Receive-side backpressure against the contract double: while an iterator holds more than maxQueuedAmount bytes
// of unread messages no WinHttpWebSocketReceive is issued (the double counts the calls), each message taken below
// the limit issues exactly one, and closing, terminating, the server's close and a failing receive all work from
// the pause. The double's server sends "flood:<n>:<size>" messages: message i's byte j is (i * 31 + j * 7) & 255.
// Plain, ASan and TSan run these; useContractDouble() checks that nothing is left after each.
import { Session, WebSocket, WinHttpError, type WebSocketCloseEvent, type WebSocketMessage } from '../../lib';
import { contractDouble, useContractDouble } from './helpers/contract-double';
import { sessionsClosedAfterEach } from './helpers/sessions';

const newSession = sessionsClosedAfterEach();
useContractDouble();

const SIZE = 1000;
const LIMIT = 3000;
// The receive after the 4th message would take the queue past LIMIT: 4000 bytes wait when receiving pauses.
const PAUSED_AT = 4000;

let session: Session;
beforeEach(() => {
  contractDouble().setScenario({ routes: { '/ws': { status: 101, statusText: 'Switching Protocols' } } });
  session = newSession();
});

const receives = () => contractDouble().stats().webSocketReceives;

async function waitFor(what: string, condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 2) {
    if (waited > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function open(options: { maxQueuedAmount?: number } = { maxQueuedAmount: LIMIT }): Promise<WebSocket> {
  const ws = new WebSocket('ws://double.test/ws', { session, ...options });
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onclose = (event) => reject(new Error(`closed: ${(event as WebSocketCloseEvent).code}`));
  });
}

const closed = (ws: WebSocket) =>
  new Promise<WebSocketCloseEvent>((resolve) => (ws.onclose = (event) => resolve(event as WebSocketCloseEvent)));

function expectFlood(message: WebSocketMessage | undefined, i: number): void {
  const bytes = message as Buffer;
  expect(bytes.byteLength).toBe(SIZE);
  expect(bytes.findIndex((byte, j) => byte !== ((i * 31 + j * 7) & 255))).toBe(-1);
}

// A flood of `n` messages into a WebSocket with an iterator that does not read: resolves once receiving paused.
async function pausedFlood(n: number, then: string[] = []) {
  const before = receives();
  const ws = await open();
  const iterator = ws.messages();
  ws.send(`flood:${n}:${SIZE}`);
  for (const text of then) ws.send(text);
  await waitFor('the pause', () => ws.queuedAmount === PAUSED_AT);
  return { ws, iterator, receivesSinceOpen: () => receives() - before };
}

it('an iterator that stops reading: no receive past maxQueuedAmount, one per message taken, all arrive in order', async () => {
  const { ws, iterator, receivesSinceOpen } = await pausedFlood(20);
  // The one issued at open and one after each of the first three messages.
  expect(receivesSinceOpen()).toBe(4);
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect([receivesSinceOpen(), ws.queuedAmount]).toEqual([4, PAUSED_AT]);

  expectFlood((await iterator.next()).value, 0);
  expect(receivesSinceOpen()).toBe(5);
  await waitFor('the pause again', () => ws.queuedAmount === PAUSED_AT);
  expect(receivesSinceOpen()).toBe(5);

  for (let i = 1; i < 20; i++) expectFlood((await iterator.next()).value, i);
  // Every message's receive, and the one now pending.
  expect([receivesSinceOpen(), ws.queuedAmount]).toEqual([21, 0]);
  const done = closed(ws);
  ws.close();
  expect((await done).wasClean).toBe(true);
});

it('close() while paused: receiving goes on to the server\'s close frame (clean); the queued messages still come out', async () => {
  const { ws, iterator } = await pausedFlood(20);
  const done = closed(ws);
  ws.close(4000, 'bye');
  expect(await done).toMatchObject({ code: 4000, reason: 'bye', wasClean: true });
  for (let i = 0; i < 4; i++) expectFlood((await iterator.next()).value, i);
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
});

it('terminate() while paused: no receive pending, the handle closes at once; the queued messages still come out', async () => {
  const { ws, iterator, receivesSinceOpen } = await pausedFlood(20);
  const done = closed(ws);
  ws.terminate();
  expect(await done).toMatchObject({ code: 1006, wasClean: false });
  for (let i = 0; i < 4; i++) expectFlood((await iterator.next()).value, i);
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
  expect(receivesSinceOpen()).toBe(4);
});

it('a close the server sends while paused is seen once the consumer reads on: every message, then the close', async () => {
  const { ws, iterator } = await pausedFlood(10, ['close:4001']);
  const done = closed(ws);
  expect(ws.readyState).toBe(WebSocket.OPEN);
  for (let i = 0; i < 10; i++) expectFlood((await iterator.next()).value, i);
  expect(await iterator.next()).toEqual({ value: undefined, done: true });
  expect(await done).toMatchObject({ code: 4001, reason: 'server close', wasClean: true });
});

it('a receive that fails when reading resumes: the queued messages, then the iterator throws the WinHttpError', async () => {
  const { ws, iterator } = await pausedFlood(20);
  const done = closed(ws);
  contractDouble().setScenario({ failCalls: [{ api: 'WinHttpWebSocketReceive', error: 12030 }],
    routes: { '/ws': { status: 101 } } });
  for (let i = 0; i < 4; i++) expectFlood((await iterator.next()).value, i);
  const failure = await iterator.next().catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(WinHttpError);
  expect(failure).toMatchObject({ api: 'WinHttpWebSocketReceive', errno: 12030 });
  expect(await done).toMatchObject({ code: 1006, wasClean: false });
});

it('message listeners hold nothing: with maxQueuedAmount 0 and no iterator every message is received at once', async () => {
  const before = receives();
  const ws = await open({ maxQueuedAmount: 0 });
  const seen: Buffer[] = [];
  ws.binaryType = 'arraybuffer';
  ws.addEventListener('message', (event) => seen.push(Buffer.from((event as MessageEvent).data as ArrayBuffer)));
  ws.send(`flood:20:${SIZE}`);
  await waitFor('20 messages', () => seen.length === 20);
  seen.forEach((bytes, i) => expectFlood(bytes, i));
  expect(receives() - before).toBe(21);
  const done = closed(ws);
  ws.close();
  expect((await done).wasClean).toBe(true);
});

it('leaving the for-await loop lifts the pause: the listener gets the rest', async () => {
  const { ws, iterator } = await pausedFlood(20);
  ws.binaryType = 'arraybuffer';
  const seen: number[] = [];
  ws.addEventListener('message', (event) => seen.push(Buffer.from((event as MessageEvent).data as ArrayBuffer)[0]));
  await iterator.return!();
  expect(ws.queuedAmount).toBe(0);
  await waitFor('the other 16 messages', () => seen.length === 16);
  // Byte 0 of message i is (i * 31) & 255: messages 4 to 19, in order.
  expect(seen).toEqual(Array.from({ length: 16 }, (_, k) => ((k + 4) * 31) & 255));
  const done = closed(ws);
  ws.close();
  expect((await done).wasClean).toBe(true);
});

it('maxQueuedAmount is checked: a negative or fractional count is a RangeError, a string a TypeError', () => {
  expect(() => new WebSocket('ws://double.test/ws', { session, maxQueuedAmount: -1 })).toThrow(RangeError);
  expect(() => new WebSocket('ws://double.test/ws', { session, maxQueuedAmount: 1.5 })).toThrow(RangeError);
  expect(() => new WebSocket('ws://double.test/ws', { session, maxQueuedAmount: '1' as never })).toThrow(TypeError);
  expect(() => new WebSocket('ws://double.test/ws', { session, maxQueuedAmont: 1 } as never)).toThrow(/maxQueuedAmont/);
});
