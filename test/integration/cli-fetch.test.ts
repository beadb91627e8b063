// The fetch command's --fail and -d, and how the real `winhttp` command ends: exit code, nothing written for a failed
// status, the WinHttpError code and a hint on standard error. An echo server answers with what it received (every
// header line of the request and the body, as JSON), so the bytes sent are checked whole.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseCli } from '../../lib/cli/args';
import { runFetch } from '../../lib/cli/fetch-command';
import { EXIT } from '../../lib/cli/exit-codes';
import { HttpStatusError } from '../../lib/cli/http-status-error';
import { hintFor, hintForStatus } from '../../lib/cli/hints';
import { WinHttpError } from '../../lib/errors';
import { rejectionOf } from '../helpers/assertions';
import { TextSink, runCommand } from '../helpers/cli-run';
import { type TestServer, closedPort, readBody, startHttpServer } from '../helpers/servers';

interface Echo {
  method: string;
  contentTypes: string[];
  body: string;
}

let echo: TestServer<http.Server>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'winhttp-cli-fetch-'));
  echo = await startHttpServer((req, res) => void readBody(req).then(({ bytes }) => {
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    const contentTypes: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (req.rawHeaders[i].toLowerCase() === 'content-type') contentTypes.push(req.rawHeaders[i + 1]);
    }
    const text = JSON.stringify({ method: req.method, contentTypes, body: bytes.toString('base64') });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
  }));
});

afterAll(async () => {
  await echo?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Runs `winhttp <args>` in this process; returns the echo the body carried.
async function fetched(args: string[]): Promise<Echo> {
  const options = parseCli(args);
  const out = new TextSink();
  await runFetch(options.url!, options, out);
  const body = out.text.slice(out.text.indexOf('\n\n') + 2);
  const echoed = JSON.parse(body) as Echo;
  return { ...echoed, body: Buffer.from(echoed.body, 'base64').toString('utf8') };
}

describe('-d', () => {
  const FORM = 'name=J%C3%BCrgen+W&x=1&y=a%26b&z=é \u{1F600}';

  it('sends the body as application/x-www-form-urlencoded with POST when no Content-Type is given', async () => {
    expect(await fetched(['-d', FORM, `${echo.url}form`]))
      .toEqual({ method: 'POST', contentTypes: ['application/x-www-form-urlencoded'], body: FORM });
  });

  it('sends the Content-Type given (in any case) instead, once', async () => {
    expect(await fetched(['-H', 'content-type: text/plain; charset=utf-8', '-d', FORM, `${echo.url}typed`]))
      .toEqual({ method: 'POST', contentTypes: ['text/plain; charset=utf-8'], body: FORM });
  });

  it('@file: the file\'s bytes, with the form type and the method given', async () => {
    const file = path.join(dir, 'body.txt');
    writeFileSync(file, 'a=1\r\nb=2\n');
    expect(await fetched(['-X', 'PUT', '-d', `@${file}`, `${echo.url}file`]))
      .toEqual({ method: 'PUT', contentTypes: ['application/x-www-form-urlencoded'], body: 'a=1\r\nb=2\n' });
  });

  it('no -d, no Content-Type', async () => {
    expect(await fetched([`${echo.url}plain`])).toEqual({ method: 'GET', contentTypes: [], body: '' });
  });
});

describe('--fail', () => {
  it('a status of 400 or above rejects with HttpStatusError and writes nothing', async () => {
    const options = parseCli(['--fail', `${echo.url}missing?status=404`]);
    const out = new TextSink();
    const error = await rejectionOf(runFetch(options.url!, options, out));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect([error.status, error.message]).toEqual([404, `the server answered 404 Not Found for ${echo.url}missing?status=404`]);
    expect(out.text).toBe('');
  });

  it('below 400, or without --fail, the head and body are written', async () => {
    expect((await fetched(['--fail', `${echo.url}ok?status=399`])).method).toBe('GET');
    expect((await fetched([`${echo.url}error?status=500`])).method).toBe('GET');
  });
});

describe('the winhttp command', () => {
  it('--fail on a 404: exit code 22, nothing on standard output, the status and a hint on standard error', async () => {
    const run = await runCommand(['--fail', `${echo.url}gone?status=404`]);
    expect(run).toEqual({ code: 22, out: '',
      err: `winhttp: the server answered 404 Not Found for ${echo.url}gone?status=404\nhint: ${hintForStatus(404)}\n` });
  });

  it('a closed port: the connect exit code, the WinHttpError code and its hint', async () => {
    const run = await runCommand([`http://127.0.0.1:${await closedPort()}/`]);
    expect(run.code).toBe(EXIT.CONNECT);
    expect(run.out).toBe('');
    const lines = run.err.split('\n');
    expect(lines[0]).toMatch(/^winhttp: WinHttpError: .* \(code=ERROR_WINHTTP_CANNOT_CONNECT errno=12029 api=WinHttpSendRequest\)$/);
    expect(lines.slice(1)).toEqual([`hint: ${hintFor(new WinHttpError(12029, 'WinHttpSendRequest'))}`, '']);
  });

  it('a bad option: the usage exit code; diagnose is a command of its own with its exit codes', async () => {
    expect((await runCommand(['--no-such-option', echo.url])).code).toBe(EXIT.USAGE);
    const diagnosed = await runCommand(['diagnose', '--proxy', 'none', `${echo.url}diag`]);
    expect(diagnosed.code).toBe(EXIT.OK);
    expect(diagnosed.out).toContain(`\nResult: 200 OK from ${echo.url}diag after 0 redirects\nExit code: 0\n`);
  });
});
