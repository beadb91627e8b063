// ClientCertificate: a client certificate chosen for a session, holding its CryptoAPI context (tls_cert_store.h) for
// as long as the JS object lives; its finalizer frees it. WinHTTP duplicates the context when it is set on a request
// (WINHTTP_OPTION_CLIENT_CERT_CONTEXT reference), so requests never depend on this object's lifetime.
//   new ClientCertificate('store', localMachine, der)   the certificate of CurrentUser\MY or LocalMachine\MY with that DER
//   new ClientCertificate('pfx', pfx, passphrase)        the certificate of a PFX that has the private key
//   new ClientCertificate('held', certificate)           one loadClientCertificate() opened on a worker thread
//   der() -> Buffer                                      its DER, for lib/tls to describe it
// And listMyStore(localMachine) -> [{ der, hasPrivateKey }]. JS thread only.
#pragma once
#include <napi.h>
#include <memory>
#include "tls_cert_store.h"

class ClientCertWrap : public Napi::ObjectWrap<ClientCertWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit ClientCertWrap(const Napi::CallbackInfo& info);
  PCCERT_CONTEXT context() const { return held_->context(); }

 private:
  Napi::Value Der(const Napi::CallbackInfo& info);
  std::unique_ptr<HeldCertificate> held_;
};

Napi::Value ListMyStoreJs(const Napi::CallbackInfo& info);
