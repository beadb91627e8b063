// WinHTTP's progress notifications as typed events on a low-level Request, the timings built from them, and the list
// of redirects request() followed: documented order and payloads, delivered only while someone listens, no
// resolve/connect on a reused keep-alive connection, and INTERMEDIATE_RESPONSE for a 1xx before the final response.
// A "fresh connection" needs a server on a port WinHTTP has never connected to: Wine pools connections across
// sessions (a new Session may reuse one), so each such test starts its own server.
import type * as http from 'node:http';
import type * as net from 'node:net';
import { type ProgressEvent, type ProgressEventName, Session, request } from '../../lib';
import { type TestServer, readRequestHead, startHttpServer, startRawServer } from '../helpers/servers';
import { itUnlessWine } from '../helpers/wine';

const ALL: ProgressEventName[] = ['resolvingName', 'nameResolved', 'connectingToServer', 'connectedToServer',
  'sendingRequest', 'requestSent', 'receivingResponse', 'responseReceived', 'closingConnection',
  'connectionClosed', 'intermediateResponse'];
/** What a request on a new connection reports before its response head, in this order (WinHTTP reference). */
const NEW_CONNECTION: ProgressEventName[] = ['resolvingName', 'nameResolved', 'connectingToServer', 'connectedToServer',
  'sendingRequest', 'requestSent', 'receivingResponse', 'responseReceived'];
const REUSED_CONNECTION: ProgressEventName[] = ['sendingRequest', 'requestSent', 'receivingResponse', 'responseReceived'];

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** An http server of its own (so the first request to it opens a new connection). */
async function freshServer(): Promise<TestServer<http.Server>> {
  const server = await startHttpServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/hop/')) {
      // /hop/3 -> /hop/2 -> /hop/1 -> /hop/0, relative Locations.
      const n = Number(url.slice(5));
      if (n > 0) {
        res.writeHead(302, { Location: `/hop/${n - 1}`, 'Content-Length': '0' }).end();
        return;
      }
    }
    const body = `served ${url}`;
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': Buffer.byteLength(body) };
    if (url === '/close') headers.Connection = 'close';
    res.writeHead(200, headers).end(body);
  });
  servers.push(server);
  return server;
}

/** Opens a low-level GET with a listener on every progress event; returns the events as they come. */
function listened(session: Session, server: TestServer, path: string) {
  const req = session.connect('127.0.0.1', server.port).openRequest('GET', path);
  const events: ProgressEvent[] = [];
  for (const name of ALL) req.on(name, (event) => events.push(event));
  return { req, events };
}

async function readAll(req: { read(): Promise<Buffer | null> }): Promise<string> {
  const chunks: Buffer[] = [];
  for (let chunk = await req.read(); chunk !== null; chunk = await req.read()) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}

