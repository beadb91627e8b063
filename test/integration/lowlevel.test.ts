// The low-level API end to end: Session -> connect -> openRequest -> send -> write* -> receiveResponse ->
// queryDataAvailable/read -> close, and the misuses it must refuse with InvalidStateError / RangeError before they
// reach WinHTTP. (liveNativeRequests() returning to its start needs the wrappers garbage-collected, i.e.
// --expose-gc, which this suite does not run with: not tested here.)
import type * as http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { Session } from '../../lib';
import { rejectionOf, settlesBeforeNextMacrotask, thrownBy } from '../helpers/assertions';
import { type TestServer, deterministicBytes, readBody, sha256, startHttpServer } from '../helpers/servers';
import { itUnlessWine } from '../helpers/wine';

const RESPONSE = deterministicBytes(300 * 1024, 'low-level response');
const SMALL = deterministicBytes(100 * 1024, 'low-level small');

let server: TestServer<http.Server>;
let session: Session;
const hanging: http.ServerResponse[] = [];
const hangWaiters: Array<() => void> = [];

/** Settles when the next /hang request has reached the server. */
function nextHang(): Promise<void> {
  return new Promise((resolve) => hangWaiters.push(resolve));
}

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/path') {
        res.writeHead(201, 'Created Here', {
          'Content-Length': RESPONSE.length,
          'X-Method': req.method,
          'X-Url': req.url,
          'X-Test': String(req.headers['x-test']),
          'X-Content-Type': String(req.headers['content-type']),
          'X-Received-Length': String(body.length),
          'X-Received-Sha256': body.sha256,
          'X-Content-Length': String(req.headers['content-length']),
        });
        res.end(RESPONSE);
      } else if (url.pathname === '/small') {
        res.writeHead(200, { 'Content-Length': SMALL.length, 'X-Received-Length': String(body.length) });
        res.end(SMALL);
      } else if (url.pathname === '/hang') {
        hanging.push(res); // never answered
        hangWaiters.shift()?.();
      } else {
        res.writeHead(404, { 'Content-Length': 0 }).end();
      }
    })();
  });
  session = new Session();
});

afterAll(async () => {
  session.close();
  await server.close();
});

function expectInvalidState(error: Error & Record<string, unknown>, text: RegExp): void {
  expect(error.name).toBe('InvalidStateError');
  expect(error.code).toBe('ERR_WINHTTP_INVALID_STATE');
  expect(error.message).toMatch(text);
}

describe('low-level API: one exchange step by step', () => {
  it('POST with a body written in pieces, then the response read with queryDataAvailable/read', async () => {
    const own = new Session({ userAgent: 'lowlevel-test/1.0' });
    const connection = own.connect('127.0.0.1', server.port);
    expect(connection.host).toBe('127.0.0.1');
    expect(connection.port).toBe(server.port);
    expect(connection.secure).toBe(false);
    expect(connection.session).toBe(own);

    const req = connection.openRequest('POST', '/path?q=1');
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/path?q=1');
    expect(thrownBy(() => req.response).name).toBe('InvalidStateError');

    // Small and large pieces, then 48 of 64 KiB from one buffer the caller refills as soon as write() resolves
    // (the addon's upload queue has copied the bytes by then): 6.4 MB in all, each byte checked by the server's hash.
    const pieces = [deterministicBytes(64 * 1024, 'a'), deterministicBytes(1, 'b'), deterministicBytes(200_000, 'c'),
      deterministicBytes(3 * 1024 * 1024 + 5, 'd'), ...Array.from({ length: 48 }, (_, i) => deterministicBytes(64 * 1024, `e${i}`))];
    const upload = Buffer.concat(pieces);
    await req.send({ headers: { 'X-Test': 'low level', 'Content-Type': 'application/octet-stream' }, contentLength: upload.length });
    const reused = Buffer.alloc(3 * 1024 * 1024 + 5);
    for (const piece of pieces) {
      piece.copy(reused);
      expect(await req.write(reused.subarray(0, piece.length))).toBe(piece.length);
      reused.fill(0);
    }

    const head = await req.receiveResponse();
    expect(head.status).toBe(201);
    expect(head.statusText).toBe('Created Here');
    expect(head.httpVersion).toBe('1.1');
    expect(head.headers['x-method']).toBe('POST');
    expect(head.headers['x-url']).toBe('/path?q=1');
    expect(head.headers['x-test']).toBe('low level');
    expect(head.headers['x-content-type']).toBe('application/octet-stream');
    expect(head.headers['x-content-length']).toBe(String(upload.length));
    expect(head.headers['x-received-length']).toBe(String(upload.length));
    expect(head.headers['x-received-sha256']).toBe(sha256(upload));
    expect(head.headers['content-length']).toBe(String(RESPONSE.length));
    expect(req.response).toBe(head);
    expect(req.getHeaderValues('X-Method')).toEqual(['POST']);

    const chunks: Buffer[] = [];
    for (;;) {
      const available = await req.queryDataAvailable();
      expect(Number.isInteger(available)).toBe(true);
      if (available === 0) break;
      const chunk = await req.read(available);
      expect(chunk).not.toBeNull();
      expect(chunk!.length).toBeGreaterThan(0);
      expect(chunk!.length).toBeLessThanOrEqual(available);
      chunks.push(chunk!);
    }
    const body = Buffer.concat(chunks);
    expect(body.length).toBe(RESPONSE.length);
    expect(sha256(body)).toBe(sha256(RESPONSE));
    expect(req.bytesReceived).toBe(RESPONSE.length);

    expect(req.closed).toBe(false);
    req.close();
    expect(req.closed).toBe(true);
    await req.handleClosed;
    connection.close();
    expect(connection.closed).toBe(true);
    own.close();
    expect(own.closed).toBe(true);
  });

  it('read() alone until it returns null', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    await req.send();
    const head = await req.receiveResponse();
    expect(head.status).toBe(200);
    expect(head.headers['x-received-length']).toBe('0');
    const chunks: Buffer[] = [];
    for (let chunk = await req.read(8192); chunk !== null; chunk = await req.read(8192)) {
      expect(chunk.length).toBeLessThanOrEqual(8192);
      chunks.push(chunk);
    }
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(SMALL));
    expect(req.bytesReceived).toBe(SMALL.length);
    // The body has ended: the end is sticky, as at the end of a file.
    expect(await req.read()).toBeNull();
    expect(await req.queryDataAvailable()).toBe(0);
    req.close();
    await req.handleClosed;
  });

  it('send() with the first body bytes, the rest by write()', async () => {
    const upload = deterministicBytes(10_000, 'first bytes');
    const req = session.connect('127.0.0.1', server.port).openRequest('PUT', '/path');
    await req.send({ contentLength: upload.length, body: upload.subarray(0, 4000) });
    expect(await req.write(upload.subarray(4000))).toBe(6000);
    const head = await req.receiveResponse();
    expect(head.headers['x-method']).toBe('PUT');
    expect(head.headers['x-received-sha256']).toBe(sha256(upload));
    req.close();
    await req.handleClosed;
  });
});

