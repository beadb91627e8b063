// `winhttp diagnose URL`: parses its options, gathers the diagnosis and prints it as text or JSON. Returns the exit
// code: 0 once a final response was seen (whatever its status), else the code for what failed (exit-codes.ts).
import { DIAGNOSE_USAGE, parseDiagnose } from './diagnose-args';
import { gatherDiagnosis } from './diagnose-gather';
import { renderDiagnosis } from './diagnose-render';
import { EXIT } from './exit-codes';
import { reportError } from './report-error';

export async function runDiagnose(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let options;
  try {
    options = parseDiagnose(argv);
  } catch (error) {
    err.write(`winhttp diagnose: ${(error as Error).message}\n\n${DIAGNOSE_USAGE}\n`);
    return EXIT.USAGE;
  }
  if (options === 'help') {
    out.write(`${DIAGNOSE_USAGE}\n`);
    return EXIT.OK;
  }
  const start = URL.canParse(options.url) ? new URL(options.url) : undefined;
  if (start === undefined || (start.protocol !== 'http:' && start.protocol !== 'https:')) {
    err.write('winhttp diagnose: the url must be an absolute http:// or https:// URL\n');
    return EXIT.URL;
  }
  try {
    const diagnosis = await gatherDiagnosis(options, start);
    out.write(options.json ? `${JSON.stringify(diagnosis, null, 2)}\n` : renderDiagnosis(diagnosis));
    return diagnosis.exitCode;
  } catch (error) {
    // Options the library refuses (a bad --proxy) before anything is sent.
    return reportError(error, err);
  }
}
