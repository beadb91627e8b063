// The suite is written in TypeScript and compiled by `npm run build:ts` into dist/; jest runs the compiled
// JavaScript, so no transform runs inside Windows node.exe under Wine (faster start, one compiler for all).
'use strict';
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  // dist/test/linux runs under Linux node (scripts/test.js, scripts/jest.linux.config.js), not under Wine.
  testPathIgnorePatterns: ['/dist/test/linux/'],
  transform: {},
  testEnvironment: 'node',
  testTimeout: 30000,
  maxWorkers: 2,
};
