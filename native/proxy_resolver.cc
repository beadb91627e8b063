#include "proxy_resolver.h"
#include <string>
#include <vector>
#include "handle_options.h"
#include "napi_args.h"
#include "native_error.h"
#include "proxy_api.h"
#include "proxy_found.h"
#include "proxy_lookup.h"

namespace {

// Base of the async work for the synchronous WinHTTP functions: settles a promise with the ProxyFound object (never
// rejects for a WinHTTP failure: lib/ makes the WinHttpError). Execute runs on a libuv worker thread; OnOK and
// OnError on the JS thread.
class ProxyWork : public Napi::AsyncWorker {
 public:
  ProxyWork(Napi::Env env, std::shared_ptr<HandleOwner> session)
      : Napi::AsyncWorker(env, "winhttp:proxy"), deferred_(Napi::Promise::Deferred::New(env)),
        session_(std::move(session)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void OnOK() override { deferred_.Resolve(ProxyFoundToObject(Env(), found_)); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  // A WINHTTP_PROXY_INFO's answer into found_ (its strings freed with GlobalFree).
  void TakeProxyInfo(WINHTTP_PROXY_INFO& info) {
    found_.accessType = info.dwAccessType;
    TakeGlobalString(info.lpszProxy, found_.hasProxy, found_.proxy);
    TakeGlobalString(info.lpszProxyBypass, found_.hasBypass, found_.bypass);
  }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<HandleOwner> session_;
  ProxyFound found_;
};

// WinHttpGetProxyForUrl, where the resolver functions are missing: synchronous by nature, so on a worker thread.
class FallbackResolveWork : public ProxyWork {
 public:
  FallbackResolveWork(Napi::Env env, std::shared_ptr<HandleOwner> session, std::wstring url,
                      const WINHTTP_AUTOPROXY_OPTIONS& options, std::wstring configUrl)
      : ProxyWork(env, std::move(session)), url_(std::move(url)), configUrl_(std::move(configUrl)),
        options_(options) {
    if (options_.lpszAutoConfigUrl != nullptr) options_.lpszAutoConfigUrl = configUrl_.c_str();
  }

 protected:
  void Execute() override {
    found_.api = "WinHttpGetProxyForUrl";
    WINHTTP_PROXY_INFO info = {};
    if (!WinHttpGetProxyForUrl(session_->get(), url_.c_str(), &options_, &info)) {
      found_.error = GetLastError();
      return;
    }
    TakeProxyInfo(info);
  }

 private:
  std::wstring url_;
  std::wstring configUrl_;
  WINHTTP_AUTOPROXY_OPTIONS options_;
};

class ConfigWork : public ProxyWork {
 public:
  ConfigWork(Napi::Env env, std::shared_ptr<HandleOwner> session, DWORD which)
      : ProxyWork(env, std::move(session)), which_(which) {}

 protected:
  void Execute() override {
    if (which_ == 0) {
      found_.api = "WinHttpGetIEProxyConfigForCurrentUser";
      WINHTTP_CURRENT_USER_IE_PROXY_CONFIG config = {};
      if (!WinHttpGetIEProxyConfigForCurrentUser(&config)) {
        found_.error = GetLastError();
        return;
      }
      found_.autoDetect = config.fAutoDetect != FALSE;
      TakeGlobalString(config.lpszAutoConfigUrl, found_.hasAutoConfigUrl, found_.autoConfigUrl);
      TakeGlobalString(config.lpszProxy, found_.hasProxy, found_.proxy);
      TakeGlobalString(config.lpszProxyBypass, found_.hasBypass, found_.bypass);
      return;
    }
    found_.api = "WinHttpGetDefaultProxyConfiguration";
    WINHTTP_PROXY_INFO info = {};
    if (!WinHttpGetDefaultProxyConfiguration(&info)) {
      found_.error = GetLastError();
      return;
    }
    TakeProxyInfo(info);
  }

 private:
  DWORD which_;
};

}  // namespace

Napi::Function ProxyResolverWrap::Define(Napi::Env env) {
  return DefineClass(env, "ProxyResolver",
                     {
                         InstanceMethod("setTimeouts", &ProxyResolverWrap::SetTimeouts),
                         InstanceMethod("resolve", &ProxyResolverWrap::Resolve),
                         InstanceMethod("config", &ProxyResolverWrap::Config),
                         InstanceMethod("close", &ProxyResolverWrap::Close),
                     });
}

ProxyResolverWrap::ProxyResolverWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ProxyResolverWrap>(info) {
  Napi::Env env = info.Env();
  const std::wstring userAgent = WideArg(info[0]);
  HINTERNET handle = WinHttpOpen(userAgent.c_str(), WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                                 WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
  if (handle == nullptr) ThrowLastError(env, "WinHttpOpen");
  session_ = std::make_shared<HandleOwner>(handle, nullptr);
  // Set before WinHttpCreateProxyResolver (WinHttpGetProxyForUrlEx reference, Remarks).
  if (WinHttpSetStatusCallback(handle, &ProxyLookup::OnStatus, ProxyLookup::kCallbackFlags, 0) ==
      WINHTTP_INVALID_STATUS_CALLBACK) {
    const DWORD error = GetLastError();
    session_.reset();
    ThrowWinHttpError(env, error, "WinHttpSetStatusCallback");
  }
}

Napi::Value ProxyResolverWrap::SetTimeouts(const Napi::CallbackInfo& info) {
  if (!session_) ThrowUsage(info.Env(), "the proxy resolver is closed");
  SetTimeoutsFromArgs(info, session_->get());
  return info.Env().Undefined();
}

Napi::Value ProxyResolverWrap::Resolve(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!session_) ThrowUsage(env, "the proxy resolver is closed");
  const std::wstring url = WideArg(info[0]);
  const bool hasConfigUrl = info[3].IsString();
  const std::wstring configUrl = hasConfigUrl ? WideArg(info[3]) : std::wstring();
  WINHTTP_AUTOPROXY_OPTIONS options = {};
  options.dwFlags = DwordArg(info[1]);
  options.dwAutoDetectFlags = DwordArg(info[2]);
  options.lpszAutoConfigUrl = hasConfigUrl ? configUrl.c_str() : nullptr;
  options.fAutoLogonIfChallenged = FALSE;  // the logged-on user's credentials are never sent unasked

  Napi::Object lookup = Napi::Object::New(env);
  const ProxyResolverApi api = ProxyResolverFunctions();
  std::shared_ptr<ProxyLookup> started = api.available() ? ProxyLookup::Start(env, api, session_, url, &options) : nullptr;
  if (started) {
    ForgetSettledLookups();
    if (started->pending()) lookups_.push_back(started);
    lookup.Set("done", started->Promise());
    lookup.Set("cancel", Napi::Function::New(env, [started](const Napi::CallbackInfo& call) { started->Cancel(call.Env()); }, "cancel"));
    return lookup;
  }
  auto* work = new FallbackResolveWork(env, session_, url, options, configUrl);
  lookup.Set("done", work->Promise());
  work->Queue();  // node-addon-api deletes the work after OnOK/OnError
  return lookup;
}

void ProxyResolverWrap::ForgetSettledLookups() {
  std::vector<std::weak_ptr<ProxyLookup>> pending;
  for (const auto& weak : lookups_) {
    const std::shared_ptr<ProxyLookup> lookup = weak.lock();
    if (lookup && lookup->pending()) pending.push_back(weak);
  }
  lookups_.swap(pending);
}

Napi::Value ProxyResolverWrap::Config(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!session_) ThrowUsage(env, "the proxy resolver is closed");
  auto* work = new ConfigWork(env, session_, DwordArg(info[0]));
  const Napi::Promise promise = work->Promise();
  work->Queue();
  return promise;
}

Napi::Value ProxyResolverWrap::Close(const Napi::CallbackInfo& info) {
  for (const auto& weak : lookups_) {
    if (const std::shared_ptr<ProxyLookup> lookup = weak.lock()) lookup->Cancel(info.Env());
  }
  lookups_.clear();
  session_.reset();
  return info.Env().Undefined();
}
