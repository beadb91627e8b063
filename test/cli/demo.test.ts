// The quick start's demo (`winhttp` without a url; `bash scripts/dev.sh demo`), piped: it downloads its loopback file
// through `winhttp get`, across the connection it breaks at 40 %, verifies the SHA-256 it published, shows the typed
// error of a closed port, and exits 0. Its terminal output is the progress line test/linux/cli-get-tty.test.ts checks.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const CLI = join(__dirname, '..', '..', 'lib', 'cli', 'main.js');

it('downloads, resumes and verifies its file, then shows the closed port\'s WinHttpError', async () => {
  const child = spawn(process.execPath, [CLI], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => { stdout += data.toString('utf8'); });
  child.stderr.on('data', (data: Buffer) => { stderr += data.toString('utf8'); });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const published = /its SHA-256 published as ([0-9a-f]{64})\./.exec(stdout)?.[1];
  expect(published).toBeDefined();
  expect(stdout).toMatch(new RegExp(`> winhttp get http://127\\.0\\.0\\.1:\\d+/demo\\.bin -o \\S+demo\\.bin --sha256 ${published}\\n`));
  expect(stdout).toContain(`holds 33554432 bytes with SHA-256 ${published}, the one the server published\n`);
  expect(stdout).toMatch(/WinHttpError: code=ERROR_WINHTTP_CANNOT_CONNECT errno=12029 api=WinHttpSendRequest category=connect\n$/);
}, 60_000);
