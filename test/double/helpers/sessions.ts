// Sessions for one test file of the contract double: each one made is closed after the test that made it.
import { Session, type TlsOptions } from '../../../lib';

/** Call at file level; returns the factory (proxy 'none', the given TLS options). */
export function sessionsClosedAfterEach(): (tls?: TlsOptions) => Session {
  const made: Session[] = [];
  afterEach(() => {
    for (const session of made.splice(0)) session.close();
  });
  return (tls?: TlsOptions) => {
    const session = new Session({ proxy: 'none', tls });
    made.push(session);
    return session;
  };
}
