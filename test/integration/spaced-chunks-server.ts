// The handler of request.test.ts's server process (test/helpers/process-server.ts): a chunked body whose chunks leave
// CHUNK_GAP_MS apart. No Content-Length: Node sends each write as its own chunk.
import type * as http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

export const CHUNKS = ['first,', 'second,', 'third,', 'fourth'];
export const CHUNK_GAP_MS = 20;

export function handler(_req: http.IncomingMessage, res: http.ServerResponse): void {
  void (async () => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    for (const [i, part] of CHUNKS.entries()) {
      if (i > 0) await delay(CHUNK_GAP_MS);
      res.write(part);
    }
    res.end();
  })();
}
