// How every command ends on an error: one line with the error (a WinHttpError's symbolic code, number and failing
// API), one line "hint: ..." of what to try, and the exit code for its kind (exit-codes.ts).
import { EXIT, exitCodeFor, type ExitCode } from './exit-codes';
import { hintFor, hintForStatus } from './hints';
import { HttpStatusError } from './http-status-error';

/** Writes the error and its hint to `err`; returns the exit code. */
export function reportError(error: unknown, err: NodeJS.WritableStream): ExitCode {
  if (error instanceof HttpStatusError) {
    err.write(`winhttp: ${error.message}\nhint: ${hintForStatus(error.status)}\n`);
    return EXIT.HTTP_ERROR;
  }
  const e = (error instanceof Error ? error : new Error(String(error))) as Error & { code?: unknown; errno?: unknown; api?: unknown };
  const details = [
    typeof e.code === 'string' && `code=${e.code}`,
    typeof e.errno === 'number' && `errno=${e.errno}`,
    typeof e.api === 'string' && `api=${e.api}`,
  ].filter(Boolean).join(' ');
  err.write(`winhttp: ${e.name}: ${e.message}${details ? ` (${details})` : ''}\n`);
  const hint = hintFor(error);
  if (hint !== undefined) err.write(`hint: ${hint}\n`);
  return exitCodeFor(error);
}
