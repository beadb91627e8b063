// What test/packaging/packed-smoke.js must report for a Windows node of `arch` (process.arch): the installed package's
// own prebuild loaded, and both POSTs answered with every byte the loopback server echoes. Used by
// test/linux/packed-install.test.ts (under Wine) and, as `node smoke-expectation.js result.json`, by the packed-install
// step of .github/workflows/ci.yml on Windows, where it exits non-zero on any difference.
'use strict';
const assert = require('assert');
const fs = require('fs');

function expectedSmokeResult(arch) {
  return {
    arch,
    isSupported: true,
    addon: `node_modules/winhttp/prebuilds/win32-${arch}/winhttp.napi.node`,
    direct: { status: 200, body: 'POST /packed from node.exe' },
    renamedHost: { host: 'host-app.exe', status: 200, body: 'POST /packed from the renamed host' },
  };
}

module.exports = { expectedSmokeResult };

if (require.main === module) {
  const result = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  assert.deepStrictEqual(result, expectedSmokeResult(process.arch));
  console.log(`packed install works (${process.arch}): ${JSON.stringify(result)}`);
}
