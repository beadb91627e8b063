#!/usr/bin/env node
// The `winhttp` command (package.json bin): fetch a url through WinHTTP, or run the loopback demo without one.
import { parseCli, USAGE } from './args';
import { runDemo } from './demo';
import { runFetch } from './fetch-command';
import { runDiagnose } from './diagnose-command';
import { EXIT } from './exit-codes';
import { runGet } from './get-command';
import { reportError } from './report-error';

async function main(): Promise<number> {
  if (process.argv[2] === 'get') return runGet(process.argv.slice(3), process);
  if (process.argv[2] === 'diagnose') return runDiagnose(process.argv.slice(3), process.stdout, process.stderr);
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`winhttp: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    if (options.url === undefined) return await runDemo(process);
    await runFetch(options.url, options, process.stdout);
    return EXIT.OK;
  } catch (error) {
    return reportError(error, process.stderr);
  }
}

main().then((code) => {
  process.exitCode = code;
});
