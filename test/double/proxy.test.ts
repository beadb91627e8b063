// Proxy resolution against the contract double (test/double/native/double_proxy.cc), which Wine cannot show: it
// lacks WinHttpCreateProxyResolver and ignores WINHTTP_OPTION_PROXY on a request handle, and its automatic proxy
// goes direct. Covered here: each request of a PAC session is resolved (WinHttpGetProxyForUrlEx, or
// WinHttpGetProxyForUrl off the JS thread where the resolver functions are missing) and gets WINHTTP_OPTION_PROXY
// before it is sent; failures and timeouts; the 'system' order before Windows 8.1 and its WPAD negative cache.
import { promises as fsPromises } from 'fs';
import {
  ProxyTimeoutError, Session, WPAD_RETRY_AFTER_MS, WinHttpError, getSystemProxyConfig, request, resolveProxy,
} from '../../lib';
import { setProxyClockForTesting } from '../../lib/proxy/resolution';
import { rejectionOf } from '../helpers/assertions';
import { contractDouble, useContractDouble } from './helpers/contract-double';

interface ProxyScript {
  exApi?: boolean;
  resolverService?: boolean;
  ieConfig?: { autoDetect?: boolean; autoConfigUrl?: string; proxy?: string; bypass?: string };
  winhttpProxy?: { proxy: string; bypass?: string };
  pacs?: Record<string, {
    rules?: [string, string][]; error?: number; delayMs?: number; stall?: boolean; sync?: boolean; outrunsClose?: boolean;
  }>;
  wpad?: { pacUrl?: string; error?: number };
}

interface ProxyStats {
  getProxyForUrl: number;
  getProxyForUrlEx: number;
  autoDetect: number;
  blockingOnScriptThread: number;
  outstanding: number;
  resolvers: number;
  requestProxies: { path: string; accessType: number; proxy: string; bypass: string }[];
}

const proxyDouble = () => (contractDouble() as unknown as { proxy: { set(s: ProxyScript): void; stats(): ProxyStats } }).proxy;

const PAC = 'http://pac.test/proxy.pac';
const PROXY = '127.0.0.1:3128';
const RULES: [string, string][] = [['/via-proxy/', `PROXY ${PROXY}; DIRECT`]];
const NO_PROXY = 1;
const NAMED = 3;
const named = (path: string, proxy = PROXY, bypass = '') => ({ path, accessType: NAMED, proxy, bypass });
const direct = (path: string) => ({ path, accessType: NO_PROXY, proxy: '', bypass: '' });

let sessions: Session[] = [];
const session = (options: ConstructorParameters<typeof Session>[0]) => {
  const s = new Session(options);
  sessions.push(s);
  return s;
};
const fetchText = async (path: string, options: Parameters<typeof request>[1]) => (await request(`http://double.test${path}`, options)).text();

// Declared before useContractDouble(): jest runs afterEach hooks in declaration order, and its release check needs
// the sessions closed first.
afterEach(() => {
  for (const s of sessions) s.close();
  sessions = [];
  setProxyClockForTesting(undefined);
});

useContractDouble();

// After useContractDouble()'s reset.
beforeEach(() => {
  contractDouble().setScenario({ fallback: { body: 'ok' } });
  proxyDouble().set({});
});

