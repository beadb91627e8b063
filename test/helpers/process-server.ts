// A loopback http server in a child process (this node executable; under Wine the Windows node.exe), started once per
// file, for a test whose client may block this process's JS thread: under Wine, WinHttpReadData reads the next chunk
// header of a chunked body synchronously on the calling thread (docs/wine.md), so a server on the same JS thread
// could not send the chunk that read waits for. The child loads `handlerModule` (a compiled .js file exporting
// `handler`, an http.RequestListener), serves it on 127.0.0.1 and reports its port over the IPC channel; it exits when
// that channel closes, so it cannot outlive the test process. Its stdio is ignored (under Wine, node.exe cannot write
// to a Linux pipe).
import { type ChildProcess, fork } from 'node:child_process';
import type * as http from 'node:http';
import { startHttpServer } from './servers';

export interface ProcessServer {
  port: number;
  /** Origin with a trailing slash, e.g. "http://127.0.0.1:50123/". */
  url: string;
  /** Closes the server and waits for the child to exit. */
  close(): Promise<void>;
}

interface Listening {
  port: number;
}

export async function startProcessServer(handlerModule: string): Promise<ProcessServer> {
  const child: ChildProcess = fork(__filename, [handlerModule], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: Listening) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the server process for ${handlerModule} exited with ${String(code)}`)));
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

async function serveInThisProcess(handlerModule: string): Promise<void> {
  const { handler } = (await import(handlerModule)) as { handler: http.RequestListener };
  const server = await startHttpServer(handler);
  process.once('disconnect', () => void server.close().then(() => process.exit(0)));
  process.send!({ port: server.port } satisfies Listening);
}

if (require.main === module && process.send !== undefined) {
  serveInThisProcess(process.argv[2]).catch(() => process.exit(1));
}
