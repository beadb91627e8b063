// listClientCertificates(): what the Windows "MY" store of the current user or the machine holds, so a caller can
// choose a client certificate by thumbprint or subject. Reads the store synchronously (CertOpenStore and
// CertEnumCertificatesInStore, native/tls_cert_store.cc); no private key is touched.
import { callNative } from '../core/native-call';
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

export function listClientCertificates(options: ListClientCertificatesOptions = {}): ClientCertificateInfo[] {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'must be an object');
  refuseUnknownOptions(options, ['store']);
  const localMachine = storeLocation('options.store', options.store);
  return callNative(() => getBinding().listMyStore(localMachine))
    .map(({ der, hasPrivateKey }) => describeClientCertificate(der, hasPrivateKey));
}
