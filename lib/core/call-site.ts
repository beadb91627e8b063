// Stacks for errors that arrive in a WinHTTP callback: the frames of the JS call that started the step replace the
// callback's, which say nothing about where the caller was.
import { formatted } from './formatted';

/** Records the caller's frames now; V8 formats them only if `stack` is read, i.e. only when the step fails. */
export function callSite(): { stack?: string } {
  const site = {};
  Error.captureStackTrace(site, callSite);
  return site;
}

export function withCallerStack(error: Error, site: { stack?: string } | undefined): Error {
  const frames = site?.stack?.split('\n').slice(1).join('\n');
  if (frames) error.stack = `${error.name}: ${error.message}\n${frames}`;
  return formatted(error);
}
