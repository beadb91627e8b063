// Regression (issue 8, defect 2): the request header lines on the wire are the caller's, in the caller's order,
// with repeated names and empty values. They went to WinHttpAddRequestHeaders with WINHTTP_ADDREQ_FLAG_REPLACE,
// which replaces an earlier value of the same name and removes a header whose new value is empty
// (WinHttpAddRequestHeaders reference): `{ 'x-multi': ['a', 'b'] }` sent only "X-Multi: b". A raw loopback server
// (started once) keeps each request head as received.
import type * as net from 'node:net';
import { Session, request } from '../../lib';
import type { HeadersInput } from '../../lib/core/headers';
import { type TestServer, readRequestHead, startRawServer } from '../helpers/servers';

let server: TestServer<net.Server>;
const heads = new Map<string, string>();
let session: Session;

beforeAll(async () => {
  server = await startRawServer((socket) => {
    readRequestHead(socket).then((head) => {
      heads.set(head.split(' ')[1], head);
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    }, () => socket.destroy());
  });
  session = new Session({ proxy: 'none' });
});

afterAll(async () => {
  session.close();
  await server.close();
});

/** The head's header lines whose names are among `names` (any case), in order, as "Name: value". */
function linesNamed(head: string, names: string[]): string[] {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  return head.split('\r\n').slice(1).filter((line) => wanted.has(line.slice(0, line.indexOf(':')).toLowerCase()))
    // A field value excludes the whitespace around it (RFC 9110, 5.5): "x-empty:" and "x-empty: " are the same line.
    .map((line) => `${line.slice(0, line.indexOf(':'))}: ${line.slice(line.indexOf(':') + 1).trim()}`);
}

const CASES: [string, HeadersInput, string[]][] = [
  ['a record with an array value', { 'x-multi': ['a', 'b'] }, ['x-multi: a', 'x-multi: b']],
  ['pairs repeating a name', [['X-Multi', 'a'], ['X-Multi', 'b']], ['X-Multi: a', 'X-Multi: b']],
  ['an empty value', { 'x-empty': '' }, ['x-empty: ']],
  ['names interleaved, an empty value after a non-empty one',
    [['X-B', '1'], ['X-A', '2'], ['x-b', '3'], ['X-Gone', 'v'], ['X-Gone', '']],
    ['X-B: 1', 'X-A: 2', 'x-b: 3', 'X-Gone: v', 'X-Gone: ']],
];

it.each(CASES.map(([name, headers, lines], i) => [name, headers, lines, `/case-${i}`] as const))(
  'sends %s as given, in order', async (_, headers, lines, path) => {
    const res = await request(`${server.url}${path.slice(1)}`, { headers, session });
    expect(await res.text()).toBe('ok');
    const names = lines.map((line) => line.slice(0, line.indexOf(':')));
    expect(linesNamed(heads.get(path) ?? '', names)).toEqual(lines);
  });
