// The policy layer follows redirects with one WinHTTP request per hop (WinHTTP itself follows none under
// REDIRECT_POLICY_NEVER): each hop's request sends what the fetch standard says, and every handle and native state
// of every hop is released, under ASan and TSan too, whichever thread completes the calls.
import { Session, request } from '../../lib';
import { contractDouble, finishedTrace, useContractDouble, type Completion } from './helpers/contract-double';

useContractDouble();

const BODY = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff));

describe.each<Completion>(['pool', 'sync', 'random'])('completions %s', (completion) => {
  let session: Session;
  beforeEach(() => {
    session = new Session({ proxy: 'none' });
  });
  afterEach(() => session.close());

  it('307 sends the same method and body to the next hop, and releases both hops', async () => {
    contractDouble().setScenario({ completion, routes: {
      '/from': { redirects: [{ status: 307, location: 'http://double.test/to' }] },
      '/to': { body: ['do', 'ne'] },
    } });
    const res = await request('http://double.test/from', { method: 'POST', body: BODY, session });
    expect(res.status).toBe(200);
    expect(res.url).toBe('http://double.test/to');
    expect(res.redirects).toEqual(['http://double.test/to']);
    expect(await res.text()).toBe('done');
    for (const path of ['/from', '/to']) {
      const trace = await finishedTrace(path);
      expect(trace.method).toBe('POST');
      expect(trace.received.equals(BODY)).toBe(true);
    }
  });

  it('303 turns the POST into a GET without a body', async () => {
    contractDouble().setScenario({ completion, routes: {
      '/form': { redirects: [{ status: 303, location: '/result' }] },
      '/result': { body: 'seen' },
    } });
    const res = await request('http://double.test/form', { method: 'POST', body: BODY, session });
    expect(await res.text()).toBe('seen');
    expect(res.redirects).toEqual(['http://double.test/result']);
    const hop = await finishedTrace('/result');
    expect(hop.method).toBe('GET');
    expect(hop.received.byteLength).toBe(0);
  });

  // Runs wherever the double does; under Wine it needs a loopback certificate the machine trusts (options.test.ts).
  it('https -> http: the 3xx is returned, unless allowHttpsToHttpRedirect', async () => {
    contractDouble().setScenario({ completion, routes: {
      '/secure': { redirects: [{ status: 302, location: 'http://double.test/plain' }] },
      '/plain': { body: 'plain' },
    } });
    const kept = await request('https://double.test/secure', { session });
    expect(kept.status).toBe(302);
    expect(kept.headers.location).toBe('http://double.test/plain');
    expect(kept.url).toBe('https://double.test/secure');
    expect(kept.redirects).toEqual([]);
    expect(await kept.text()).toBe('');
    const followed = await request('https://double.test/secure', { session, allowHttpsToHttpRedirect: true });
    expect(followed.redirects).toEqual(['http://double.test/plain']);
    expect(await followed.text()).toBe('plain');
  });

  it('an abort while the second hop is pending releases every handle', async () => {
    contractDouble().setScenario({ completion, routes: {
      '/from': { redirects: [{ status: 302, location: '/stalled' }] },
      '/stalled': { stalls: ['receive'] },
    } });
    const controller = new AbortController();
    const pending = request('http://double.test/from', { session, signal: controller.signal });
    while (!contractDouble().trace().some((entry) => entry.path === '/from')) await new Promise((r) => setTimeout(r, 2));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
