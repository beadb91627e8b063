// request()'s URL split (lib/core/cracked-url.ts): WinHttpCrackUrl's answer for a URL string is kept, so a repeated
// URL costs no native call; a URL with credentials and a refused URL are never kept, and the oldest of MAX_KEPT goes.
import { crackUrl } from '../../lib/core/cracked-url';
import * as nativeBinding from '../../lib/native/binding';
import type { NativeBinding } from '../../lib/native/types';
import { useContractDouble } from './helpers/contract-double';

useContractDouble();

// The binding with crackUrl counted (its own properties are read-only: a stand-in inherits them).
const real = nativeBinding.getBinding();
let calls: string[] = [];
beforeEach(() => {
  calls = [];
  const counted = Object.create(real, {
    crackUrl: { value: (url: string) => (calls.push(url), real.crackUrl(url)) },
  }) as NativeBinding;
  jest.spyOn(nativeBinding, 'getBinding').mockReturnValue(counted);
});
afterEach(() => jest.restoreAllMocks());

it('asks WinHTTP once per URL and answers again from what it kept', () => {
  const first = crackUrl('http://kept.test:8080/a?b=c');
  const second = crackUrl('http://kept.test:8080/a?b=c');
  expect(second).toBe(first);
  expect(Object.isFrozen(first)).toBe(true);
  expect(first).toMatchObject({ host: 'kept.test', port: 8080, path: '/a?b=c', secure: false });
  expect(calls).toEqual(['http://kept.test:8080/a?b=c']);
});

it('never keeps a URL with a user name or password', () => {
  const withSecret = 'http://user:secret@kept.test/';
  expect(crackUrl(withSecret).password).toBe('secret');
  crackUrl(withSecret);
  expect(calls).toEqual([withSecret, withSecret]);
});

it('never keeps a refusal: each call asks WinHTTP and throws its error', () => {
  expect(() => crackUrl('ftp://refused.test/')).toThrow(expect.objectContaining({ api: 'WinHttpCrackUrl' }));
  expect(() => crackUrl('ftp://refused.test/')).toThrow(expect.objectContaining({ api: 'WinHttpCrackUrl' }));
  expect(calls).toEqual(['ftp://refused.test/', 'ftp://refused.test/']);
});

it('lets the oldest URL go once 256 are kept', () => {
  const urls = Array.from({ length: 257 }, (_, i) => `http://many.test/${i}`);
  for (const url of urls) crackUrl(url);
  calls = [];
  crackUrl(urls[256]);
  crackUrl(urls[1]);
  expect(calls).toEqual([]);
  crackUrl(urls[0]);
  expect(calls).toEqual([urls[0]]);
});
