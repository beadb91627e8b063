#!/usr/bin/env node
// The `winhttp` command (package.json bin): fetch a url through WinHTTP, or run the loopback demo without one.
import { parseCli, USAGE } from './args';
import { runDemo } from './demo';
import { runFetch } from './fetch-command';
import { runGet } from './get-command';

async function main(): Promise<number> {
  if (process.argv[2] === 'get') return runGet(process.argv.slice(3), process);
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`winhttp: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (options.url === undefined) return await runDemo(process);
    await runFetch(options.url, options, process.stdout);
    return 0;
  } catch (error) {
    const e = error as Error & { code?: string; errno?: number; api?: string };
    const details = [e.code && `code=${e.code}`, e.errno !== undefined && `errno=${e.errno}`, e.api && `api=${e.api}`]
      .filter(Boolean).join(' ');
    process.stderr.write(`winhttp: ${e.name}: ${e.message}${details ? ` (${details})` : ''}\n`);
    return 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
