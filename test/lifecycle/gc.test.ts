// Requests and responses that JavaScript drops without reading or closing are cleaned up: the wrapper's finalizer
// closes the handle, HANDLE_CLOSING frees the native state, and liveNativeRequests() returns to its start. Each test
// opens requests in every state that has no call pending (never sent, closed, head received with the body unread,
// body partly read), drops every reference, then forces GC (test/helpers/gc.ts) with awaits in between, polling for
// up to 5 s. Requests waiting for headers are left out: Wine delivers their HANDLE_CLOSING only when the
// receive-response timeout fires (docs/wine.md), and a pending call holds its request by design.
import { liveNativeRequests, request, Session } from '../../lib';
import { BIG_LENGTH, type FaultServer, startFaultServer } from '../helpers/fault-server';
import { liveRequestsAfterGc, settledLiveRequests } from './support';

const EACH = 8;

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
});

/** Low-level requests in every idle state on `session`; returns how many it opened. Keeps no reference. */
async function openLowLevel(session: Session): Promise<number> {
  const pending: Array<Promise<void>> = [];
  for (let i = 0; i < EACH; i++) {
    // never sent
    session.connect('127.0.0.1', server.port).openRequest('GET', '/ok');
    // closed, never sent
    session.connect('127.0.0.1', server.port).openRequest('GET', '/ok').close();
    pending.push((async () => {
      // head received, body never read
      const unread = session.connect('127.0.0.1', server.port).openRequest('GET', '/big');
      await unread.send();
      expect((await unread.receiveResponse()).status).toBe(200);
      // body partly read
      const partly = session.connect('127.0.0.1', server.port).openRequest('GET', '/ok');
      await partly.send();
      await partly.receiveResponse();
      expect((await partly.read(10))?.length).toBe(10);
      // completed and closed
      const done = session.connect('127.0.0.1', server.port).openRequest('GET', '/ok');
      await done.send();
      await done.receiveResponse();
      while ((await done.read()) !== null);
      done.close();
    })());
  }
  await Promise.all(pending);
  return EACH * 5;
}

/** request() responses left unread or half read (paused), on `session` or the default one. Keeps no reference. */
async function openResponses(session: Session | undefined): Promise<number> {
  await Promise.all(Array.from({ length: EACH }, async () => {
    const unread = await request(server.urlOf('big'), { session });
    expect(unread.status).toBe(200);
    expect(unread.headers['content-length']).toBe(String(BIG_LENGTH));
    const paused = await request(server.urlOf('big'), { session });
    await new Promise<void>((resolve) => paused.body.once('data', () => {
      paused.body.pause();
      resolve();
    }));
  }));
  await new Promise((resolve) => setTimeout(resolve, 100)); // the paused bodies fill their buffers and stop pulling
  return EACH * 2;
}

describe('dropped without reading or closing', () => {
  it('low-level requests, dropped together with their session', async () => {
    const start = await settledLiveRequests();
    const opened = await (async () => {
      const session = new Session();
      const count = await openLowLevel(session);
      // Every one of them is counted while alive (the closed and completed ones until their HANDLE_CLOSING).
      expect(liveNativeRequests()).toBeGreaterThanOrEqual(start + count - 2 * EACH);
      return count;
    })();
    expect(opened).toBe(5 * EACH);
    expect(await liveRequestsAfterGc(start)).toBeLessThanOrEqual(start);
  });

  it('low-level requests, dropped while their session stays open', async () => {
    const session = new Session();
    try {
      const start = await settledLiveRequests();
      await openLowLevel(session);
      expect(liveNativeRequests()).toBeGreaterThanOrEqual(start + 3 * EACH);
      expect(await liveRequestsAfterGc(start)).toBeLessThanOrEqual(start);
    } finally {
      session.close();
    }
  });

  it('request() responses with unread and paused bodies, on a session that is dropped too', async () => {
    const start = await settledLiveRequests();
    const opened = await (async () => openResponses(new Session()))();
    expect(liveNativeRequests()).toBeGreaterThanOrEqual(start + opened);
    expect(await liveRequestsAfterGc(start)).toBeLessThanOrEqual(start);
  });

  it('request() responses with unread and paused bodies, on the default session', async () => {
    const start = await settledLiveRequests();
    const opened = await openResponses(undefined);
    expect(liveNativeRequests()).toBeGreaterThanOrEqual(start + opened);
    expect(await liveRequestsAfterGc(start)).toBeLessThanOrEqual(start);
  });

  it('the server sees every connection of the dropped requests closed', async () => {
    const end = performance.now() + 5000;
    for (await server.sync(); server.openSockets > 0 && performance.now() < end; await server.sync()) {
      await liveRequestsAfterGc(0, 50);
    }
    expect(server.openSockets).toBe(0);
  });
});
