// The certificate store's slow calls off the JS thread: PFXImportCertStore (14-41 ms measured for a small PFX under
// Wine), opening one certificate of a MY store and listing one, each on a libuv worker thread (Napi::AsyncWorker).
//   loadClientCertificate('store', localMachine, der) -> Promise<{ certificate } | { errno, api }>
//   loadClientCertificate('pfx', pfx, passphrase)      -> Promise<{ certificate } | { errno, api }>
//   listMyStoreAsync(localMachine)                      -> Promise<{ list: [{ der, hasPrivateKey }] } | { errno, api }>
// `certificate` is an opaque value that new ClientCertificate('held', certificate) adopts (client_cert_wrap.h); one
// never adopted is freed when it is collected. A CryptoAPI failure resolves with its code and function (lib/ makes the
// WinHttpError); the passphrase is wiped once the import ran. Entry points on the JS thread.
#pragma once
#include <napi.h>
#include <memory>
#include "tls_cert_store.h"

// What `certificate` holds until a ClientCertificate adopts it.
struct LoadedCertificate {
  std::unique_ptr<HeldCertificate> held;
};

Napi::Value LoadClientCertificateJs(const Napi::CallbackInfo& info);
Napi::Value ListMyStoreAsyncJs(const Napi::CallbackInfo& info);
