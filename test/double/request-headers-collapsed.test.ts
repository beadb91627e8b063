// Regression (issue 8, defect 2): request headers went to WinHttpAddRequestHeaders with WINHTTP_ADDREQ_FLAG_ADD |
// WINHTTP_ADDREQ_FLAG_REPLACE, and REPLACE "replaces or removes a header. If the header value is empty and the header
// is found, it is removed" (WinHttpAddRequestHeaders reference): a repeated name kept only its last value, and an
// empty value after a non-empty one removed the header. The double applies the flags as documented and traces the
// header lines it was sent; each must be there, in the caller's order.
import { Session, request } from '../../lib';
import type { HeadersInput } from '../../lib/core/headers';
import { contractDouble, finishedTrace, useContractDouble } from './helpers/contract-double';

useContractDouble();

const CASES: [string, HeadersInput, string[]][] = [
  ['a record with an array value', { 'x-multi': ['a', 'b'] }, ['x-multi: a', 'x-multi: b']],
  ['pairs repeating a name', [['X-Multi', 'a'], ['X-Multi', 'b']], ['X-Multi: a', 'X-Multi: b']],
  ['an empty value', { 'x-empty': '' }, ['x-empty: ']],
  ['names interleaved, an empty value after a non-empty one',
    [['B', '1'], ['A', '2'], ['b', '3'], ['X-Gone', 'v'], ['X-Gone', '']],
    ['B: 1', 'A: 2', 'b: 3', 'X-Gone: v', 'X-Gone: ']],
];

describe('request headers', () => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  it.each(CASES)('sends %s as given, in order', async (_, headers, lines) => {
    contractDouble().setScenario({ routes: { '/headers': { body: 'ok' } } });
    const res = await request('http://double.test/headers', { headers, session });
    expect(await res.text()).toBe('ok');
    expect((await finishedTrace('/headers')).headerLines).toEqual(lines);
  });
});
