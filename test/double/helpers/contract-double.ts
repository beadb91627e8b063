// The contract double's control object (test/double/native/double_control.h) as the tests see it, the notification numbers
// of winhttp.h, and the end-of-test check every test runs: once everything is closed, no handle, task, native request
// state or documented-rule violation may be left.
import { liveNativeRequests } from '../../../lib';
import { getBinding } from '../../../lib/native/binding';

export type Completion = 'pool' | 'sync' | 'random';
export type Cancel = 'error' | 'complete' | 'random';
export type StepName = 'send' | 'write' | 'receive' | 'query' | 'read';

export interface ResponseScript {
  status?: number;
  statusText?: string;
  version?: string;
  headers?: [string, string][];
  body?: string | (string | Uint8Array)[];
  readLimit?: number;
  /** The first N WinHttpQueryHeaders answers of ERROR_INSUFFICIENT_BUFFER each lengthen the first header afterwards. */
  growOnShortBuffer?: number;
  redirects?: { status?: number; location: string }[];
  interim?: number[];
  /** What verifying the certificate finds (SECURE_FAILURE flags), before the request's SECURITY_FLAGS waive any. */
  secureFailure?: number;
  /** DER certificates, the server's first: what WINHTTP_OPTION_SERVER_CERT_CONTEXT and its store hold. */
  serverCertificates?: Uint8Array[];
  clientCertNeeded?: boolean;
  /** DER names of the CAs the server accepts: WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST after the 12044. */
  clientCertIssuers?: Uint8Array[];
  /** The server requires a certificate: sent with WINHTTP_NO_CLIENT_CERT_CONTEXT, the send fails with this error. */
  noClientCertError?: number;
  /** A new https connection's TLS handshake takes at least this long (stamped in WINHTTP_OPTION_REQUEST_TIMES). */
  handshakeMs?: number;
  /** false: WINHTTP_OPTION_REQUEST_TIMES is unknown (ERROR_WINHTTP_INVALID_OPTION), as before Windows 10 1903. */
  requestTimes?: boolean;
  resends?: number;
  neverAnswers?: boolean;
  keepAlive?: boolean;
  address?: string;
  faults?: { step: StepName; error: number; call?: number }[];
  /** Calls of these steps stay pending until the request is closed. */
  stalls?: StepName[];
  /** Calls of these steps stay pending until contractDouble().releaseHeld() (or the request is closed). */
  holds?: StepName[];
  /** 401/407 answers until accepted credentials are set (test/double/native/double_auth.h). */
  challenges?: ChallengeScript[];
}

export interface ChallengeScript {
  target: 'server' | 'proxy';
  /** Offered in this order, one WWW-/Proxy-Authenticate header each. */
  schemes: ('Basic' | 'NTLM' | 'Passport' | 'Digest' | 'Negotiate')[];
  user?: string;
  password?: string;
  /** Compared when given: the user name must then be DOMAIN\\user. */
  domain?: string;
  /** NULL credentials for NTLM/Negotiate are accepted while WINHTTP_OPTION_AUTOLOGON_POLICY is LOW. */
  loggedOnUser?: boolean;
}

export interface Script {
  seed?: number;
  completion?: Completion;
  cancel?: Cancel;
  closing?: 'pool' | 'sync' | 'random';
  delayMs?: [number, number];
  trace?: boolean;
  /** With completion 'sync': a call made inside a callback completes inside that call too (nested callbacks). */
  nested?: boolean;
  routes?: Record<string, ResponseScript>;
  fallback?: ResponseScript;
  failCalls?: { api: string; error: number; skip?: number; times?: number; option?: number }[];
  /**
   * The addon's own code throws std::bad_alloc `times` times (default 1, -1: always) for notification `status`: while
   * the status callback copies and queues it, or while the JS thread hands it to JavaScript.
   */
  throwBadAlloc?: { at: 'status-callback' | 'call-js'; status: number; times?: number }[];
}

export interface DoubleStats {
  openHandles: number;
  liveHandles: number;
  requests: number;
  callbacks: number;
  /** Calls whose completion's callback has returned. */
  finishedCalls: number;
  poolCompletions: number;
  syncCompletions: number;
  cancelled: number;
  injected: number;
  busyTasks: number;
  /** Certificate contexts handed out (WINHTTP_OPTION_SERVER_CERT_CONTEXT, CertEnumCertificatesInStore) not yet freed. */
  liveCertContexts: number;
  /** WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST answers not yet given back with GlobalFree. */
  liveIssuerLists: number;
  /** Certificate stores opened (CertOpenStore, PFXImportCertStore) and not yet closed. */
  liveCertStores: number;
  /** Chain engines (CertCreateCertificateChainEngine) and chains (CertGetCertificateChain) not yet freed. */
  liveChainEngines: number;
  liveChains: number;
  /** CertGetCertificateChain calls with an engine of exclusive roots, and with the default engine. */
  exclusiveChainCalls: number;
  defaultChainCalls: number;
  /** WinHttpWebSocketReceive calls accepted so far (never reset: compare before and after). */
  webSocketReceives: number;
  violations: string[];
}

