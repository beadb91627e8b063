// listClientCertificates(): what the Windows "MY" store of the current user or the machine holds, so a caller can
// choose a client certificate by thumbprint or subject. Reads the store on a worker thread (CertOpenStore and
// CertEnumCertificatesInStore, native/client_cert_load.h), never on the JS thread; no private key is touched.
import { toPublicError } from '../core/native-call';
import { invalidArg } from '../errors';
import { getBinding } from '../native/binding';
import { refuseUnknownOptions } from '../policy/options';
import { describeClientCertificate, type CertificateStoreLocation, type ClientCertificateInfo } from './client-cert-info';

export interface ListClientCertificatesOptions {
  /** Default 'CurrentUser'. */
  store?: CertificateStoreLocation;
}

/** 'CurrentUser' or 'LocalMachine' checked; true for LocalMachine. */
export function storeLocation(name: string, value: unknown): boolean {
  if (value === undefined || value === 'CurrentUser') return false;
  if (value === 'LocalMachine') return true;
  throw invalidArg(name, "must be 'CurrentUser' or 'LocalMachine'", 'ERR_INVALID_ARG_VALUE');
}

export async function listClientCertificates(options: ListClientCertificatesOptions = {}): Promise<ClientCertificateInfo[]> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  refuseUnknownOptions(options, ['store']);
  const localMachine = storeLocation('options.store', options.store);
  const binding = getBinding();
  const listed = await binding.listMyStoreAsync(localMachine);
  if (listed.errno !== undefined) {
    throw toPublicError({ errno: listed.errno, api: listed.api, systemMessage: binding.formatMessage(listed.errno) });
  }
  return listed.list.map(({ der, hasPrivateKey }) => describeClientCertificate(der, hasPrivateKey));
}
