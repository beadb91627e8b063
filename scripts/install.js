#!/usr/bin/env node
// npm install hook. WinHTTP exists only on Windows: elsewhere installing must succeed and build nothing
// (the package then loads and reports isSupported() === false). On Windows, node-gyp-build uses the
// prebuilt addon from prebuilds/ and compiles binding.gyp only when none matches.
'use strict';
if (process.platform !== 'win32') process.exit(0);
const { spawnSync } = require('child_process');
const bin = require.resolve('node-gyp-build/bin.js');
const r = spawnSync(process.execPath, [bin], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
