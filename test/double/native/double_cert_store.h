// The double's client certificate stores: CurrentUser\MY and LocalMachine\MY and the PFX files a test scripts
// (contractDouble.setCertStores), the CryptoAPI calls that open, search and close them (CertOpenStore,
// CertFindCertificateInStore, PFXImportCertStore, CertCloseStore), and WINHTTP_OPTION_CLIENT_CERT_CONTEXT: WinHTTP
// "calls CertDuplicateCertificateContext on the certificate context passed by the caller, so that the caller can free
// its certificate context independently" (Option Flags reference), and frees its duplicate when the handle closes.
// Any thread.
#pragma once
#include <string>
#include <vector>
#include "handle.h"

namespace contract_double {

struct ScriptedCertificate {
  std::string der;
  bool hasPrivateKey = false;
};

struct ScriptedPfx {
  std::string bytes;
  std::wstring password;
  std::vector<ScriptedCertificate> certificates;
};

struct CertStores {
  std::vector<ScriptedCertificate> currentUser;
  std::vector<ScriptedCertificate> localMachine;
  std::vector<ScriptedPfx> pfx;
};

// Replaces what the stores hold and clears the import log.
void SetCertStores(CertStores stores);
// The flags of each PFXImportCertStore call so far.
std::vector<DWORD> PfxImportFlags();
// Per PFXImportCertStore call so far, whether it ran on the calling thread (the JS thread, when JavaScript asks).
std::vector<bool> PfxImportsOnThisThread();
// Stores opened and not yet closed.
int64_t LiveCertStores();

// WinHttpSetOption(WINHTTP_OPTION_CLIENT_CERT_CONTEXT) with a certificate, before the option's bytes are kept: the
// context must be live (a violation otherwise) and is duplicated for the request. False with the error set.
bool HoldClientCertContext(Handle& request, const void* buffer, DWORD length);
// The request's duplicate, freed (at HANDLE_CLOSING). Takes the request's mutex.
void ReleaseClientCertContext(Handle& request);
// The DER of the certificate set on the request (empty: none), read from the duplicate as the handshake would.
// With the request's mutex held.
std::string ClientCertificateDer(const Handle& request);

}  // namespace contract_double
