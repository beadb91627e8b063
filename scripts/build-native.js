#!/usr/bin/env node
// Builds the Windows addon with cmake-js into prebuilds/win32-<arch>/winhttp.napi.node, where node-gyp-build (and so
// lib/native/binding.ts) finds it, laid out as prebuildify would: the ".napi" tag makes it one binary for every
// runtime with Node-API 8 (Node.js 20+, Electron), so none needs a rebuild. On Linux it cross-compiles with the
// mingw-w64 toolchain files (x64 and ia32, the two that ship from here; arm64 is built on a Windows arm64 runner:
// .github/workflows/release.yml); on Windows cmake-js uses MSVC for the arch of this node.
// CLI: `node scripts/build-native.js [arch...]`, default: x64 and ia32 on Linux, this node's arch on Windows.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const TOOLCHAINS = { x64: 'mingw-w64-x86_64.cmake', ia32: 'mingw-w64-i686.cmake' };
const nodeApiDef = require('node-api-headers').def_paths.node_api_def;

// `cmake-js build` configures only when the build folder is new: in a folder copied from another checkout it runs
// that checkout's ninja files, compiling the other tree's sources (cmake's complaint does not stop it). Start afresh.
function dropForeignBuildDir(buildDir) {
  const cache = path.join(buildDir, 'CMakeCache.txt');
  if (!fs.existsSync(cache)) return;
  const home = /^CMAKE_HOME_DIRECTORY:INTERNAL=(.*)$/m.exec(fs.readFileSync(cache, 'utf8'));
  if (home && path.resolve(home[1]) === root) return;
  console.log(`build-native: ${path.relative(root, buildDir)} was configured for ${home ? home[1] : 'another tree'}; rebuilding it`);
  fs.rmSync(buildDir, { recursive: true, force: true });
}

function build(arch) {
  const buildDir = path.join(root, 'build', `cmake-win32-${arch}`);
  dropForeignBuildDir(buildDir);
  const target = path.join(root, 'prebuilds', `win32-${arch}`, 'winhttp.napi.node');
  const args = [require.resolve('cmake-js/bin/cmake-js'), 'build', '--directory', root, '--out', buildDir,
    '--arch', arch, '--config', 'Release'];
  if (process.platform !== 'win32') {
    if (!TOOLCHAINS[arch]) throw new Error(`build-native: no mingw-w64 toolchain for ${arch} (have ${Object.keys(TOOLCHAINS)})`);
    args.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', TOOLCHAINS[arch])}`,
      `--CDNODE_API_DEF=${nodeApiDef}`, '--parallel', '2');
  }
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);

  const candidates = [path.join(buildDir, 'Release', 'winhttp.node'), path.join(buildDir, 'winhttp.node')];
  const built = candidates.find((f) => fs.existsSync(f));
  if (!built) {
    console.error(`build-native: cmake-js succeeded but no winhttp.node in ${candidates.join(' or ')}`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Copy then rename: a node.exe that has the old addon loaded keeps its file; overwriting in place would pull the
  // pages out from under it.
  const staging = `${target}.${process.pid}.tmp`;
  fs.copyFileSync(built, staging);
  fs.renameSync(staging, target);
  console.log(`build-native: ${path.relative(root, target)}`);
}

const requested = process.argv.slice(2);
const arches = requested.length > 0 ? requested : process.platform === 'win32' ? [process.arch] : Object.keys(TOOLCHAINS);
for (const arch of arches) build(arch);
