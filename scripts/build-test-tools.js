#!/usr/bin/env node
// Builds the test-only Windows programs of test/tools/ (today cert_store.exe, which test/helpers/trusted-ca.ts runs)
// into build/test-tools/ with cmake: cross-compiled with mingw-w64 on Linux, MSVC on Windows. Does nothing elsewhere.
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build', 'test-tools');

function cmake(args) {
  const r = spawnSync('cmake', args, { stdio: 'inherit', cwd: root });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
}

if (process.platform === 'win32' || process.platform === 'linux') {
  const configure = ['-S', path.join(root, 'test', 'tools'), '-B', buildDir, '-DCMAKE_BUILD_TYPE=Release'];
  if (process.platform === 'win32') configure.push('-A', 'x64');
  else configure.push(`-DCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', 'mingw-w64-x86_64.cmake')}`);
  cmake(configure);
  cmake(['--build', buildDir, '--config', 'Release']);
  console.log(`build-test-tools: ${path.relative(root, path.join(buildDir, 'cert_store.exe'))}`);
}
