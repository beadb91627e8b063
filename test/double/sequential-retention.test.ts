// Bench scenario 3 (10,000 sequential GETs) read as per-request retention: its V8 heap and RSS grew 4–7 MB over the
// 10,000 for request(). That was V8's young generation doubling, not the library (bench/clients/run.js,
// releaseSpareHeap). This checks the library's side by counting instead of reading memory figures: the test keeps
// a WeakRef to every response, body and low-level request it makes, and once many sequential exchanges are done and
// collected none of them may be left, whatever a session or connection keeps for its children (weak handle sets,
// the connection cached per origin), nor any native request state.
import { liveNativeRequests, request, type Connection, Session } from '../../lib';
import { settledLiveNativeRequests } from '../helpers/gc';
import { contractDouble, useContractDouble } from './helpers/contract-double';

useContractDouble();

// Enough for the weak handle sets to sweep a few times (the first sweep is at 64 members).
const COUNT = 300;
const BODY = 'x'.repeat(200);

// Each exchange runs in a function of its own that has returned before the count: a suspended async function's
// frame may still hold its last request in a register.
async function viaRequest(session: Session, path: string, made: Array<WeakRef<object>>): Promise<void> {
  const res = await request(`http://a.test${path}`, { session });
  made.push(new WeakRef(res), new WeakRef(res.body));
  let text = '';
  for await (const chunk of res.body) text += String(chunk);
  expect(text).toBe(BODY);
}

async function viaLowLevel(connection: Connection, path: string, made: Array<WeakRef<object>>): Promise<void> {
  const req = connection.openRequest('GET', path);
  made.push(new WeakRef(req));
  await req.send();
  expect((await req.receiveResponse()).status).toBe(200);
  const chunks: Buffer[] = [];
  for (let c; (c = await req.read(64 * 1024)) !== null;) chunks.push(c);
  expect(Buffer.concat(chunks).toString()).toBe(BODY);
  req.close();
}

it('sequential request()s and low-level exchanges leave none of their objects behind', async () => {
  const session = new Session({ proxy: 'none' });
  contractDouble().setScenario({ completion: 'random', fallback: { body: BODY } });
  const made: Array<WeakRef<object>> = [];
  try {
    for (let i = 0; i < COUNT; i++) await viaRequest(session, `/${i}`, made);
    const connection = session.connect('a.test', 80);
    for (let i = 0; i < COUNT; i++) await viaLowLevel(connection, `/${i}`, made);
    expect(made).toHaveLength(3 * COUNT);
    expect(await settledLiveNativeRequests()).toBe(0);
    expect(made.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    // WinHTTP handles still open: the session, the connection request() keeps for the origin, and `connection`.
    expect(contractDouble().stats().openHandles).toBe(3);
    connection.close();
  } finally {
    session.close();
  }
  expect(liveNativeRequests()).toBe(0);
});
