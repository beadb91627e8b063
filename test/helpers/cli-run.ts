// Runs a `winhttp` command for the CLI tests: in this process (runDiagnose with string sinks), or as the real command
// (dist/lib/cli/main.js in a child of this node executable) with its standard output and error in files, as Windows
// node.exe under Wine cannot write to a Linux pipe.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export class TextSink extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const MAIN = path.resolve(__dirname, '..', '..', 'lib', 'cli', 'main.js');

/** The real command: exit code and what it wrote. */
export async function runCommand(args: string[]): Promise<CliRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'winhttp-cli-'));
  const outFile = path.join(dir, 'out');
  const errFile = path.join(dir, 'err');
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  try {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', out, err] });
      child.once('error', reject);
      child.once('exit', (status) => resolve(status ?? -1));
    });
    return { code, out: readFileSync(outFile, 'utf8'), err: readFileSync(errFile, 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}
