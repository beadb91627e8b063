// Pure checks of what fetch and the dispatcher make of their options before any WinHTTP call: undici's dispatch
// options in each header and body shape (lib/dispatcher/dispatch-options.ts), and init.winhttp / the dispatcher's
// options checked against request()'s own list (lib/fetch/winhttp-options.ts).
import { Readable } from 'node:stream';
import { exchangeRequest } from '../../lib/dispatcher/dispatch-options';
import { winhttpOptions } from '../../lib/fetch/winhttp-options';
import { rejectionOf, thrownBy } from '../helpers/assertions';

describe('undici dispatch options as request() options', () => {
  it('takes headers as a flat array of strings or Buffers, an object with arrays, or [name, value] pairs', async () => {
    const flat = await exchangeRequest({ origin: 'http://127.0.0.1:8080', path: '/a', method: 'GET',
      headers: [Buffer.from('X-A'), Buffer.from('1'), 'x-b', '2'] });
    expect(flat.options.headers).toEqual([['X-A', '1'], ['x-b', '2']]);
    const record = await exchangeRequest({ origin: 'http://127.0.0.1:8080', path: '/a', method: 'GET',
      headers: { 'x-a': ['1', '2'], 'x-b': '3', 'x-none': undefined } });
    expect(record.options.headers).toEqual([['x-a', '1'], ['x-a', '2'], ['x-b', '3']]);
    const pairs = await exchangeRequest({ origin: 'http://127.0.0.1:8080', path: '/a', method: 'GET',
      headers: new Map([['x-a', '1']]) });
    expect(pairs.options.headers).toEqual([['x-a', '1']]);
    expect((await rejectionOf(exchangeRequest({ origin: 'http://127.0.0.1', path: '/', method: 'GET', headers: ['x-a'] }))).code)
      .toBe('ERR_INVALID_ARG_VALUE');
  });

  it('joins origin, path and query; maxRedirections > 0 follows that many, 0 (Node\'s fetch) returns every 3xx', async () => {
    const built = await exchangeRequest({ origin: new URL('http://127.0.0.1:8080'), path: '/p?x=1', method: 'GET',
      query: { y: 2, z: 'a b' }, maxRedirections: 3 });
    expect(built.url).toBe('http://127.0.0.1:8080/p?x=1&y=2&z=a+b');
    expect(built.options).toMatchObject({ redirect: 'follow', maxRedirects: 3 });
    const manual = await exchangeRequest({ origin: 'http://127.0.0.1:8080', path: '/', method: 'GET', maxRedirections: 0 });
    expect(manual.options.redirect).toBe('manual');
  });

  it('streams a body of declared length, and one of unknown length without reading it (sent chunked)', async () => {
    const declared = await exchangeRequest({ origin: 'http://127.0.0.1', path: '/', method: 'PUT',
      headers: { 'content-length': '6' }, body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) });
    expect(declared.options.contentLength).toBe(6);
    expect(Symbol.asyncIterator in (declared.options.body as object)).toBe(true);
    let pulled = 0;
    const source = (async function* () {
      pulled++;
      yield new Uint8Array([1, 2]);
    })();
    const unknown = await exchangeRequest({ origin: 'http://127.0.0.1', path: '/', method: 'PUT', body: source });
    expect(unknown.options.contentLength).toBeUndefined();
    expect(unknown.options.body).toBe(source);
    expect(pulled).toBe(0);
    const blob = await exchangeRequest({ origin: 'http://127.0.0.1', path: '/', method: 'PUT', body: new Blob(['xyz']) });
    expect(Buffer.from(blob.options.body as Uint8Array).toString()).toBe('xyz');
    expect((await rejectionOf(exchangeRequest({ origin: 'http://127.0.0.1', path: '/', method: 'PUT', body: 42 }))).name)
      .toBe('TypeError');
  });

  it('refuses upgrade and CONNECT, and a path that is not absolute without an origin', async () => {
    for (const opts of [{ path: '/', method: 'GET', upgrade: 'websocket', origin: 'http://127.0.0.1' },
      { path: '127.0.0.1:443', method: 'CONNECT', origin: 'http://127.0.0.1' }, { path: '/relative', method: 'GET' }]) {
      expect((await rejectionOf(exchangeRequest(opts))).name).toBe('TypeError');
    }
  });
});

describe('init.winhttp and the dispatcher\'s options', () => {
  it('passes request()\'s own options through, and nothing for undefined', () => {
    expect(winhttpOptions(undefined, 'init.winhttp')).toEqual({});
    const options = { timeout: 1000, maxRedirects: 3, keepAlive: false };
    expect(winhttpOptions(options, 'init.winhttp')).toBe(options);
  });

  it('refuses unknown members and the ones the standard init carries, by name', () => {
    const unknown = thrownBy(() => winhttpOptions({ agent: {}, bogus: 1 }, 'init.winhttp'));
    expect(unknown).toBeInstanceOf(TypeError);
    expect(unknown.unknownOptions).toEqual(['agent', 'bogus']);
    expect(unknown.message).toContain('init.winhttp');
    const owned = thrownBy(() => winhttpOptions({ method: 'GET', signal: new AbortController().signal }, 'options'));
    expect(owned.unknownOptions).toEqual(['method', 'signal']);
    expect(owned.message).toContain('"method" (give it as init.method)');
    expect(thrownBy(() => winhttpOptions('fast', 'init.winhttp')).code).toBe('ERR_INVALID_ARG_TYPE');
  });
});
