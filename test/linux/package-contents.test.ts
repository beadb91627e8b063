// What `npm pack` ships, file by file: the compiled library with its types, the native sources and build files for a
// source build, the prebuilds (win32-x64 and win32-ia32 from here; the release adds win32-arm64), README, LICENSE and
// CHANGELOG; no install script and no test tooling (the contract double, its sanitizer files, tests).
// Needs a built tree (`npm run build`), as `npm test` does. Runs under Linux node.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// dist/test/linux -> repository root
const ROOT = path.join(__dirname, '..', '..', '..');
// The prebuilds the tarball must hold: x64 and ia32 from `npm run build` here; the release job that publishes
// (.github/workflows/release.yml) has arm64 too and names all three.
const PREBUILD_ARCHES = (process.env.WINHTTP_PACKED_PREBUILDS ?? 'x64,ia32').split(',');

/** Repository-relative paths of the files under `dir` (forward slashes). */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    return entry.isDirectory() ? filesUnder(rel) : [rel];
  });
}

/** What tsc makes of each lib/**\/*.ts: the .js, its .d.ts and its source map. */
function compiledLibrary(): string[] {
  return filesUnder('lib')
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const base = `dist/${file.slice(0, -'.ts'.length)}`;
      return [`${base}.js`, `${base}.d.ts`, `${base}.js.map`];
    });
}

function packedFiles(): string[] {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const output = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
  return pack.files.map((file) => file.path).sort();
}

describe('npm pack', () => {
  const packed = packedFiles();

  test('ships exactly the library, the native sources, the build files, the prebuilds and the documents', () => {
    const expected = [
      ...compiledLibrary(),
      // The addon's sources (both builds list every native/*.cc: build-files.test.ts) and native/platform/: the
      // mingw-w64 delay-load hook, the one WinHTTP include, and the fault points (empty in the Windows builds).
      ...filesUnder('native').filter((file) => /^native\/[^/]+\.(cc|h)$/.test(file)),
      'native/platform/injected_fault.h',
      'native/platform/mingw_delay_load_hook.cc',
      'native/platform/winhttp_api.h',
      ...PREBUILD_ARCHES.map((arch) => `prebuilds/win32-${arch}/winhttp.napi.node`),
      'binding.gyp',
      'CMakeLists.txt',
      'package.json',
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
    ].sort();
    expect(packed).toEqual(expected);
  });

  test('ships no test tooling: no tests, no contract double, no sanitizer files', () => {
    expect(packed.filter((file) => /(^|\/)(test|double|sanitizer)(\/|$)|\.supp$|tsan|asan/i.test(file))).toEqual([]);
    expect(packed.filter((file) => !file.includes('/') || /^(dist\/lib|native|prebuilds)\//.test(file)))
      .toEqual(packed);
  });
});
