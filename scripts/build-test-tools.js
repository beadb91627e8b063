#!/usr/bin/env node
// Builds the test-only Windows programs of test/tools/ (today cert_store.exe, which test/helpers/trusted-ca.ts runs)
// into build/test-tools/ with cmake: cross-compiled with mingw-w64 on Linux, MSVC on Windows; and the TLS tests'
// certificates into build/test-certs/ (test/tools/make-tls-certs.sh). Does nothing elsewhere.
'use strict';
const fs = require('fs');
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
  // The TLS tests' certificates, made fresh with openssl (on Windows: Git for Windows' bash and openssl, named by
  // its path: System32's bash.exe is WSL's).
  const gitBash = path.join(process.env.ProgramFiles || 'C:\\Program Files', 'Git', 'bin', 'bash.exe');
  const bash = process.platform === 'win32' && fs.existsSync(gitBash) ? gitBash : 'bash';
  const certs = spawnSync(bash, [path.join(root, 'test', 'tools', 'make-tls-certs.sh'), path.join(root, 'build', 'test-certs')],
    { stdio: 'inherit', cwd: root });
  if (certs.error) throw certs.error;
  if (certs.status !== 0) process.exit(certs.status === null ? 1 : certs.status);
  console.log('build-test-tools: build/test-certs/');
}
