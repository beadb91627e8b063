// Client certificates from CryptoAPI: the certificates of a Windows "MY" store (CurrentUser or LocalMachine), one of
// them opened by its exact DER, or the certificate of a PFX whose private key came with it (PFXImportCertStore). The
// private key stays with CryptoAPI/CNG: nothing here reads or exports it. Plain data; which certificate to choose is
// policy (lib/tls/client-cert-option.ts). No Node-API here.
#pragma once
#include <string>
#include <vector>
#include "platform/winhttp_api.h"

// A certificate context and the store it came from, freed together: CertFreeCertificateContext, then CertCloseStore
// without CERT_CLOSE_STORE_FORCE_FLAG (which the WINHTTP_OPTION_CLIENT_CERT_CONTEXT reference forbids). WinHTTP
// duplicates the context when it is set on a request (same reference), so freeing this never pulls a certificate
// from under a request.
class HeldCertificate {
 public:
  HeldCertificate(HCERTSTORE store, PCCERT_CONTEXT context) : store_(store), context_(context) {}
  HeldCertificate(const HeldCertificate&) = delete;
  HeldCertificate& operator=(const HeldCertificate&) = delete;
  ~HeldCertificate();
  PCCERT_CONTEXT context() const { return context_; }

 private:
  HCERTSTORE store_;
  PCCERT_CONTEXT context_;
};

struct StoreCertificate {
  std::string der;
  bool hasPrivateKey;
};

// A failed CryptoAPI call: its name and GetLastError().
struct CryptoFailure {
  const char* api = nullptr;
  DWORD error = 0;
};

// Every certificate of CurrentUser\MY or LocalMachine\MY. False with the failure. Any thread.
bool ListMyStore(bool localMachine, std::vector<StoreCertificate>* certificates, CryptoFailure* failure);

// The certificate of that store whose DER is `der` (CertFindCertificateInStore, CERT_FIND_EXISTING), or null with the
// failure (CRYPT_E_NOT_FOUND if it is not there). Any thread.
HeldCertificate* OpenFromMyStore(bool localMachine, const std::string& der, CryptoFailure* failure);

// Imports a PFX (PKCS #12) with its password, the key not persisted and not exportable, and returns the certificate
// the private key belongs to; null with the failure (ERROR_INVALID_PASSWORD for a wrong password, CRYPT_E_NOT_FOUND
// when no certificate has a key). Any thread.
HeldCertificate* ImportPfx(const std::string& pfx, const std::wstring& password, CryptoFailure* failure);

// Whether CryptoAPI knows a private key for the certificate (a key property is set on its context). Any thread.
bool HasPrivateKey(PCCERT_CONTEXT context);
