// send()'s receive-ahead (native/body_pump.h, RequestWrap::Send): when the whole body (or none) goes with the send,
// the addon calls WinHttpReceiveResponse from SENDREQUEST_COMPLETE and reads the head, so receiveResponse() calls
// nothing on the JS thread. Checked: send() still settles at SENDREQUEST_COMPLETE (not at the head); the receive is
// issued without receiveResponse(), and only when no body is still due; its head, its failure (kept until
// receiveResponse() asks, with that call's stack), a resend after 12032, the 401 loop, and closes at each point.
import { setTimeout as delay } from 'node:timers/promises';
import { AbortError, Session, WinHttpError, type Request } from '../../lib';
import { contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';
import { releasing } from './helpers/held-writes';

useContractDouble();

// 10,000 bytes with every byte value, so a lost, repeated or reordered byte shows.
const BODY = Buffer.from(Array.from({ length: 10000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

let session: Session;

describe('receive-ahead', () => {
beforeEach(() => {
  session = new Session({ proxy: 'none' });
});
afterEach(() => session.close());

const open = (path: string, method = 'GET') => session.connect('double.test', 80).openRequest(method, path);

async function readAll(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let c; (c = await req.read(4096)) !== null;) chunks.push(c);
  return Buffer.concat(chunks);
}

// Releases held calls until none is left for a while; returns how many were released.
async function releaseAll(): Promise<number> {
  let released = 0;
  for (let idle = 0; idle < 5; idle++) {
    const now = contractDouble().releaseHeld();
    released += now;
    if (now > 0) idle = 0;
    await delay(2);
  }
  return released;
}

it.each(['pool', 'sync', 'random'] as Completion[])('brings the head and every byte (completion %s)', async (completion) => {
  contractDouble().setScenario({
    completion, trace: true, routes: { '/r': { headers: [['X-Kind', 'ahead']], body: [BODY.subarray(0, 3000), BODY.subarray(3000)] } },
  });
  const req = open('/r', 'POST');
  const events: string[] = [];
  req.on('receivingResponse', () => events.push('receivingResponse'));
  req.on('responseReceived', () => events.push('responseReceived'));
  await req.send({ body: Buffer.from('payload') });
  const head = await req.receiveResponse();
  expect([head.status, head.headers['x-kind']]).toEqual([200, 'ahead']);
  expect(events).toEqual(['receivingResponse', 'responseReceived']);
  expect((await readAll(req)).equals(BODY)).toBe(true);
  req.close();
  expect((await finishedTrace('/r')).received.toString()).toBe('payload');
});

it('settles send() at SENDREQUEST_COMPLETE while the receive is still under way, then calls WinHttpReceiveResponse without receiveResponse()', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/held': { body: 'late head', holds: ['receive'] } } });
  const req = open('/held');
  let headSeen = false;
  req.on('responseReceived', () => (headSeen = true));
  await req.send();
  // The receive was called by the addon and is held: releasing it delivers the head with no receiveResponse() yet.
  expect(await releaseAll()).toBe(1);
  await delay(5);
  expect(headSeen).toBe(true);
  expect((await req.receiveResponse()).status).toBe(200);
  expect((await readAll(req)).toString()).toBe('late head');
  req.close();
});

it('settles a receiveResponse() made while the receive is still under way when its head comes', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/held': { body: 'waited', holds: ['receive'] } } });
  const req = open('/held');
  await req.send();
  const head = await releasing(req.receiveResponse());
  expect(head.status).toBe(200);
  expect((await readAll(req)).toString()).toBe('waited');
  req.close();
});

it('does not receive ahead while body bytes are still due: the receive waits for receiveResponse()', async () => {
  contractDouble().setScenario({ completion: 'pool', trace: true, routes: { '/up': { body: 'ok', holds: ['receive'] } } });
  const req = open('/up', 'POST');
  await req.send({ contentLength: 4, body: Buffer.from('ab') });
  await req.write('cd');
  expect(await releaseAll()).toBe(0);
  const head = await releasing(req.receiveResponse());
  expect(head.status).toBe(200);
  req.close();
  expect((await finishedTrace('/up')).received.toString()).toBe('abcd');
});

it('keeps the receive\'s failure for receiveResponse(), with that call\'s stack', async () => {
  contractDouble().setScenario({ completion: 'pool', routes: { '/fails': { faults: [{ step: 'receive', error: 12002 }] } } });
  const req = open('/fails');
  await req.send();
  await delay(20);  // the failure arrives while nothing asks for it: no unhandled rejection, nothing lost
  const failure = await req.receiveResponse().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(WinHttpError);
  expect(failure).toMatchObject({ errno: 12002, api: 'WinHttpReceiveResponse' });
  expect((failure as Error).stack).toContain('receive-ahead.test');
  req.close();
});

it('sends again after 12032 and receives ahead again', async () => {
  contractDouble().setScenario({ completion: 'random', routes: { '/again': { resends: 1, body: 'second time' } } });
  const req = open('/again');
  await req.send();
  await expect(req.receiveResponse()).rejects.toMatchObject({ errno: 12032, api: 'WinHttpReceiveResponse' });
  await req.send();
  expect((await req.receiveResponse()).status).toBe(200);
  expect((await readAll(req)).toString()).toBe('second time');
  req.close();
});

it('answers a 401 with credentials and a second send on the same handle', async () => {
  contractDouble().setScenario({
    completion: 'random',
    routes: { '/auth': { body: 'inside', challenges: [{ target: 'server', schemes: ['Basic'], user: 'u', password: 'p' }] } },
  });
  const req = open('/auth');
  await req.send();
  expect((await req.receiveResponse()).status).toBe(401);
  const offered = req.queryAuthSchemes();
  req.setCredentials(offered.target, offered.first, { user: 'u', password: 'p' });
  await req.send();
  expect((await req.receiveResponse()).status).toBe(200);
  expect((await readAll(req)).toString()).toBe('inside');
  req.close();
});

it.each(['pool', 'sync', 'random'] as Completion[])('closes cleanly while the receive is under way, asked for or not (completion %s)', async (completion) => {
  contractDouble().setScenario({ completion, cancel: 'random', routes: { '/stall': { body: 'never', stalls: ['receive'] } } });
  const unasked = open('/stall');
  await unasked.send();
  unasked.close();
  await unasked.handleClosed;
  const asked = open('/stall');
  await asked.send();
  const head = asked.receiveResponse();
  asked.close();
  await expect(head).rejects.toBeInstanceOf(AbortError);
  await asked.handleClosed;
});

it('closes cleanly with the head received ahead and never asked for', async () => {
  contractDouble().setScenario({ completion: 'random', routes: { '/r': { body: [BODY] } } });
  for (let i = 0; i < 20; i++) {
    const req = open('/r');
    await req.send();
    if (i % 2 === 0) await delay(1);
    req.close();
    await req.handleClosed;
  }
});
});
