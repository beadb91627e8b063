// --fail: a final HTTP status of 400 or above ends the command as a failure (exit code 22, as curl -f), and the body
// is not written.

export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  readonly code = 'ERR_WINHTTP_CLI_HTTP_STATUS';
  readonly status: number;

  constructor(status: number, statusText: string, url: string) {
    super(`the server answered ${status}${statusText ? ` ${statusText}` : ''} for ${url}`);
    this.status = status;
  }
}

/** With --fail: the error for a status of 400 or above, else undefined. */
export function failedStatus(fail: boolean, status: number, statusText: string, url: string): HttpStatusError | undefined {
  return fail && status >= 400 ? new HttpStatusError(status, statusText, url) : undefined;
}