describe('progress events on a low-level request', () => {
  it('a new connection: resolve, connect, send, receive, in order, with the documented payloads', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      const { req, events } = listened(session, server, '/first');
      await req.send();
      const head = await req.receiveResponse();
      expect(head.status).toBe(200);
      expect(await readAll(req)).toBe('served /first');
      req.close();
      const types = events.map((event) => event.type);
      expect(types.slice(0, NEW_CONNECTION.length)).toEqual(NEW_CONNECTION);
      // Later ones (reading the body, closing) may only be more receive/close notifications.
      expect(types.slice(NEW_CONNECTION.length).every((type) =>
        ['receivingResponse', 'responseReceived', 'closingConnection', 'connectionClosed'].includes(type))).toBe(true);
      const byType = (type: ProgressEventName) => events.find((event) => event.type === type)!;
      expect(byType('nameResolved').address).toBe('127.0.0.1');
      expect(byType('connectedToServer').address).toBe('127.0.0.1');
      // GET /first HTTP/1.1 plus Host and User-Agent at least; the head is 'HTTP/1.1 200 OK' plus headers.
      expect(byType('requestSent').bytes).toBeGreaterThan(40);
      expect(byType('responseReceived').bytes).toBeGreaterThan(17);
      for (const event of events) expect(Object.keys(event).sort()).toEqual(
        ['time', 'type', ...({ nameResolved: ['address'], connectedToServer: ['address'], requestSent: ['bytes'],
          responseReceived: ['bytes'] } as Record<string, string[]>)[event.type] ?? []].sort());
      for (let i = 1; i < events.length; i++) expect(events[i].time).toBeGreaterThanOrEqual(events[i - 1].time);
      expect(server.connections).toBe(1);
    } finally {
      session.close();
    }
  });

  it('a reused keep-alive connection: no resolve and no connect', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      const first = listened(session, server, '/a');
      await first.req.send();
      await first.req.receiveResponse();
      await readAll(first.req);
      first.req.close();
      const second = listened(session, server, '/b');
      await second.req.send();
      await second.req.receiveResponse();
      expect(await readAll(second.req)).toBe('served /b');
      second.req.close();
      expect(server.connections).toBe(1); // the same connection served both
      expect(second.events.map((event) => event.type).slice(0, REUSED_CONNECTION.length)).toEqual(REUSED_CONNECTION);
      expect(second.events.some((event) => NEW_CONNECTION.slice(0, 4).includes(event.type))).toBe(false);
    } finally {
      session.close();
    }
  });

  it('only while listened to: a listener added and removed again receives nothing, and nothing is emitted', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/quiet');
      const heard: string[] = [];
      const listener = (event: ProgressEvent) => heard.push(event.type);
      for (const name of ALL) req.on(name, listener);
      for (const name of ALL) req.off(name, listener);
      const emitted: string[] = [];
      const emit = req.emit.bind(req);
      req.emit = (name: string | symbol, ...args: unknown[]) => {
        emitted.push(String(name));
        return emit(name, ...args);
      };
      await req.send();
      await req.receiveResponse();
      expect(await readAll(req)).toBe('served /quiet');
      req.close();
      expect(heard).toEqual([]);
      expect(emitted.filter((name) => ALL.includes(name as ProgressEventName))).toEqual([]);
    } finally {
      session.close();
    }
  });

  it('a listener removed mid-request hears nothing after its removal', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/half');
      const heard: string[] = [];
      const listener = (event: ProgressEvent) => {
        heard.push(event.type);
        if (event.type === 'connectedToServer') for (const name of ALL) req.off(name, listener);
      };
      for (const name of ALL) req.on(name, listener);
      await req.send();
      await req.receiveResponse();
      await readAll(req);
      req.close();
      expect(heard).toEqual(NEW_CONNECTION.slice(0, 4));
    } finally {
      session.close();
    }
  });

  it('a 3xx is the low-level response: WinHTTP follows no redirect (REDIRECT_POLICY_NEVER), one exchange only', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      const { req, events } = listened(session, server, '/hop/3');
      await req.send();
      const head = await req.receiveResponse();
      expect(head.status).toBe(302);
      expect(head.headers.location).toBe('/hop/2');
      expect(await readAll(req)).toBe('');
      req.close();
      expect(events.filter((event) => event.type === 'sendingRequest')).toHaveLength(1);
    } finally {
      session.close();
    }
  });

  itUnlessWine('Wine never sends CLOSING_CONNECTION or CONNECTION_CLOSED',
    'a response with Connection: close reports closingConnection, then connectionClosed', async () => {
      const server = await freshServer();
      const session = new Session();
      try {
        const { req, events } = listened(session, server, '/close');
        await req.send();
        await req.receiveResponse();
        expect(await readAll(req)).toBe('served /close');
        req.close();
        await req.handleClosed;
        const types = events.map((event) => event.type);
        expect(types).toContain('closingConnection');
        expect(types.indexOf('connectionClosed')).toBeGreaterThan(types.indexOf('closingConnection'));
      } finally {
        session.close();
      }
    });
});