describe('a PAC session', () => {
  it('resolves each request with WinHttpGetProxyForUrlEx and sets WINHTTP_OPTION_PROXY before sending it', async () => {
    proxyDouble().set({ pacs: { [PAC]: { rules: RULES } } });
    const s = session({ proxy: { pac: PAC } });
    expect(await fetchText('/via-proxy/a', { session: s })).toBe('ok');
    expect(await fetchText('/direct', { session: s })).toBe('ok');
    const stats = proxyDouble().stats();
    expect(stats.requestProxies).toEqual([named('/via-proxy/a'), direct('/direct')]);
    expect({ ex: stats.getProxyForUrlEx, plain: stats.getProxyForUrl, outstanding: stats.outstanding })
      .toEqual({ ex: 2, plain: 0, outstanding: 0 });
  });

  it.each([
    ['winhttp.dll lacks the resolver functions (GetProcAddress finds none: before Windows 8)', { exApi: false }],
    ['WinHttpCreateProxyResolver answers ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR (as Wine does)', { resolverService: false }],
  ])('where %s, uses WinHttpGetProxyForUrl on a worker thread, never the JS thread', async (_, script) => {
    proxyDouble().set({ ...script, pacs: { [PAC]: { rules: RULES, delayMs: 20 } } });
    const s = session({ proxy: { pac: PAC } });
    expect(await fetchText('/via-proxy/b', { session: s })).toBe('ok');
    expect(await fetchText('/direct-b', { session: s })).toBe('ok');
    const stats = proxyDouble().stats();
    expect(stats.requestProxies).toEqual([named('/via-proxy/b'), direct('/direct-b')]);
    expect({ ex: stats.getProxyForUrlEx, plain: stats.getProxyForUrl, onJsThread: stats.blockingOnScriptThread, outstanding: stats.outstanding })
      .toEqual({ ex: 0, plain: 2, onJsThread: 0, outstanding: 0 });
  });

  it('resolves every hop of a redirect for its own URL', async () => {
    contractDouble().setScenario({
      routes: { '/start': { status: 302, statusText: 'Found', headers: [['Location', 'http://double.test/via-proxy/end']] } },
      fallback: { body: 'ok' },
    });
    proxyDouble().set({ pacs: { [PAC]: { rules: RULES } } });
    expect(await fetchText('/start', { session: session({ proxy: { pac: PAC } }) })).toBe('ok');
    expect(proxyDouble().stats().requestProxies).toEqual([direct('/start'), named('/via-proxy/end')]);
  });

  it('a PAC file that fails rejects with a WinHttpError from WinHttpGetProxyForUrlEx (dwResult 6), before anything is sent', async () => {
    proxyDouble().set({ pacs: { [PAC]: { error: 12166 } } });
    const error = await rejectionOf(request('http://double.test/x', { session: session({ proxy: { pac: PAC } }) }));
    expect(error).toBeInstanceOf(WinHttpError);
    expect({ errno: error.errno, code: error.code, api: error.api })
      .toEqual({ errno: 12166, code: 'ERROR_WINHTTP_BAD_AUTO_PROXY_SCRIPT', api: 'WinHttpGetProxyForUrlEx' });
    expect(proxyDouble().stats().requestProxies).toEqual([]);
  });

  it('a PAC lookup still pending after proxyTimeout rejects with ProxyTimeoutError and is cancelled (12017)', async () => {
    proxyDouble().set({ pacs: { [PAC]: { stall: true } } });
    const cancelledBefore = contractDouble().stats().cancelled;
    const error = await rejectionOf(request('http://double.test/x', { session: session({ proxy: { pac: PAC }, proxyTimeout: 100 }) }));
    expect(error).toBeInstanceOf(ProxyTimeoutError);
    expect({ code: error.code, stage: error.stage, timeout: error.timeout }).toEqual({ code: 'ERR_WINHTTP_PROXY_TIMEOUT', stage: 'pac', timeout: 100 });
    expect(error.message).toBe(`The proxy auto-configuration file ${PAC} was not fetched and run within 100 ms`);
    for (let i = 0; i < 500 && contractDouble().stats().cancelled === cancelledBefore; i++) await new Promise((r) => setTimeout(r, 5));
    expect(contractDouble().stats().cancelled).toBe(cancelledBefore + 1);
    expect(proxyDouble().stats().resolvers).toBe(0);
  });
});

