// The suite is written in TypeScript and compiled by `npm run build:ts` into dist/; jest runs the compiled
// JavaScript, so no transform runs inside Windows node.exe under Wine (faster start, one compiler for all).
'use strict';
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  // These run under Linux node, not under Wine: dist/test/linux (scripts/jest.linux.config.js) and the contract
  // double's suite, dist/test/double (scripts/double.js).
  testPathIgnorePatterns: ['/dist/test/linux/', '/dist/test/double/'],
  // The suite CA (test/helpers/trusted-ca.ts) is in LocalMachine\Root from before the first file to after the last.
  globalSetup: '<rootDir>/dist/test/global/suite-ca-setup.js',
  globalTeardown: '<rootDir>/dist/test/global/suite-ca-teardown.js',
  transform: {},
  testEnvironment: 'node',
  testTimeout: 30000,
  maxWorkers: 2,
};
