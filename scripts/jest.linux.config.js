// Jest config of the suite run with Linux node by scripts/test.js: dist/test/linux and the unit tests.
'use strict';
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  // The pure TypeScript unit tests run here too (they also run under Wine with the main suite).
  roots: ['<rootDir>/dist/test/linux', '<rootDir>/dist/test/unit'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testEnvironment: 'node',
};
