#!/usr/bin/env node
// Builds the Windows x64 addon with cmake-js into prebuilds/win32-x64/winhttp.napi.node, where node-gyp-build
// (and so lib/native/binding.ts) finds it, laid out as prebuildify would. On Linux it cross-compiles with the
// mingw-w64 toolchain file; on Windows cmake-js uses MSVC.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build', 'cmake-win32-x64');
const target = path.join(root, 'prebuilds', 'win32-x64', 'winhttp.napi.node');
const nodeApiDef = require('node-api-headers').def_paths.node_api_def;

const args = [require.resolve('cmake-js/bin/cmake-js'), 'build', '--directory', root, '--out', buildDir,
  '--arch', 'x64', '--config', 'Release'];
if (process.platform !== 'win32') {
  args.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', 'mingw-w64-x86_64.cmake')}`,
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