describe('low-level API: misuse', () => {
  it('read(), queryDataAvailable() and receiveResponse() before their turn', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    expectInvalidState(await rejectionOf(req.read()), /read\(\) is not allowed now \(request is opened\)/);
    expectInvalidState(await rejectionOf(req.receiveResponse()), /receiveResponse\(\) is not allowed now/);
    await req.send();
    expectInvalidState(await rejectionOf(req.read()), /read\(\) is not allowed now \(request is sent\)/);
    expectInvalidState(await rejectionOf(req.queryDataAvailable()), /queryDataAvailable\(\) is not allowed now/);
    expectInvalidState(await rejectionOf(req.send()), /send\(\) is not allowed now/);
    // None of that disturbed the request.
    expect((await req.receiveResponse()).status).toBe(200);
    expectInvalidState(await rejectionOf(req.write('x')), /write\(\) is not allowed now/);
    req.close();
  });

  it('two reads at once: the second is refused, the first completes', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    await req.send();
    await req.receiveResponse();
    // All three calls before any await: a read that completes inside its call (Wine, buffered data) is still
    // pending until the caller's code after it has run, and no longer once the microtasks have.
    const first = req.read(1024);
    const second = req.read(1024);
    const query = req.queryDataAvailable();
    expectInvalidState(await rejectionOf(second), /read\(\) while WinHttpReadData is pending/);
    expectInvalidState(await rejectionOf(query), /while WinHttpReadData is pending/);
    const chunk = await first;
    expect(chunk).not.toBeNull();
    expect(chunk!.equals(SMALL.subarray(0, chunk!.length))).toBe(true);
    req.close();
  });

  it('a second receiveResponse() while the first is pending is refused', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    await req.send();
    const first = req.receiveResponse();
    expectInvalidState(await rejectionOf(req.receiveResponse()), /receiveResponse\(\) while WinHttpReceiveResponse is pending/);
    expect((await first).status).toBe(200);
    req.close();
  });

  it('writing more than contentLength is a RangeError and changes nothing', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('POST', '/path');
    await req.send({ contentLength: 10 });
    const tooMuch = await rejectionOf(req.write(Buffer.alloc(11)));
    expect(tooMuch.name).toBe('RangeError');
    expect(tooMuch.code).toBe('ERR_OUT_OF_RANGE');
    expect(tooMuch.message).toMatch(/chunk\.byteLength.*Received 11/);
    expect(await req.write('123456')).toBe(6);
    const stillTooMuch = await rejectionOf(req.write('12345'));
    expect(stillTooMuch.name).toBe('RangeError');
    expect(stillTooMuch.code).toBe('ERR_OUT_OF_RANGE');
    expect(stillTooMuch.message).toMatch(/<= the 4 body bytes still due/);
    expect(await req.write('7890')).toBe(4);
    const head = await req.receiveResponse();
    expect(head.headers['x-received-length']).toBe('10');
    expect(head.headers['x-received-sha256']).toBe(sha256('1234567890'));
    req.close();
  });

  it('send() refuses bad headers, and the request can still be sent', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    const injected = await rejectionOf(req.send({ headers: { 'X-V': 'a\r\nX-Injected: 1' } }));
    expect(injected.name).toBe('TypeError');
    expect(injected.code).toBe('ERR_INVALID_CHAR');
    const badName = await rejectionOf(req.send({ headers: { 'X V': 'a' } }));
    expect(badName.name).toBe('TypeError');
    expect(badName.code).toBe('ERR_INVALID_HTTP_TOKEN');
    const te = await rejectionOf(req.send({ headers: { 'Transfer-Encoding': 'chunked' } }));
    expect(te.name).toBe('TypeError');
    expect(te.code).toBe('ERR_INVALID_ARG_VALUE');
    const mismatch = await rejectionOf(req.send({ headers: { 'Content-Length': '5' }, contentLength: 4 }));
    expect(mismatch.name).toBe('TypeError');
    expect(mismatch.code).toBe('ERR_INVALID_ARG_VALUE');
    await req.send({ headers: { 'X-Test': 'fine' } });
    expect((await req.receiveResponse()).status).toBe(200);
    req.close();
  });

  it('send() with first bytes beyond contentLength is a RangeError', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('POST', '/path');
    const error = await rejectionOf(req.send({ contentLength: 3, body: Buffer.from('four') }));
    expect(error.name).toBe('RangeError');
    expect(error.code).toBe('ERR_OUT_OF_RANGE');
    req.close();
  });

  it('receiveResponse() before the whole body was written is refused', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('POST', '/path');
    await req.send({ contentLength: 10 });
    await req.write('1234');
    expectInvalidState(await rejectionOf(req.receiveResponse()), /6 bytes still due/);
    await req.write('567890');
    const head = await req.receiveResponse();
    expect(head.status).toBe(201);
    expect(head.headers['x-received-length']).toBe('10');
    req.close();
  });

  it('every step on a closed request, and connect/openRequest on closed handles, are refused', async () => {
    const own = new Session();
    const connection = own.connect('127.0.0.1', server.port);
    const req = connection.openRequest('GET', '/small');
    req.close();
    req.close(); // twice is fine
    expectInvalidState(await rejectionOf(req.send()), /on a closed request/);
    expectInvalidState(await rejectionOf(req.read()), /on a closed request/);
    await req.handleClosed;
    connection.close();
    expectInvalidState(thrownBy(() => connection.openRequest('GET', '/')), /connection is closed/);
    own.close();
    expectInvalidState(thrownBy(() => own.connect('127.0.0.1', server.port)), /session is closed/);
  });

  it('Session.close() closes its connections and their requests', async () => {
    const own = new Session();
    const connection = own.connect('127.0.0.1', server.port);
    const req = connection.openRequest('GET', '/small');
    await req.send();
    await req.receiveResponse();
    own.close();
    expect(connection.closed).toBe(true);
    expect(req.closed).toBe(true);
    expectInvalidState(await rejectionOf(req.read()), /on a closed request/);
    await req.handleClosed;
  });
});

