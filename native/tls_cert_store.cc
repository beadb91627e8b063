#include "tls_cert_store.h"
#include <memory>

namespace {

const DWORD kEncoding = X509_ASN_ENCODING | PKCS_7_ASN_ENCODING;

HCERTSTORE OpenMy(bool localMachine) {
  const DWORD location = localMachine ? CERT_SYSTEM_STORE_LOCAL_MACHINE : CERT_SYSTEM_STORE_CURRENT_USER;
  return CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG,
                       L"MY");
}

bool Fail(CryptoFailure* failure, const char* api) {
  failure->api = api;
  failure->error = GetLastError();
  return false;
}

}  // namespace

HeldCertificate::~HeldCertificate() {
  CertFreeCertificateContext(context_);
  CertCloseStore(store_, 0);
}

bool HasPrivateKey(PCCERT_CONTEXT context) {
  // A key in a container (KEY_PROV_INFO), or one held in memory for this context (KEY_CONTEXT for CryptoAPI keys,
  // NCRYPT_KEY_HANDLE for CNG keys: a PFX imported with PKCS12_NO_PERSIST_KEY).
  const DWORD properties[] = {CERT_KEY_PROV_INFO_PROP_ID, CERT_KEY_CONTEXT_PROP_ID, CERT_NCRYPT_KEY_HANDLE_PROP_ID};
  for (DWORD property : properties) {
    DWORD size = 0;
    if (CertGetCertificateContextProperty(context, property, nullptr, &size)) return true;
  }
  return false;
}

bool ListMyStore(bool localMachine, std::vector<StoreCertificate>* certificates, CryptoFailure* failure) {
  HCERTSTORE store = OpenMy(localMachine);
  if (store == nullptr) {
    // A store that does not exist yet holds nothing.
    if (GetLastError() == ERROR_FILE_NOT_FOUND) return true;
    return Fail(failure, "CertOpenStore");
  }
  PCCERT_CONTEXT context = nullptr;
  try {
    // CertEnumCertificatesInStore frees the context it is given.
    while ((context = CertEnumCertificatesInStore(store, context)) != nullptr) {
      certificates->push_back({std::string(reinterpret_cast<const char*>(context->pbCertEncoded), context->cbCertEncoded),
                               HasPrivateKey(context)});
    }
  } catch (...) {
    CertFreeCertificateContext(context);
    CertCloseStore(store, 0);
    throw;
  }
  CertCloseStore(store, 0);
  return true;
}

HeldCertificate* OpenFromMyStore(bool localMachine, const std::string& der, CryptoFailure* failure) {
  PCCERT_CONTEXT wanted = CertCreateCertificateContext(kEncoding, reinterpret_cast<const BYTE*>(der.data()),
                                                       static_cast<DWORD>(der.size()));
  if (wanted == nullptr) {
    Fail(failure, "CertCreateCertificateContext");
    return nullptr;
  }
  HCERTSTORE store = OpenMy(localMachine);
  if (store == nullptr) {
    Fail(failure, "CertOpenStore");
    CertFreeCertificateContext(wanted);
    return nullptr;
  }
  PCCERT_CONTEXT found = CertFindCertificateInStore(store, kEncoding, 0, CERT_FIND_EXISTING, wanted, nullptr);
  if (found == nullptr) Fail(failure, "CertFindCertificateInStore");
  CertFreeCertificateContext(wanted);
  if (found == nullptr) {
    CertCloseStore(store, 0);
    return nullptr;
  }
  try {
    return new HeldCertificate(store, found);
  } catch (...) {
    CertFreeCertificateContext(found);
    CertCloseStore(store, 0);
    throw;
  }
}

HeldCertificate* ImportPfx(const std::string& pfx, const std::wstring& password, CryptoFailure* failure) {
  CRYPT_DATA_BLOB blob;
  blob.cbData = static_cast<DWORD>(pfx.size());
  blob.pbData = reinterpret_cast<BYTE*>(const_cast<char*>(pfx.data()));
  // No CRYPT_EXPORTABLE: the key can sign the handshake and nothing else. PKCS12_NO_PERSIST_KEY: it lives in memory
  // with the context, so no key container is left on disk.
  HCERTSTORE store = PFXImportCertStore(&blob, password.c_str(), CRYPT_USER_KEYSET | PKCS12_NO_PERSIST_KEY);
  if (store == nullptr) {
    Fail(failure, "PFXImportCertStore");
    return nullptr;
  }
  PCCERT_CONTEXT context = nullptr;
  while ((context = CertEnumCertificatesInStore(store, context)) != nullptr) {
    if (HasPrivateKey(context)) break;
  }
  if (context == nullptr) {
    failure->api = "PFXImportCertStore";
    failure->error = static_cast<DWORD>(CRYPT_E_NOT_FOUND);
    CertCloseStore(store, 0);
    return nullptr;
  }
  try {
    return new HeldCertificate(store, context);
  } catch (...) {
    CertFreeCertificateContext(context);
    CertCloseStore(store, 0);
    throw;
  }
}
