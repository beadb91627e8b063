// Jest config of the Linux-only suite (dist/test/linux), run with Linux node by scripts/test.js.
'use strict';
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/dist/test/linux'],
  testMatch: ['**/*.test.js'],
  transform: {},
  testEnvironment: 'node',
};
