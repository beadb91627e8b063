// The session request() uses when none is given: created on first use, with the default options. It holds no
// event-loop reference (only pending calls do), so it never keeps a process alive.
import { Session } from './core/session';

let shared: Session | undefined;

export function defaultSession(): Session {
  if (shared === undefined || shared.closed) shared = new Session();
  return shared;
}
