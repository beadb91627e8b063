#include "client_cert_wrap.h"
#include "client_cert_load.h"
#include <string>
#include "napi_args.h"
#include "native_error.h"
#include "request_wrap.h"
#include "secret_arg.h"

namespace {

std::string BytesArg(const Napi::Value& value) {
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  return std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
}

}  // namespace

Napi::Function ClientCertWrap::Define(Napi::Env env) {
  return DefineClass(env, "ClientCertificate", {InstanceMethod("der", &ClientCertWrap::Der)});
}

ClientCertWrap::ClientCertWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ClientCertWrap>(info) {
  Napi::Env env = info.Env();
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  CryptoFailure failure;
  if (kind == "store") {
    held_.reset(OpenFromMyStore(info[1].As<Napi::Boolean>().Value(), BytesArg(info[2]), &failure));
  } else if (kind == "pfx") {
    const std::string pfx = BytesArg(info[1]);
    std::wstring passphrase = SecretArg(info[2]);
    try {
      held_.reset(ImportPfx(pfx, passphrase, &failure));
    } catch (...) {
      Wipe(passphrase);
      throw;
    }
    Wipe(passphrase);
  } else if (kind == "held" && info[1].IsExternal()) {
    // Loaded on a worker thread (client_cert_load.h): adopted once; a second adoption finds nothing.
    LoadedCertificate* loaded = info[1].As<Napi::External<LoadedCertificate>>().Data();
    if (loaded->held == nullptr) ThrowUsage(env, "new ClientCertificate('held', certificate): already adopted");
    held_ = std::move(loaded->held);
    return;
  } else {
    ThrowUsage(env, "new ClientCertificate(kind, ...): kind must be 'store', 'pfx' or 'held'");
  }
  if (held_ == nullptr) ThrowWinHttpError(env, failure.error, failure.api);
}

Napi::Value ClientCertWrap::Der(const Napi::CallbackInfo& info) {
  PCCERT_CONTEXT context = held_->context();
  return Napi::Buffer<char>::Copy(info.Env(), reinterpret_cast<const char*>(context->pbCertEncoded),
                                  context->cbCertEncoded);
}

// listMyStore(localMachine) -> [{ der, hasPrivateKey }]: every certificate of CurrentUser\MY or LocalMachine\MY.
Napi::Value ListMyStoreJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<StoreCertificate> certificates;
  CryptoFailure failure;
  if (!ListMyStore(info[0].As<Napi::Boolean>().Value(), &certificates, &failure)) {
    ThrowWinHttpError(env, failure.error, failure.api);
  }
  Napi::Array result = Napi::Array::New(env, certificates.size());
  for (uint32_t i = 0; i < certificates.size(); ++i) {
    Napi::Object item = Napi::Object::New(env);
    item.Set("der", Napi::Buffer<char>::Copy(env, certificates[i].der.data(), certificates[i].der.size()));
    item.Set("hasPrivateKey", Napi::Boolean::New(env, certificates[i].hasPrivateKey));
    result.Set(i, item);
  }
  return result;
}

// setClientCertificate(certificate): WINHTTP_OPTION_CLIENT_CERT_CONTEXT, before WinHttpSendRequest (or after a 12044,
// then send again). WinHTTP duplicates the context, so the ClientCertificate may be collected afterwards. JS thread.
Napi::Value RequestWrap::SetClientCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CheckCallAllowed(env, "WinHttpSetOption");
  ClientCertWrap* certificate = ClientCertWrap::Unwrap(info[0].As<Napi::Object>());
  PCCERT_CONTEXT context = certificate->context();
  if (!WinHttpSetOption(handle(), WINHTTP_OPTION_CLIENT_CERT_CONTEXT, const_cast<CERT_CONTEXT*>(context),
                        sizeof(CERT_CONTEXT))) {
    ThrowOptionError(env, GetLastError(), WINHTTP_OPTION_CLIENT_CERT_CONTEXT);
  }
  return env.Undefined();
}
