// A server that asks for a client certificate (ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED from WinHttpSendRequest) while the
// session has none: the request is sent again on the same handle with WINHTTP_NO_CLIENT_CERT_CONTEXT, as the
// WinHttpSendRequest reference allows, so a server that merely asks goes on. A server that requires one then ends the
// handshake: that failure is reported as ClientCertificateNeededError, with the issuers the server accepts.
import type { Request } from '../core/request';
import { WinHttpError } from '../errors';
import { ClientCertificateNeededError } from './client-cert-error';
import { describeName } from './x500-name';

const ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED = 12044;

/** Runs `send`; after a 12044, reads the issuer list, sends again without a certificate, and explains a refusal. */
export async function sendAnsweringCertificateRequest<T>(req: Request, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof WinHttpError) || error.errno !== ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED) throw error;
    const issuers = req.clientCertIssuers().map(describeName);
    req.useNoClientCertificate();
    try {
      return await send();
    } catch (refusal) {
      if (refusal instanceof WinHttpError && (refusal.category === 'tls' || refusal.category === 'connection')) {
        throw new ClientCertificateNeededError(issuers, { cause: refusal });
      }
      throw refusal;
    }
  }
}
