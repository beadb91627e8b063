// What `winhttp diagnose` found, as plain data: gathered by diagnose-gather.ts, printed by diagnose-render.ts or as
// JSON. Holds no credential: only whether some were given.
import type { ProxyDecision, SystemProxyConfig } from '../proxy/resolution';

/** An error as reported: never a credential (the library's messages hold none). */
export interface ErrorInfo {
  name: string;
  message: string;
  code?: string;
  errno?: number;
  api?: string;
  /** TLS: the SECURE_FAILURE reasons WinHTTP reported ('invalid-ca', ...). */
  reasons?: string[];
  hint?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  /** SHA-256 of the certificate, colon-separated upper-case hex (as Node's fingerprint256). */
  fingerprint256: string;
}

export interface TlsFinding {
  /**
   * 'trusted': verified against the Windows certificate store with nothing relaxed; 'accepted': verified with the
   * relaxations the command line named; 'refused': the strict request failed (error says why).
   */
  verdict: 'trusted' | 'accepted' | 'refused';
  /** What the chain was verified against: the Windows certificate store, or only the roots given with --ca. */
  trustedBy: 'store' | 'ca';
  /** The relaxations in force for the request (the command line's). */
  relaxed: string[];
  error?: ErrorInfo;
  /** The chain as the server sent it, its certificate first. */
  chain: CertificateSummary[];
  /**
   * When refused: the relaxations of a second request made only to read the chain (its answer is not used further).
   */
  chainReadWith?: string[];
}

export interface AuthFinding {
  target: 'server' | 'proxy';
  /** The header values of the challenge, as the server sent them (WWW-Authenticate or Proxy-Authenticate). */
  challenges: string[];
  /** Scheme names offered, in order. */
  offered: string[];
  /** The scheme answered with, or null and why not. */
  used: string | null;
  why: string;
  /** The status after the answer. */
  statusAfter?: number;
}

export interface Timing {
  /** Milliseconds: name resolution, TCP connect, TLS handshake, connect through TLS, request sent to first byte. */
  dns?: number;
  tcp?: number;
  tls?: number;
  connect?: number;
  firstByte?: number;
  /** Since the request was opened: when the response head had arrived. */
  headers?: number;
}

export interface HopFinding {
  url: string;
  /** The proxy decision for this url (resolveProxy), or why there is none. */
  proxy: ProxyDecision | { error: ErrorInfo };
  /** "direct to localhost:443", "through the proxy 127.0.0.1:3128 (CONNECT tunnel)". */
  route: string;
  status?: number;
  statusText?: string;
  httpVersion?: string;
  timings?: Timing;
  tls?: TlsFinding;
  auth: AuthFinding[];
  /** A 3xx's Location, as sent. */
  location?: string;
  error?: ErrorInfo;
}

export interface Diagnosis {
  url: string;
  /** The proxy option in force, as given (never holds credentials: those have their own options). */
  proxyOption: unknown;
  systemProxy: SystemProxyConfig | { error: ErrorInfo };
  /** Which credentials were given, never their values. */
  credentials: { server: 'none' | 'user and password' | 'logged-on user'; proxy: 'none' | 'user and password' | 'logged-on user' };
  hops: HopFinding[];
  final?: { url: string; status: number; statusText: string };
  /** What ended the diagnosis early. */
  error?: ErrorInfo;
  /** The exit code of the command (exit-codes.ts). */
  exitCode: number;
}
