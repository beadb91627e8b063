// Every WinHTTP failure that loopback can provoke, as the caller sees it: WinHttpError with its code, errno, api,
// category and a message naming the api and the code; and ResponseTruncatedError for bodies cut short.
import type * as https from 'node:https';
import type * as net from 'node:net';
import { Session, request } from '../../lib';
import { elapsedSince, rejectionOf, streamError } from '../helpers/assertions';
import { type TestServer, closedPort, readRequestHead, startHttpsServer, startRawServer } from '../helpers/servers';
import { itUnlessWine } from '../helpers/wine';

type Failure = Error & Record<string, unknown>;

/** A WinHttpError with exactly these fields, whose message names the api, the code and the number. */
function expectWinHttpError(error: Failure, fields: { code: string; errno: number; api: string; category: string }): void {
  expect(error.name).toBe('WinHttpError');
  expect({ code: error.code, errno: error.errno, api: error.api, category: error.category }).toEqual(fields);
  expect(error.message).toContain(`${fields.api} failed: ${fields.code} (${fields.errno})`);
}

const servers: TestServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function raw(onSocket: (socket: net.Socket) => void): Promise<TestServer> {
  const server = await startRawServer(onSocket);
  servers.push(server);
  return server;
}

describe('connecting', () => {
  it('a closed port: ERROR_WINHTTP_CANNOT_CONNECT from WinHttpSendRequest', async () => {
    const port = await closedPort();
    const error = await rejectionOf(request(`http://127.0.0.1:${port}/`));
    expectWinHttpError(error, { code: 'ERROR_WINHTTP_CANNOT_CONNECT', errno: 12029, api: 'WinHttpSendRequest', category: 'connect' });
  });

  it('no answer within the timeout: a timeout error from WinHttpReceiveResponse', async () => {
    const server = await raw(() => undefined); // accepts, reads nothing, says nothing
    const start = process.hrtime.bigint();
    const error = await rejectionOf(request(server.url, { timeout: 500 }));
    const elapsed = elapsedSince(start);
    expect(error.name).toBe('WinHttpError');
    expect(error.category).toBe('timeout');
    // Windows: ERROR_WINHTTP_TIMEOUT; Wine reports send/receive timeouts as WSAETIMEDOUT (docs/wine.md).
    expect([['ERROR_WINHTTP_TIMEOUT', 12002], ['WSAETIMEDOUT', 10060]]).toContainEqual([error.code, error.errno]);
    expect(error.api).toBe('WinHttpReceiveResponse');
    expect(error.message).toContain(`WinHttpReceiveResponse failed: ${String(error.code)} (${String(error.errno)})`);
    expect(error.isTimeout).toBe(true);
    expect(server.connections).toBe(1);
    // Not before the timeout. No upper bound (load only delays it): had the 500 ms not been set, the 90 s default
    // would have outlasted jest's 30 s test timeout.
    expect(elapsed).toBeGreaterThanOrEqual(400);
  });
});

describe('URLs WinHTTP refuses', () => {
  it('a port beyond 65535: ERROR_WINHTTP_INVALID_URL from WinHttpCrackUrl', async () => {
    const error = await rejectionOf(request('http://127.0.0.1:99999/'));
    expectWinHttpError(error, { code: 'ERROR_WINHTTP_INVALID_URL', errno: 12005, api: 'WinHttpCrackUrl', category: 'url' });
  });

  it('an ftp URL: ERROR_WINHTTP_UNRECOGNIZED_SCHEME from WinHttpCrackUrl', async () => {
    const error = await rejectionOf(request('ftp://127.0.0.1/'));
    expectWinHttpError(error, { code: 'ERROR_WINHTTP_UNRECOGNIZED_SCHEME', errno: 12006, api: 'WinHttpCrackUrl', category: 'url' });
  });
});

describe('bad responses', () => {
  it('a garbage status line: ERROR_WINHTTP_INVALID_SERVER_RESPONSE', async () => {
    const server = await raw((socket) => {
      void readRequestHead(socket).then(() => {
        socket.end('THIS IS NOT HTTP\r\n\r\nsome bytes\r\n');
      });
    });
    const error = await rejectionOf(request(server.url));
    // Windows reports 12152 from WinHttpReceiveResponse; Wine sometimes gives status 0, which the library turns
    // into the same error.
    expectWinHttpError(error, { code: 'ERROR_WINHTTP_INVALID_SERVER_RESPONSE', errno: 12152, api: 'WinHttpReceiveResponse', category: 'protocol' });
  });

  describe.each([
    ['FIN', (socket: net.Socket) => socket.end()],
    ['RST', (socket: net.Socket) => socket.resetAndDestroy()],
  ])('a body cut short by %s', (_how, cut) => {
    it('rejects reading the body with ResponseTruncatedError (expected 1000, received 10)', async () => {
      const server = await raw((socket) => {
        void readRequestHead(socket).then(() => {
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n0123456789', () => {
            setTimeout(() => cut(socket), 50);
          });
        });
      });
      const res = await request(server.url);
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('1000');
      const error = await rejectionOf(res.buffer());
      expect(error.name).toBe('ResponseTruncatedError');
      expect(error.code).toBe('ERR_WINHTTP_BODY_TRUNCATED');
      expect(error.expected).toBe(1000);
      expect(error.received).toBe(10);
      expect(error.message).toBe('Response body truncated: received 10 of 1000 bytes announced by Content-Length');
      expect(res.body.destroyed).toBe(true);
      expect(server.connections).toBe(1);
    });
  });

  it('the body stream emits the truncation as an error event', async () => {
    const server = await raw((socket) => {
      void readRequestHead(socket).then(() => {
        socket.end('HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n0123456789');
      });
    });
    const res = await request(server.url);
    const errored = streamError(res.body);
    res.body.resume();
    const error = await errored;
    expect(error.name).toBe('ResponseTruncatedError');
    expect(error.code).toBe('ERR_WINHTTP_BODY_TRUNCATED');
    expect(error.expected).toBe(50);
    expect(error.received).toBe(10);
  });
});

