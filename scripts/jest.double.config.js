// Jest config of the contract-double suite (dist/test/double), run by scripts/double.js with Linux node against the
// Linux build of the addon (WINHTTP_NATIVE_PATH), plain or under a sanitizer. One process, tests in band: the
// sanitizer runtime is preloaded into it, and the double is process-wide.
'use strict';
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/dist/test/double'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testEnvironment: 'node',
  // ThreadSanitizer slows node down several times.
  testTimeout: 120000,
  maxWorkers: 1,
};
