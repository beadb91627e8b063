// Read buffers are kept for the environment's next requests (native/buffer_pool.h) instead of being freed at
// HANDLE_CLOSING. A block may go back to the pool only once WinHTTP can no longer write into it: a request closed
// while its read is pending may still have that read completed into its buffer (cancel 'complete': the read outruns
// the close), after which the next request takes the block. Checked by content: every request's every byte is its
// own, while closed requests' reads land meanwhile, through request() (the first chunk and the pump's two buffers)
// and low-level read()s of several sizes.
import { Session, request, type Connection } from '../../lib';
import { contractDouble, useContractDouble, type ResponseScript } from './helpers/contract-double';

useContractDouble();

const KiB = 1024;
const SIZES = [1, 3 * KiB, 64 * KiB - 1, 64 * KiB, 100 * KiB, 300 * KiB];
const ROUTES = 12;

// Route k's body: its own byte pattern, so bytes from another request's body (or a stale read) show.
function bodyOf(k: number): Buffer {
  const size = SIZES[k % SIZES.length];
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + k * 101 + (i >> 9)) & 0xff));
}
const pieces = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

function routes(): Record<string, ResponseScript> {
  const table: Record<string, ResponseScript> = {};
  for (let k = 0; k < ROUTES; k++) {
    table[`/body/${k}`] = { body: pieces(bodyOf(k), 7 * KiB + k) };
    // A read that stays pending until the request is closed; its 0x5a bytes must never reach another request.
    table[`/stall/${k}`] = { body: [Buffer.alloc(96 * KiB, 0x5a)], stalls: ['read'] };
  }
  return table;
}

async function viaRequest(session: Session, k: number): Promise<Buffer> {
  const res = await request(`http://double.test/body/${k}`, { session });
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function viaRead(connection: Connection, k: number, readSize: number): Promise<Buffer> {
  const req = connection.openRequest('GET', `/body/${k}`);
  try {
    await req.send();
    await req.receiveResponse();
    const chunks: Buffer[] = [];
    for (let c; (c = await req.read(readSize)) !== null;) chunks.push(c);
    return Buffer.concat(chunks);
  } finally {
    req.close();
  }
}

// Leaves a read pending into the request's buffer, then closes the request: the read may still land after the close.
async function closedWhileReading(connection: Connection, k: number): Promise<void> {
  const req = connection.openRequest('GET', `/stall/${k}`);
  await req.send();
  await req.receiveResponse();
  const reading = req.read(64 * KiB).catch(() => null);
  req.close();
  await reading;
}

it.each(['pool', 'random'] as const)('gives no request another one\'s bytes (completion %s)', async (completion) => {
  contractDouble().setScenario({ completion, cancel: 'complete', delayMs: [0, 2], seed: 9, routes: routes() });
  const session = new Session({ proxy: 'none' });
  const connection = session.connect('double.test', 80);
  try {
    for (let round = 0; round < 30; round++) {
      const k = round % ROUTES;
      const closing = closedWhileReading(connection, k);
      const [byRequest, bySmallReads, byLargeReads] = await Promise.all([
        viaRequest(session, k),
        viaRead(connection, (k + 1) % ROUTES, 4 * KiB + round),
        viaRead(connection, (k + 2) % ROUTES, 64 * KiB),
        closing,
      ]);
      expect(byRequest.equals(bodyOf(k))).toBe(true);
      expect(bySmallReads.equals(bodyOf((k + 1) % ROUTES))).toBe(true);
      expect(byLargeReads.equals(bodyOf((k + 2) % ROUTES))).toBe(true);
    }
  } finally {
    connection.close();
    session.close();
  }
});