export interface TraceEntry {
  serial: number;
  method: string;
  path: string;
  notifications: number[];
  errors: number[];
  /** The request's header lines ("Name: value") as last sent, in order. */
  headerLines: string[];
  /** Every request body byte the double received: the optional data, then each write (again after a resend). */
  received: Buffer;
  /** Per response, the credentials each target received: "server|proxy Scheme user:password" or "(logged-on user)". */
  credentials: string[];
  /** DER of the client certificate presented at the last send (WinHTTP's duplicate of CLIENT_CERT_CONTEXT); empty: none. */
  clientCertificate: Buffer;
}

export interface ScriptedCertificate {
  der: Uint8Array;
  hasPrivateKey: boolean;
}

/** What CurrentUser\MY and LocalMachine\MY hold, and the PFX files PFXImportCertStore knows (reset per test). */
export interface CertStores {
  currentUser?: ScriptedCertificate[];
  localMachine?: ScriptedCertificate[];
  pfx?: { bytes: Uint8Array; password: string; certificates: ScriptedCertificate[] }[];
}

/** The chain engine's certificates, as opaque bytes: who issued each, its names and its own CERT_TRUST_* errors. */
export interface ChainEngineScript {
  certificates?: { der: Uint8Array; issuer?: Uint8Array; names?: string[]; errors?: number }[];
  /** The roots the default engine trusts (the Windows store's). */
  machineRoots?: Uint8Array[];
  /** CertCreateCertificateChainEngine refuses the Windows 8 configuration size (hExclusiveRoot) with E_INVALIDARG. */
  exclusiveRootRefused?: boolean;
}

interface DoubleControl {
  setScenario(script: Script): void;
  reset(): void;
  /** Completes every call held so far by a route's `holds`, each on a pool thread; returns how many. */
  releaseHeld(): number;
  stats(): DoubleStats;
  trace(): TraceEntry[];
  setCertStores(stores: CertStores): void;
  /** dwFlags of each PFXImportCertStore call since the stores were set. */
  pfxImportFlags(): number[];
  setChainEngine(script: ChainEngineScript): void;
  /** Per PFXImportCertStore call since the stores were set, whether it ran on the JS thread. */
  pfxImportsOnJsThread(): boolean[];
}

export function contractDouble(): DoubleControl {
  return (getBinding() as unknown as { contractDouble: DoubleControl }).contractDouble;
}

/** WINHTTP_CALLBACK_STATUS_* (winhttp.h), from the library's one table. */
export { STATUS } from '../../../lib/native/constants';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

/**
 * Waits (collecting garbage, so dropped wrappers are finalized) until the double holds no handle and runs no task
 * and every native request state is freed; fails with what is left after `timeoutMs`.
 */
export async function expectAllReleased(timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    gc();
    await tick();
    const stats = contractDouble().stats();
    const live = liveNativeRequests();
    const left = { openHandles: stats.openHandles, liveHandles: stats.liveHandles, busyTasks: stats.busyTasks,
      liveCertContexts: stats.liveCertContexts, liveIssuerLists: stats.liveIssuerLists,
      liveCertStores: stats.liveCertStores, liveChainEngines: stats.liveChainEngines, liveChains: stats.liveChains,
      liveNativeRequests: live };
    if (Object.values(left).every((n) => n === 0)) break;
    if (Date.now() > deadline) throw new Error(`not released after ${timeoutMs} ms: ${JSON.stringify(left)}`);
  }
  expect(contractDouble().stats().violations).toEqual([]);
}

/** Per-file set-up: a fresh script before each test, the release check after it. */
export function useContractDouble(): void {
  beforeEach(() => contractDouble().reset());
  afterEach(() => expectAllReleased());
}

/** The trace of the one request with this path, once its HANDLE_CLOSING has been delivered. */
export async function finishedTrace(path: string, timeoutMs = 10000): Promise<TraceEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = contractDouble().trace().filter((entry) => entry.path === path);
    if (found.length > 1) throw new Error(`more than one finished request for ${path}`);
    if (found.length === 1) return found[0];
    if (Date.now() > deadline) throw new Error(`no finished request for ${path} after ${timeoutMs} ms`);
    await tick();
  }
}