describe('uploads', () => {
  it('a server that resets mid-upload: the next step rejects with the WinHttpError of WinHttpWriteData', async () => {
    const MB = 1024 * 1024;
    const server = await raw((socket) => {
      void readRequestHead(socket).then(() => {
        let received = 0;
        socket.on('data', (data: Buffer) => {
          received += data.length;
          if (received >= MB && !socket.destroyed) socket.resetAndDestroy();
        });
      });
    });
    const session = new Session();
    const req = session.connect('127.0.0.1', server.port).openRequest('POST', '/upload');
    // Far more than the socket buffers hold: the queued writes meet the reset.
    const total = 256 * MB;
    await req.send({ contentLength: total });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const error = await rejectionOf((async () => {
      for (let written = 0; written < total; written += chunk.length) await req.write(chunk);
      await req.receiveResponse();
    })());
    req.close();
    session.close();
    expect(error.name).toBe('WinHttpError');
    expect(error.api).toBe('WinHttpWriteData');
    // Windows: ERROR_WINHTTP_CONNECTION_ERROR; Wine passes the socket's WSAECONNRESET through (docs/wine.md).
    expect([['ERROR_WINHTTP_CONNECTION_ERROR', 12030], ['WSAECONNRESET', 10054]]).toContainEqual([error.code, error.errno]);
    expect(error.category).toBe('connection');
    expect(error.message).toContain(`WinHttpWriteData failed: ${String(error.code)} (${String(error.errno)})`);
  });
});

describe('TLS', () => {
  let tls: TestServer<https.Server>;
  beforeAll(async () => {
    tls = await startHttpsServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': '2' }).end('ok');
    });
    servers.push(tls);
  });

  it('a certificate from an untrusted CA fails with a TLS error', async () => {
    const error = await rejectionOf(request(tls.url));
    expect(error.name).toBe('WinHttpError');
    expect(error.category).toBe('tls');
    expect(error.isTls).toBe(true);
    // Windows: ERROR_WINHTTP_SECURE_FAILURE (+ reason flags); Wine: ERROR_WINHTTP_SECURE_CHANNEL_ERROR (docs/wine.md).
    expect([['ERROR_WINHTTP_SECURE_FAILURE', 12175], ['ERROR_WINHTTP_SECURE_CHANNEL_ERROR', 12157]])
      .toContainEqual([error.code, error.errno]);
    expect(error.api).toBe('WinHttpSendRequest');
    expect(error.message).toContain(`WinHttpSendRequest failed: ${String(error.code)} (${String(error.errno)})`);
    expect(tls.connections).toBeGreaterThanOrEqual(1);
  });

  itUnlessWine('Wine reports TLS failures as 12157 without the SECURE_FAILURE notification and its reason flags',
    'the failure is ERROR_WINHTTP_SECURE_FAILURE with the INVALID_CA reason flag', async () => {
      const error = await rejectionOf(request(tls.url));
      expectWinHttpError(error, { code: 'ERROR_WINHTTP_SECURE_FAILURE', errno: 12175, api: 'WinHttpSendRequest', category: 'tls' });
      expect(typeof error.secureFailureFlags).toBe('number');
      expect((error.secureFailureFlags as number) & 0x8).toBe(0x8);
      expect(error.reasons).toEqual(['invalid-ca']);
      expect(error.message).toMatch(/certificate chain ends in a root the Windows certificate store does not trust \(SECURE_FAILURE flags 0x00000008\)$/);
    });

  it('the low-level API reports the same failure from send()', async () => {
    const session = new Session();
    try {
      const req = session.connect('localhost', tls.port, { secure: true }).openRequest('GET', '/');
      const error = await rejectionOf(req.send());
      expect(error.name).toBe('WinHttpError');
      expect(error.category).toBe('tls');
      expect(error.api).toBe('WinHttpSendRequest');
      expect([['ERROR_WINHTTP_SECURE_FAILURE', 12175], ['ERROR_WINHTTP_SECURE_CHANNEL_ERROR', 12157]])
        .toContainEqual([error.code, error.errno]);
      req.close();
    } finally {
      session.close();
    }
  });
});
