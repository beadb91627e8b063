#include "client_cert_load.h"
#include <string>
#include <vector>
#include "napi_args.h"
#include "native_error.h"
#include "secret_arg.h"

namespace {

std::string BytesOf(const Napi::Value& value) {
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  return std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
}

// Execute runs on a libuv worker thread and touches only this object's fields; the constructor, OnOK and OnError
// run on the JS thread.
class CertStoreWork : public Napi::AsyncWorker {
 public:
  enum class Kind { kOpen, kImport, kList };

  CertStoreWork(Napi::Env env, Kind kind)
      : Napi::AsyncWorker(env, "winhttp:cert-store"), deferred_(Napi::Promise::Deferred::New(env)), kind_(kind) {}
  ~CertStoreWork() override { Wipe(passphrase_); }
  Napi::Promise Promise() const { return deferred_.Promise(); }

  bool localMachine = false;
  std::string bytes;  // the DER to open, or the PFX

  void SetPassphrase(std::wstring passphrase) { passphrase_ = std::move(passphrase); }

 protected:
  void Execute() override {
    switch (kind_) {
      case Kind::kOpen:
        held_.reset(OpenFromMyStore(localMachine, bytes, &failure_));
        break;
      case Kind::kImport:
        held_.reset(ImportPfx(bytes, passphrase_, &failure_));
        Wipe(passphrase_);
        break;
      case Kind::kList:
        ListMyStore(localMachine, &list_, &failure_);
        break;
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object result = Napi::Object::New(env);
    if (failure_.api != nullptr) {
      result.Set("errno", Napi::Number::New(env, failure_.error));
      result.Set("api", Napi::String::New(env, failure_.api));
    } else if (kind_ == Kind::kList) {
      Napi::Array list = Napi::Array::New(env, list_.size());
      for (uint32_t i = 0; i < list_.size(); ++i) {
        Napi::Object item = Napi::Object::New(env);
        item.Set("der", Napi::Buffer<char>::Copy(env, list_[i].der.data(), list_[i].der.size()));
        item.Set("hasPrivateKey", Napi::Boolean::New(env, list_[i].hasPrivateKey));
        list.Set(i, item);
      }
      result.Set("list", list);
    } else {
      auto* loaded = new LoadedCertificate{std::move(held_)};
      result.Set("certificate", Napi::External<LoadedCertificate>::New(
                                    env, loaded, [](Napi::Env, LoadedCertificate* unadopted) { delete unadopted; }));
    }
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Kind kind_;
  std::wstring passphrase_;
  std::unique_ptr<HeldCertificate> held_;
  std::vector<StoreCertificate> list_;
  CryptoFailure failure_;
};

}  // namespace

Napi::Value LoadClientCertificateJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  std::unique_ptr<CertStoreWork> work;  // owned here until queued (a throw before frees it)
  if (kind == "store") {
    work.reset(new CertStoreWork(env, CertStoreWork::Kind::kOpen));
    work->localMachine = info[1].As<Napi::Boolean>().Value();
    work->bytes = BytesOf(info[2]);
  } else if (kind == "pfx") {
    work.reset(new CertStoreWork(env, CertStoreWork::Kind::kImport));
    work->bytes = BytesOf(info[1]);
    work->SetPassphrase(SecretArg(info[2]));
  } else {
    ThrowUsage(env, "loadClientCertificate(kind, ...): kind must be 'store' or 'pfx'");
  }
  Napi::Promise promise = work->Promise();
  work.release()->Queue();  // the worker deletes itself after OnOK/OnError
  return promise;
}

Napi::Value ListMyStoreAsyncJs(const Napi::CallbackInfo& info) {
  std::unique_ptr<CertStoreWork> work(new CertStoreWork(info.Env(), CertStoreWork::Kind::kList));
  work->localMachine = info[0].As<Napi::Boolean>().Value();
  Napi::Promise promise = work->Promise();
  work.release()->Queue();
  return promise;
}
