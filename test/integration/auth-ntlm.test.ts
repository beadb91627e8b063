// NTLM against a loopback server that checks the NTLMv2 response against the password (test/helpers/ntlm-server.ts):
// WinHTTP runs the three-message handshake itself after one WinHttpSetCredentials (Wine through Samba's ntlm_auth,
// Debian package winbind). Right credentials (with and without a domain) log on, a wrong password ends with the 401
// after one attempt, a body sent with the request is replayed, and 'default' sends the logged-on user's.
import type * as http from 'node:http';
import { userInfo } from 'node:os';
import { Session, request } from '../../lib';
import { startNtlmServer, type NtlmLogin } from '../helpers/ntlm-server';
import { deterministicBytes, type TestServer } from '../helpers/servers';
import { itUnlessWine } from '../helpers/wine';

let server: TestServer<http.Server> & { logins: NtlmLogin[] };
let session: Session;

beforeAll(async () => {
  server = await startNtlmServer('CORP', 'alice', 'Wonder-land_42');
  session = new Session({ proxy: 'none' });
});
afterAll(async () => {
  session.close();
  await server.close();
});
beforeEach(() => {
  server.logins.length = 0;
});

it('logs on with a domain user and password', async () => {
  const res = await request(server.url, { session, credentials: { user: 'alice', password: 'Wonder-land_42', domain: 'CORP' } });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('CORP\\alice ');
  expect(server.logins).toEqual([{ domain: 'CORP', user: 'alice', verified: true }]);
});

it('logs on without a domain', async () => {
  const res = await request(server.url, { session, credentials: { user: 'alice', password: 'Wonder-land_42' } });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('\\alice ');
  expect(server.logins).toEqual([{ domain: '', user: 'alice', verified: true }]);
});

it('returns the 401 after one attempt with a wrong password', async () => {
  const res = await request(server.url, { session, credentials: { user: 'alice', password: 'wrong', domain: 'CORP' } });
  expect(res.status).toBe(401);
  await res.text();
  expect(server.logins).toEqual([{ domain: 'CORP', user: 'alice', verified: false }]);
});

it('replays a body sent with the request through the handshake', async () => {
  const body = deterministicBytes(4000, 'ntlm body');
  const res = await request(server.url, { method: 'POST', body, session, credentials: { user: 'alice', password: 'Wonder-land_42', domain: 'CORP' } });
  expect(res.status).toBe(200);
  expect((await res.buffer()).equals(Buffer.concat([Buffer.from('CORP\\alice '), body]))).toBe(true);
});

itUnlessWine('Wine resends the handshake legs itself inside WinHttpReceiveResponse without the bytes given to ' +
  'WinHttpWriteData, and fails with 12019', 'replays a body written after the request through the handshake', async () => {
  const body = deterministicBytes(100 * 1024 + 3, 'ntlm written body');
  const res = await request(server.url, { method: 'PUT', body, session, credentials: { user: 'alice', password: 'Wonder-land_42', domain: 'CORP' } });
  expect(res.status).toBe(200);
  expect((await res.buffer()).equals(Buffer.concat([Buffer.from('CORP\\alice '), body]))).toBe(true);
});

itUnlessWine("Wine's NTLM has no logged-on user's credentials to give (ntlm_auth without winbindd): nothing is sent",
  "logs on as the logged-on user with credentials: 'default'", async () => {
    const res = await request(server.url, { session, credentials: 'default' });
    // The loopback server knows only alice's password: the logged-on user's name arrives with an NTLMv2 response.
    expect(server.logins.map((login) => login.user.toLowerCase())).toEqual([userInfo().username.toLowerCase()]);
    await res.text();
  });

it("sends nothing for NTLM without credentials, not even the logged-on user's", async () => {
  const res = await request(server.url, { session });
  expect(res.status).toBe(401);
  await res.text();
  expect(server.logins).toEqual([]);
});