describe('WinHttpGetProxyForUrlEx, asynchronous end to end', () => {
  const decision = { proxy: PROXY, bypass: null, source: 'pac', api: 'WinHttpGetProxyForUrlEx', reason: `the PAC file ${PAC}` };
  const ask = (s: Session, timeout?: number) =>
    resolveProxy('http://double.test/via-proxy/x', { session: s, proxy: { pac: PAC }, ...(timeout === undefined ? {} : { timeout }) });
  const resolversGone = async () => {
    for (let i = 0; i < 1000 && proxyDouble().stats().resolvers !== 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(proxyDouble().stats().resolvers).toBe(0);
  };

  it('holds no libuv pool thread while lookups are pending: with more stalled lookups than pool threads, fs still works', async () => {
    proxyDouble().set({ pacs: { [PAC]: { stall: true } } });
    const s = session({ proxy: 'none' });
    const poolThreads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const lookups = Array.from({ length: poolThreads + 2 }, () => rejectionOf(ask(s, 0)));
    // A lookup that waited on a pool thread would hold all of them (no timeout): this read would never finish.
    expect((await fsPromises.readFile(__filename, 'utf8')).length).toBeGreaterThan(0);
    expect(proxyDouble().stats().getProxyForUrlEx).toBe(poolThreads + 2);
    s.close();  // cancels the pending lookups (their resolver handles are closed)
    for (const error of await Promise.all(lookups)) {
      expect(error).toBeInstanceOf(WinHttpError);
      expect({ errno: error.errno, api: error.api }).toEqual({ errno: 12017, api: 'WinHttpGetProxyForUrlEx' });
    }
    await resolversGone();
  });

  it('where the resolver handle refuses a context value (HANDLE_CLOSING could not free the lookup), falls back to WinHttpGetProxyForUrl', async () => {
    const WINHTTP_OPTION_CONTEXT_VALUE = 45;
    contractDouble().setScenario({ fallback: { body: 'ok' },
      failCalls: [{ api: 'WinHttpSetOption', option: WINHTTP_OPTION_CONTEXT_VALUE, error: 12018, times: 1 }] });
    proxyDouble().set({ pacs: { [PAC]: { rules: RULES } } });
    expect(await ask(session({ proxy: 'none' }))).toEqual({ ...decision, api: 'WinHttpGetProxyForUrl' });
    const stats = proxyDouble().stats();
    expect({ ex: stats.getProxyForUrlEx, plain: stats.getProxyForUrl, resolvers: stats.resolvers, outstanding: stats.outstanding })
      .toEqual({ ex: 0, plain: 1, resolvers: 0, outstanding: 0 });
  });

  it('a completion on a pool thread settles the lookup', async () => {
    proxyDouble().set({ pacs: { [PAC]: { rules: RULES, delayMs: 10 } } });
    expect(await ask(session({ proxy: 'none' }))).toEqual(decision);
    await resolversGone();
    expect(proxyDouble().stats().outstanding).toBe(0);
  });

  it('a completion delivered synchronously, on the JS thread inside WinHttpGetProxyForUrlEx, settles the lookup', async () => {
    proxyDouble().set({ pacs: { [PAC]: { rules: RULES, sync: true } } });
    const s = session({ proxy: { pac: PAC } });
    expect(await ask(s)).toEqual(decision);
    expect(await fetchText('/via-proxy/sync', { session: s })).toBe('ok');
    expect(proxyDouble().stats().requestProxies).toEqual([named('/via-proxy/sync')]);
    await resolversGone();
    expect(proxyDouble().stats().outstanding).toBe(0);
  });

  it('a completion already on its way when the timeout closes the resolver is dropped and touches nothing freed', async () => {
    proxyDouble().set({ pacs: { [PAC]: { rules: RULES, delayMs: 150, outrunsClose: true } } });
    const error = await rejectionOf(ask(session({ proxy: 'none' }), 20));
    expect(error).toBeInstanceOf(ProxyTimeoutError);
    // GETPROXYFORURL_COMPLETE, then HANDLE_CLOSING, arrive after the close: the lookup's state must still be there
    // (ASan), and WinHttpGetProxyResult must not be called on the closed handle (a violation in the double).
    await resolversGone();
    expect(proxyDouble().stats().outstanding).toBe(0);
  });

  it('timeouts racing completions: each lookup ends exactly once, as its answer or a ProxyTimeoutError', async () => {
    const s = session({ proxy: 'none' });
    for (const outrunsClose of [false, true]) {
      proxyDouble().set({ pacs: { [PAC]: { rules: RULES, delayMs: 15, outrunsClose } } });
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => ask(s, 15).then(
        (found) => (expect(found).toEqual(decision), 'answer'),
        (error: unknown) => (expect(error).toBeInstanceOf(ProxyTimeoutError), 'timeout'))));
      expect(outcomes).toHaveLength(20);
      await resolversGone();
      expect(proxyDouble().stats().outstanding).toBe(0);
    }
  });
});

