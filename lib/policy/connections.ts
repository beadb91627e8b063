// One WinHttpConnect handle per origin (scheme, host, port) and session, shared by every request() to that origin,
// as a native WinHTTP program keeps one: a connection handle does no I/O (WinHTTP pools the sockets per session),
// and opening and closing one per request cost two native calls and a handle each time (bench/README.md,
// finding 3). Closing the session closes them. A session that talks to many origins keeps the last MAX_ORIGINS:
// an older one is only forgotten, not closed (its requests in flight keep it open; it closes once collected).
import type { Connection } from '../core/connection';
import type { Session } from '../core/session';

const MAX_ORIGINS = 64;

const bySession = new WeakMap<Session, Map<string, Connection>>();

// The connection returned last (held weakly: a dropped session must still be collected): most calls ask for the
// same origin of the same session again.
let last: { session: WeakRef<Session>; host: string; port: number; secure: boolean; connection: WeakRef<Connection> } |
  undefined;

export function connectionFor(session: Session, host: string, port: number, secure: boolean): Connection {
  if (last !== undefined && last.host === host && last.port === port && last.secure === secure &&
    last.session.deref() === session) {
    const known = last.connection.deref();
    if (known !== undefined && !known.closed) return known;
  }
  const connection = connectionOf(session, host, port, secure);
  last = { session: new WeakRef(session), host, port, secure, connection: new WeakRef(connection) };
  return connection;
}

function connectionOf(session: Session, host: string, port: number, secure: boolean): Connection {
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
