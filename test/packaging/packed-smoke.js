// Uses winhttp as a project that installed the packed tarball would: run by a Windows node from that project's folder
// (test/linux/packed-install.test.ts under Wine; .github/workflows/ci.yml on Windows). It serves one loopback server,
// POSTs to it through require('winhttp') in this process and then in a copy of this node.exe named host-app.exe (as
// Electron is not named node.exe), and writes what it saw as JSON to the file named by its argument.
// Plain JavaScript, not compiled, and copied into that folder first: from here, require("winhttp") would find this
// repository itself (a package may require its own name).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const http = require('http');
const path = require('path');

const [, , resultFile, childUrl] = process.argv;

async function post(url, body) {
  const winhttp = require('winhttp');
  const response = await winhttp.request(url, { method: 'POST', body, timeout: 10000 });
  return { status: response.status, body: await response.text() };
}

async function asRenamedHost(url) {
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'winhttp-packed-host-'));
  try {
    const host = path.join(dir, 'host-app.exe');
    fs.copyFileSync(process.execPath, host);
    const childResult = path.join(dir, 'child.json');
    // The child runs this script from this project's folder, so require('winhttp') finds the installed package.
    const code = await new Promise((resolve, reject) => {
      const child = spawn(host, [__filename, childResult, url], { cwd: process.cwd(), stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) return { exitCode: code };
    return JSON.parse(fs.readFileSync(childResult, 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (childUrl !== undefined) {
    return { host: path.basename(process.execPath), ...(await post(childUrl, 'from the renamed host')) };
  }
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/packed`;
  try {
    const packageDir = path.dirname(require.resolve('winhttp/package.json'));
    return {
      arch: process.arch,
      isSupported: require('winhttp').isSupported(),
      // The binary node-gyp-build picks, relative to this project (a fresh install has no build/ folder).
      addon: path.relative(process.cwd(), require('node-gyp-build').resolve(packageDir)).split(path.sep).join('/'),
      direct: await post(url, 'from node.exe'),
      renamedHost: await asRenamedHost(url),
    };
  } finally {
    server.close();
  }
}

main().then((result) => fs.writeFileSync(resultFile, JSON.stringify(result)), (error) => {
  fs.writeFileSync(resultFile, JSON.stringify({ error: String(error && error.stack || error) }));
  process.exitCode = 1;
});