describe('low-level API: close() and handleClosed', () => {
  it('handleClosed is pending until close(), then settles', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    await req.send();
    await req.receiveResponse();
    let settled = false;
    void req.handleClosed.then(() => (settled = true));
    await delay(50);
    expect(settled).toBe(false);
    req.close();
    await req.handleClosed;
    expect(settled).toBe(true);
  });

  it('handleClosed settles for a request that was never sent', async () => {
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/small');
    req.close();
    await req.handleClosed;
    expect(req.closed).toBe(true);
  });

  it('close() while waiting for the response head rejects the pending step with AbortError at once', async () => {
    // The pending step is receiveResponse() on Windows; on Wine it is still send(), which completes only once the
    // head has arrived (docs/wine.md). Either way close() must settle it at once.
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/hang', { timeouts: { receiveResponse: 3000 } });
    const arrived = nextHang();
    const exchange = (async () => {
      await req.send();
      return req.receiveResponse();
    })();
    await arrived;
    await delay(100);
    req.close();
    // Settled by close() itself, not by a WinHTTP notification: the server never answers, and Wine's HANDLE_CLOSING
    // for this request waits for the 3 s receive-response timeout.
    expect(await settlesBeforeNextMacrotask(exchange)).toBe(true);
    const error = await rejectionOf(exchange);
    expect(error.name).toBe('AbortError');
    expect(error.code).toBe('ABORT_ERR');
    expect(error.message).toBe('The request was closed');
  });

  itUnlessWine('Wine delivers HANDLE_CLOSING for a request closed while waiting for headers only when its ' +
    'receive-response timeout fires',
  'handleClosed settles promptly for a request closed while waiting for headers', async () => {
    // The receive-response timeout outlasts jest's 30 s test timeout and the server never answers, so WinHTTP has
    // nothing to finish the request with but the close: a HANDLE_CLOSING held back for the timeout fails the test.
    const req = session.connect('127.0.0.1', server.port).openRequest('GET', '/hang', { timeouts: { receiveResponse: 120_000 } });
    const arrived = nextHang();
    await req.send();
    const pending = req.receiveResponse();
    await arrived;
    await delay(100);
    req.close();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    await req.handleClosed;
  });
});
