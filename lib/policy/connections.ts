// One WinHttpConnect handle per origin (scheme, host, port) and session, shared by every request() to that origin,
// as a native WinHTTP program keeps one: a connection handle does no I/O (WinHTTP pools the sockets per session),
// and opening and closing one per request cost two native calls and a handle each time (bench/README.md,
// finding 3). Closing the session closes them. A session that talks to many origins keeps the last MAX_ORIGINS:
// an older one is only forgotten, not closed (its requests in flight keep it open; it closes once collected).
import type { Connection } from '../core/connection';
import type { Session } from '../core/session';

const MAX_ORIGINS = 64;

const bySession = new WeakMap<Session, Map<string, Connection>>();

export function connectionFor(session: Session, host: string, port: number, secure: boolean): Connection {
  let connections = bySession.get(session);
  if (connections === undefined) {
    connections = new Map();
    bySession.set(session, connections);
  }
  const origin = `${secure ? 'https' : 'http'} ${host} ${port}`;
  const known = connections.get(origin);
  if (known !== undefined && !known.closed) return known;
  const connection = session.connect(host, port, { secure });
  connections.delete(origin);
  if (connections.size >= MAX_ORIGINS) connections.delete(connections.keys().next().value!);
  connections.set(origin, connection);
  return connection;
}