describe("'system' where WinHttpOpen takes WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY (Windows 8.1 and later)", () => {
  it('leaves every decision to WinHTTP: no resolution and no WINHTTP_OPTION_PROXY per request', async () => {
    proxyDouble().set({ ieConfig: { autoDetect: true }, wpad: { pacUrl: PAC }, pacs: { [PAC]: { rules: RULES } } });
    const s = session({});
    expect(s.proxy.perRequest).toBe(false);
    expect(await fetchText('/via-proxy/auto', { session: s })).toBe('ok');
    const stats = proxyDouble().stats();
    expect({ ex: stats.getProxyForUrlEx, plain: stats.getProxyForUrl, requestProxies: stats.requestProxies })
      .toEqual({ ex: 0, plain: 0, requestProxies: [] });
  });
});

describe('per request', () => {
  it('request({ proxy }) sets WINHTTP_OPTION_PROXY on that request only', async () => {
    const s = session({ proxy: 'none' });
    expect(await fetchText('/one', { session: s, proxy: { server: `http://${PROXY}`, bypass: ['<local>'] } })).toBe('ok');
    expect(await fetchText('/two', { session: s })).toBe('ok');
    expect(await fetchText('/three', { session: session({ proxy: PROXY }), proxy: 'none' })).toBe('ok');
    expect(proxyDouble().stats().requestProxies).toEqual([named('/one', PROXY, '<local>'), direct('/three')]);
  });

  it("proxy: 'env' reads the variables when each request starts", async () => {
    const saved = { ...process.env };
    try {
      for (const key of ['http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[key];
      process.env.http_proxy = `http://${PROXY}`;
      const s = session({ proxy: 'env' });
      expect(await fetchText('/env-1', { session: s })).toBe('ok');
      process.env.no_proxy = 'double.test';
      expect(await fetchText('/env-2', { session: s })).toBe('ok');
    } finally {
      process.env = saved;
    }
    expect(proxyDouble().stats().requestProxies).toEqual([named('/env-1'), direct('/env-2')]);
  });
});

describe("'system' where WinHttpOpen refuses WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY (before Windows 8.1)", () => {
  const ERROR_INVALID_PARAMETER = 87;

  it('resolves per request from the user\'s settings, and after a failed WPAD discovery skips WPAD for WPAD_RETRY_AFTER_MS', async () => {
    let clock = 1_000_000;
    setProxyClockForTesting(() => clock);
    contractDouble().setScenario({ fallback: { body: 'ok' }, failCalls: [{ api: 'WinHttpOpen', error: ERROR_INVALID_PARAMETER, times: 1 }] });
    proxyDouble().set({ ieConfig: { autoDetect: true, autoConfigUrl: PAC }, wpad: { error: 12180 }, pacs: { [PAC]: { rules: RULES } } });
    const s = session({});
    expect(s.proxy.perRequest).toBe(true);
    expect(await fetchText('/via-proxy/1', { session: s })).toBe('ok');
    expect(proxyDouble().stats().autoDetect).toBe(1);
    clock += WPAD_RETRY_AFTER_MS - 1;
    expect(await fetchText('/2', { session: s })).toBe('ok');
    expect(proxyDouble().stats().autoDetect).toBe(1);
    const decision = await resolveProxy('http://double.test/via-proxy/3', { session: s });
    expect(decision).toEqual({ proxy: PROXY, bypass: null, source: 'pac', api: 'WinHttpGetProxyForUrlEx',
      reason: `the PAC file ${PAC}; WPAD skipped: discovery failed ${Math.round((WPAD_RETRY_AFTER_MS - 1) / 1000)} s ago` });
    clock += 1;
    expect(await fetchText('/via-proxy/4', { session: s })).toBe('ok');
    expect(proxyDouble().stats().autoDetect).toBe(2);
    expect(proxyDouble().stats().requestProxies).toEqual([named('/via-proxy/1'), direct('/2'), named('/via-proxy/4')]);
  });
});

describe('resolveProxy()', () => {
  it("'system' with a WPAD discovery slower than proxyTimeout: the static proxy now, and no discovery next time", async () => {
    proxyDouble().set({ ieConfig: { autoDetect: true, proxy: 'corp:8080' }, wpad: { pacUrl: PAC }, pacs: { [PAC]: { stall: true } } });
    const s = session({ proxy: 'none', proxyTimeout: 100 });
    expect(await resolveProxy('http://double.test/x', { session: s, proxy: 'system' })).toEqual({
      proxy: 'corp:8080', bypass: null, source: 'static', api: 'WinHttpGetIEProxyConfigForCurrentUser',
      reason: 'the proxy in the Windows settings; WPAD discovery of the proxy auto-configuration file did not finish within 100 ms',
    });
    expect((await resolveProxy('http://double.test/y', { session: s, proxy: 'system' })).reason)
      .toBe('the proxy in the Windows settings; WPAD skipped: discovery failed 0 s ago');
    expect(proxyDouble().stats().autoDetect).toBe(1);
  });

  it.each<[string, ProxyScript, object]>([
    ['WPAD finds a PAC file', { ieConfig: { autoDetect: true }, wpad: { pacUrl: PAC }, pacs: { [PAC]: { rules: RULES } } },
      { proxy: PROXY, bypass: null, source: 'wpad', api: 'WinHttpGetProxyForUrlEx', reason: 'the PAC file WPAD found' }],
    ['a static proxy in the settings', { ieConfig: { proxy: 'corp:8080', bypass: '<local>' } },
      { proxy: 'corp:8080', bypass: '<local>', source: 'static', api: 'WinHttpGetIEProxyConfigForCurrentUser', reason: 'the proxy in the Windows settings' }],
    ['a static proxy whose bypass list has the host', { ieConfig: { proxy: 'corp:8080', bypass: '<local> *.test' } },
      { proxy: null, bypass: '<local> *.test', source: 'direct', api: 'WinHttpGetIEProxyConfigForCurrentUser',
        reason: 'double.test matches "*.test" in the bypass list of the proxy in the Windows settings' }],
    ['WPAD failing with a static proxy behind it', { ieConfig: { autoDetect: true, proxy: 'corp:8080' }, wpad: { error: 12180 } },
      { proxy: 'corp:8080', bypass: null, source: 'static', api: 'WinHttpGetIEProxyConfigForCurrentUser',
        reason: 'the proxy in the Windows settings; WPAD failed: WinHttpGetProxyForUrlEx failed: ERROR_WINHTTP_AUTODETECTION_FAILED (12180): The proxy auto-configuration URL could not be discovered' }],
    ['nothing configured', {},
      { proxy: null, bypass: null, source: 'direct', api: 'WinHttpGetIEProxyConfigForCurrentUser', reason: 'no proxy in the Windows settings' }],
  ])("'system' with %s", async (_, script, expected) => {
    proxyDouble().set(script);
    const s = session({ proxy: 'none' });
    expect(await resolveProxy('http://double.test/via-proxy/x', { session: s, proxy: 'system' })).toEqual(expected);
    expect(proxyDouble().stats().outstanding).toBe(0);
  });

  it("'winhttp' reports the netsh proxy", async () => {
    proxyDouble().set({ winhttpProxy: { proxy: 'w:1', bypass: '*.corp' } });
    expect(await resolveProxy('http://double.test/', { proxy: 'winhttp' })).toEqual({
      proxy: 'w:1', bypass: '*.corp', source: 'static', api: 'WinHttpGetDefaultProxyConfiguration', reason: 'the WinHTTP proxy (netsh winhttp)',
    });
  });

  it('getSystemProxyConfig() reports the settings and frees every string (GlobalFree)', async () => {
    proxyDouble().set({ ieConfig: { autoDetect: true, autoConfigUrl: PAC, proxy: 'corp:8080', bypass: '<local>' }, winhttpProxy: { proxy: 'w:1' } });
    expect(await getSystemProxyConfig()).toEqual({
      autoDetect: true, autoConfigUrl: PAC, proxy: 'corp:8080', bypass: '<local>', winhttp: { proxy: 'w:1', bypass: null },
    });
    expect(proxyDouble().stats().outstanding).toBe(0);
  });
});
