// The two builds of the addon agree: binding.gyp (node-gyp, which prebuildify drives for the shipped binaries) and
// CMakeLists.txt (cmake-js) list the same sources and defines, every native/*.cc is in both, and package.json keeps
// installs working off Windows (no top-level "os" field, `types` first in `exports`). Reads files only, so it runs
// under Linux node.

import * as fs from 'node:fs';
import * as path from 'node:path';

// dist/test/linux -> repository root
const ROOT = path.join(__dirname, '..', '..', '..');

// Directories under native/ whose .cc files are not in both builds' lists: platform/ holds per-toolchain files
// (mingw_delay_load_hook.cc, added by CMakeLists.txt under MINGW only). The contract double is under test/.
const UNLISTED_DIRS = ['native/platform'];

const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** The words of `set(NAME ...)` in a CMake file, comments dropped. */
function cmakeList(text: string, name: string): string[] {
  const uncommented = text.replace(/#.*$/gm, '');
  const match = new RegExp(`\\bset\\(\\s*${name}\\s([^)]*)\\)`).exec(uncommented);
  if (!match) throw new Error(`CMakeLists.txt has no set(${name} ...)`);
  return match[1].split(/\s+/).filter((word) => word !== '');
}

/**
 * Parses a .gyp file (a Python literal: '…' and "…" strings, # comments, trailing commas) by rewriting it as JSON,
 * so nothing in it is evaluated.
 */
function parseGyp(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      let value = '';
      i++;
      while (text[i] !== c) {
        if (i >= text.length || text[i] === '\n') throw new Error(`binding.gyp: unterminated string at ${i}`);
        if (text[i] === '\\') {
          const next = text[i + 1];
          const escapes: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t' };
          value += next in escapes ? escapes[next] : `\\${next}`; // Python keeps unknown escapes as written
          i += 2;
        } else {
          value += text[i++];
        }
      }
      i++;
      out += JSON.stringify(value);
    } else if (c === ',') {
      // Drop a trailing comma: the next character but blanks and comments closes the list or dict.
      let j = i + 1;
      while (j < text.length && (/\s/.test(text[j]) || text[j] === '#')) {
        if (text[j] === '#') while (j < text.length && text[j] !== '\n') j++;
        else j++;
      }
      if (text[j] !== ']' && text[j] !== '}') out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}

interface GypTarget {
  target_name: string;
  type?: string;
  sources?: string[];
  defines?: string[];
  conditions?: [string, GypTarget, GypTarget?][];
  [key: string]: unknown;
}

function gypTarget(): GypTarget {
  const gyp = parseGyp(read('binding.gyp')) as { targets: GypTarget[] };
  const target = gyp.targets.find((t) => t.target_name === 'winhttp');
  if (!target) throw new Error("binding.gyp has no 'winhttp' target");
  return target;
}

/** The [Windows settings, settings elsewhere] of the winhttp target's `OS=="win"` condition. */
function gypBranches(): [GypTarget, GypTarget | undefined] {
  const condition = (gypTarget().conditions ?? []).find(([test]) => test.replace(/\s/g, '') === 'OS=="win"');
  if (!condition) throw new Error('binding.gyp: the winhttp target has no OS=="win" condition');
  return [condition[1], condition[2]];
}

/** Every .cc under native/, as repository-relative paths with forward slashes, but for UNLISTED_DIRS. */
function nativeSourcesOnDisk(dir = 'native'): string[] {
  if (UNLISTED_DIRS.includes(dir)) return [];
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return nativeSourcesOnDisk(rel);
    return entry.isFile() && entry.name.endsWith('.cc') ? [rel] : [];
  });
}

const sorted = (list: readonly string[]): string[] => [...list].sort();
const duplicates = (list: readonly string[]): string[] => list.filter((item, i) => list.indexOf(item) !== i);

describe('binding.gyp and CMakeLists.txt', () => {
  const cmake = read('CMakeLists.txt');
  const cmakeSources = cmakeList(cmake, 'WINHTTP_SOURCES');
  const cmakeDefines = cmakeList(cmake, 'WINHTTP_DEFINES');

  test('list the same sources', () => {
    const [win] = gypBranches();
    expect(cmakeSources.length).toBeGreaterThan(0);
    expect(duplicates(cmakeSources)).toEqual([]);
    expect(duplicates(win.sources ?? [])).toEqual([]);
    expect(sorted(win.sources ?? [])).toEqual(sorted(cmakeSources));
  });

  test('list the same defines', () => {
    const [win] = gypBranches();
    expect(cmakeDefines).toContain('NAPI_VERSION=8');
    expect(cmakeDefines).toContain('NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED');
    expect(duplicates(win.defines ?? [])).toEqual([]);
    expect(sorted(win.defines ?? [])).toEqual(sorted(cmakeDefines));
  });

  test('list every native .cc file on disk, and only files that exist', () => {
    const onDisk = sorted(nativeSourcesOnDisk());
    expect(onDisk.length).toBeGreaterThan(0);
    expect(sorted(cmakeSources)).toEqual(onDisk);
    expect(sorted(gypBranches()[0].sources ?? [])).toEqual(onDisk);
  });
});

describe('binding.gyp', () => {
  test('builds nothing off Windows', () => {
    const target = gypTarget();
    const [, elsewhere] = gypBranches();
    expect(target.sources).toBeUndefined();
    expect(target.type).toBeUndefined();
    expect(elsewhere).toEqual({ type: 'none' });
  });

  test("keeps node-gyp's delay-load hook and leaves out the mingw-w64 one", () => {
    const [win] = gypBranches();
    expect(win.win_delay_load_hook).not.toBe('false');
    expect(win.sources ?? []).not.toContain('native/platform/mingw_delay_load_hook.cc');
  });
});

describe('package.json', () => {
  const pkg = JSON.parse(read('package.json')) as Record<string, unknown>;

  test('has no top-level "os" field, so installing on macOS and Linux does not fail', () => {
    expect(Object.keys(pkg)).not.toContain('os');
  });

  test('puts the "types" condition first wherever exports has one', () => {
    const conditionKeys: string[][] = [];
    const visit = (value: unknown): void => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
      const keys = Object.keys(value);
      if (keys.includes('types')) conditionKeys.push(keys);
      Object.values(value).forEach(visit);
    };
    visit(pkg.exports);
    expect(conditionKeys.length).toBeGreaterThan(0);
    for (const keys of conditionKeys) expect(keys[0]).toBe('types');
  });
});
