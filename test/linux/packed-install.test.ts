// The packed tarball, installed as a user would into a fresh project, with npm --offline and an empty cache (its two
// dependencies are packed from this repository's node_modules beside it), so installing needs no network: it runs no
// install script, imports on Linux with isSupported() === false and a CLI that says it needs Windows, and under Wine
// the Windows node.exe, and a renamed copy of it, load the win32-x64 prebuild and POST through WinHTTP to loopback.
// Needs a built tree (`npm run build`), as `npm test` does. Runs under Linux node.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// dist/test/linux -> repository root
const ROOT = path.join(__dirname, '..', '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const SMOKE = path.join(ROOT, 'test', 'packaging', 'packed-smoke.js');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { expectedSmokeResult } = require(path.join(ROOT, 'test', 'packaging', 'smoke-expectation.js')) as {
  expectedSmokeResult(arch: string): unknown;
};
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { runWineNode } = require(path.join(ROOT, 'scripts', 'wine-node.js')) as {
  runWineNode(args: string[], options: { cwd: string; outFile: string }): Promise<number>;
};

const npm = (args: string[], cwd: string): string =>
  execFileSync(NPM, [...args, '--loglevel=error', '--no-audit', '--no-fund'], { cwd, encoding: 'utf8', stdio: 'pipe' });

/** npm pack of `dir` into `destination`; returns the tarball's path. */
function pack(dir: string, destination: string): string {
  const [packed] = JSON.parse(npm(['pack', dir, '--json', '--ignore-scripts', '--pack-destination', destination], destination));
  return path.join(destination, packed.filename);
}

describe('the packed tarball installed into a fresh project', () => {
  let work: string;
  let project: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'winhttp-packed-'));
    project = path.join(work, 'project');
    const tarballs = [ROOT, ...['node-gyp-build', 'node-addon-api'].map((dep) => path.join(ROOT, 'node_modules', dep))]
      .map((dir) => pack(dir, work));
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, 'package.json'), '{ "name": "fresh-project", "private": true }\n');
    // --offline: any package not in these tarballs would have to come from the (empty) cache, and fails.
    npm(['install', '--offline', '--cache', path.join(work, 'npm-cache'), ...tarballs], project);
  }, 120_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const installed = (rel: string): string => path.join(project, 'node_modules', 'winhttp', rel);

  it('runs no install script: npm recorded none in the tree, and winhttp has neither a script nor npm\'s implicit node-gyp one', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(project, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/winhttp']).toBeDefined();
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([, entry]) => entry.hasInstallScript).map(([name]) => name);
    expect(withScripts).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(installed('package.json'), 'utf8'));
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts?.[hook]).toBeUndefined();
    // binding.gyp ships (for a source build); without gypfile: false npm would run `node-gyp rebuild` on install.
    expect(fs.existsSync(installed('binding.gyp'))).toBe(true);
    expect(pkg.gypfile).toBe(false);
    expect(fs.existsSync(installed('build'))).toBe(false);
  });

  it('holds the prebuilds of this tree, byte for byte', () => {
    for (const arch of ['x64', 'ia32']) {
      const rel = `prebuilds/win32-${arch}/winhttp.napi.node`;
      expect(fs.readFileSync(installed(rel)).equals(fs.readFileSync(path.join(ROOT, rel)))).toBe(true);
    }
  });

  it('imports with require and import on Linux, and reports isSupported() === false', () => {
    const script = `
      const cjs = require('winhttp');
      import('winhttp').then((esm) => console.log(JSON.stringify({
        cjs: cjs.isSupported(), esm: esm.isSupported(), request: typeof cjs.request, fetch: typeof esm.fetch,
        main: require.resolve('winhttp'),
      })));`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      cjs: false, esm: false, request: 'function', fetch: 'function', main: installed('dist/lib/index.js'),
    });
  });

  it('installs the winhttp command, which says that it needs Windows', () => {
    const result = spawnSync(path.join(project, 'node_modules', '.bin', 'winhttp'), ['http://127.0.0.1:1/'],
      { cwd: project, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('winhttp needs Windows: WinHTTP is not available on linux');
  });

  it('under Wine, the Windows node.exe and a renamed copy of it load the x64 prebuild and POST through WinHTTP', async () => {
    fs.copyFileSync(SMOKE, path.join(project, 'packed-smoke.js'));
    const code = await runWineNode(['packed-smoke.js', 'result.json'], { cwd: project, outFile: path.join(work, 'wine.log') });
    const result = JSON.parse(fs.readFileSync(path.join(project, 'result.json'), 'utf8'));
    expect(result).toEqual(expectedSmokeResult('x64'));
    expect(code).toBe(0);
  }, 180_000);
});