describe('a 1xx before the final response', () => {
  let raw: TestServer<net.Server>;
  beforeAll(async () => {
    raw = await startRawServer((socket) => {
      void readRequestHead(socket).then(() => {
        socket.write('HTTP/1.1 102 Processing\r\n\r\n');
        setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfinal'), 50);
      }, () => undefined);
    });
    servers.push(raw);
  });

  itUnlessWine('Wine returns the 102 as if it were the final response and sends no INTERMEDIATE_RESPONSE',
    'is reported as intermediateResponse (status 102), and the head is the final 200', async () => {
      const session = new Session();
      try {
        const req = session.connect('127.0.0.1', raw.port).openRequest('GET', '/');
        const interim: ProgressEvent[] = [];
        req.on('intermediateResponse', (event) => interim.push(event));
        await req.send();
        const head = await req.receiveResponse();
        expect(head.status).toBe(200);
        expect(await readAll(req)).toBe('final');
        req.close();
        expect(interim.map((event) => event.status)).toEqual([102]);
      } finally {
        session.close();
      }
    });
});

describe('response.timings and response.redirects (request())', () => {
  const MARKS = ['resolveStart', 'resolveEnd', 'connectStart', 'connectEnd', 'sendStart', 'requestSent', 'firstByte',
    'headers'] as const;

  it('a new connection: every mark, in order; `end` and the download phase once the body was read', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      const before = Date.now();
      const res = await request(`${server.url}t`, { session });
      const early = res.timings;
      expect(early.end).toBeUndefined();
      expect(early.phases.download).toBeUndefined();
      expect(early.headers).toBeDefined();
      expect(await res.text()).toBe('served /t');
      const t = res.timings;
      expect(t.startedAt).toBeGreaterThanOrEqual(before - 5);
      expect(t.startedAt).toBeLessThanOrEqual(Date.now());
      const marks = MARKS.map((mark) => t[mark]);
      for (const value of marks) expect(typeof value).toBe('number');
      const values = [...(marks as number[]), t.end!];
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
      expect(values[0]).toBeGreaterThanOrEqual(0);
      expect(t.phases.dns).toBeCloseTo(t.resolveEnd! - t.resolveStart!, 6);
      expect(t.phases.tcp).toBeCloseTo(t.connectEnd! - t.connectStart!, 6);
      expect(t.phases.wait).toBeCloseTo(t.firstByte! - t.requestSent!, 6);
      expect(t.phases.download).toBeCloseTo(t.end! - t.headers!, 6);
      expect(t.phases.total).toBe(t.end);
      expect(t.phases.tls).toBeUndefined(); // http
      expect(t.end!).toBeLessThan(5000);
      expect(res.redirects).toEqual([]);
      expect(res.url).toBe(`${server.url}t`);
    } finally {
      session.close();
    }
  });

  it('a reused keep-alive connection: no resolve or connect marks, no dns or tcp phase', async () => {
    const server = await freshServer();
    const session = new Session();
    try {
      await (await request(`${server.url}one`, { session })).text();
      const res = await request(`${server.url}two`, { session });
      await res.text();
      expect(server.connections).toBe(1);
      const t = res.timings;
      for (const mark of ['resolveStart', 'resolveEnd', 'connectStart', 'connectEnd'] as const) expect(t[mark]).toBeUndefined();
      expect(t.phases.dns).toBeUndefined();
      expect(t.phases.tcp).toBeUndefined();
      for (const mark of ['sendStart', 'requestSent', 'firstByte', 'headers', 'end'] as const) expect(typeof t[mark]).toBe('number');
    } finally {
      session.close();
    }
  });

  it('redirects: the absolute URLs of the hops followed, in order; url is the last', async () => {
    const server = await freshServer();
    const res = await request(`${server.url}hop/2`);
    expect(await res.text()).toBe('served /hop/0');
    expect(res.redirects).toEqual([`${server.url}hop/1`, `${server.url}hop/0`]);
    expect(res.url).toBe(`${server.url}hop/0`);
  });
});
