#include "proxy_resolver.h"
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>
#include "handle_options.h"
#include "napi_args.h"
#include "native_error.h"
#include "proxy_api.h"

namespace {

const char kGetProxyForUrlEx[] = "WinHttpGetProxyForUrlEx";
const char kGetProxyForUrl[] = "WinHttpGetProxyForUrl";

// One WinHttpGetProxyForUrlEx call, shared by the worker thread that waits for it and WinHTTP's callback that
// completes it. Each holds a reference; whoever drops the last frees it, so a completion that arrives after the
// worker gave up (timeout) touches nothing freed. Any thread.
struct PendingLookup {
  std::mutex mutex;
  std::condition_variable done;
  bool completed = false;
  DWORD error = 0;
  int references = 2;

  void Release() {
    bool last;
    {
      std::lock_guard<std::mutex> lock(mutex);
      last = --references == 0;
    }
    if (last) delete this;
  }
};

// The resolver session's status callback: a WinHTTP thread. WinHttpGetProxyForUrlEx's pContext arrives as the
// context; exactly one GETPROXYFORURL_COMPLETE or REQUEST_ERROR ends each call. No Node-API, nothing thrown.
void CALLBACK OnResolverStatus(HINTERNET, DWORD_PTR context, DWORD status, LPVOID info, DWORD) noexcept {
  auto* lookup = reinterpret_cast<PendingLookup*>(context);
  if (lookup == nullptr) return;
  if (status != WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE && status != WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
    return;
  }
  {
    std::lock_guard<std::mutex> lock(lookup->mutex);
    lookup->completed = true;
    if (status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR) {
      lookup->error = static_cast<const WINHTTP_ASYNC_RESULT*>(info)->dwError;
    }
  }
  lookup->done.notify_all();
  lookup->Release();
}

std::wstring Copy(const wchar_t* text) { return text != nullptr ? std::wstring(text) : std::wstring(); }

// What a worker found, copied out of WinHTTP's structures (which are freed at once). Plain data.
struct Entry {
  bool proxy = false;
  bool bypass = false;
  DWORD scheme = 0;
  std::wstring host;
  DWORD port = 0;
};

struct Found {
  const char* api = kGetProxyForUrlEx;
  DWORD error = 0;
  bool timedOut = false;
  bool hasEntries = false;
  std::vector<Entry> entries;
  bool autoDetect = false;
  DWORD accessType = 0;
  bool hasAutoConfigUrl = false, hasProxy = false, hasBypass = false;
  std::wstring autoConfigUrl, proxy, bypass;
};

void TakeString(LPWSTR& text, bool& has, std::wstring& into) {
  has = text != nullptr;
  into = Copy(text);
  if (text != nullptr) GlobalFree(text);
  text = nullptr;
}

Napi::Value OptionalString(Napi::Env env, bool has, const std::wstring& text) {
  if (!has) return env.Null();
  return StringFromWide(env, text.c_str(), text.size());
}

Napi::Object ToObject(Napi::Env env, const Found& found) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("api", Napi::String::New(env, found.api));
  result.Set("errno", Napi::Number::New(env, found.error));
  result.Set("timedOut", Napi::Boolean::New(env, found.timedOut));
  if (found.hasEntries) {
    Napi::Array entries = Napi::Array::New(env, found.entries.size());
    for (uint32_t i = 0; i < found.entries.size(); ++i) {
      const Entry& e = found.entries[i];
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("proxy", Napi::Boolean::New(env, e.proxy));
      entry.Set("bypass", Napi::Boolean::New(env, e.bypass));
      entry.Set("scheme", Napi::Number::New(env, e.scheme));
      entry.Set("host", StringFromWide(env, e.host.c_str(), e.host.size()));
      entry.Set("port", Napi::Number::New(env, e.port));
      entries.Set(i, entry);
    }
    result.Set("entries", entries);
  }
  result.Set("autoDetect", Napi::Boolean::New(env, found.autoDetect));
  result.Set("accessType", Napi::Number::New(env, found.accessType));
  result.Set("autoConfigUrl", OptionalString(env, found.hasAutoConfigUrl, found.autoConfigUrl));
  result.Set("proxy", OptionalString(env, found.hasProxy, found.proxy));
  result.Set("bypass", OptionalString(env, found.hasBypass, found.bypass));
  return result;
}

// Base of the async work: settles a promise with the Found object (never rejects for a WinHTTP failure: lib/
// makes the WinHttpError). Execute runs on a libuv worker thread; OnOK and OnError on the JS thread.
class ProxyWork : public Napi::AsyncWorker {
 public:
  ProxyWork(Napi::Env env, std::shared_ptr<HandleOwner> session)
      : Napi::AsyncWorker(env, "winhttp:proxy"), deferred_(Napi::Promise::Deferred::New(env)),
        session_(std::move(session)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void OnOK() override { deferred_.Resolve(ToObject(Env(), found_)); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
  std::shared_ptr<HandleOwner> session_;
  Found found_;
};

class ResolveWork : public ProxyWork {
 public:
  ResolveWork(Napi::Env env, std::shared_ptr<HandleOwner> session, std::wstring url, DWORD flags,
              DWORD autoDetectFlags, bool hasConfigUrl, std::wstring configUrl, DWORD timeoutMs)
      : ProxyWork(env, std::move(session)), url_(std::move(url)), configUrl_(std::move(configUrl)),
        timeoutMs_(timeoutMs) {
    options_.dwFlags = flags;
    options_.dwAutoDetectFlags = autoDetectFlags;
    options_.lpszAutoConfigUrl = hasConfigUrl ? configUrl_.c_str() : nullptr;
    options_.fAutoLogonIfChallenged = FALSE;  // the logged-on user's credentials are never sent unasked
  }

 protected:
  void Execute() override {
    const ProxyResolverApi api = ProxyResolverFunctions();
    if (api.available() && ResolveEx(api)) return;
    ResolveFallback();
  }

 private:
  // Returns false when the resolver service is not there (then the caller falls back).
  bool ResolveEx(const ProxyResolverApi& api) {
    HINTERNET resolver = nullptr;
    DWORD error = api.createProxyResolver(session_->get(), &resolver);
    if (error == ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR) return false;
    if (error != ERROR_SUCCESS) {
      found_.api = "WinHttpCreateProxyResolver";
      found_.error = error;
      return true;
    }
    auto* lookup = new PendingLookup();
    error = api.getProxyForUrlEx(resolver, url_.c_str(), &options_, reinterpret_cast<DWORD_PTR>(lookup));
    if (error != ERROR_IO_PENDING) {
      // Failed at once: no notification will come, so the callback's reference is ours to drop too.
      lookup->Release();
      lookup->Release();
      WinHttpCloseHandle(resolver);
      found_.error = error;
      return true;
    }
    {
      std::unique_lock<std::mutex> lock(lookup->mutex);
      const auto completed = [lookup] { return lookup->completed; };
      if (timeoutMs_ == 0) lookup->done.wait(lock, completed);
      else lookup->done.wait_for(lock, std::chrono::milliseconds(timeoutMs_), completed);
      found_.timedOut = !lookup->completed;
      error = lookup->error;
    }
    if (!found_.timedOut && error == ERROR_SUCCESS) CopyResult(api, resolver);
    else found_.error = error;
    // Cancels a lookup still pending (its REQUEST_ERROR then drops the callback's reference).
    WinHttpCloseHandle(resolver);
    lookup->Release();
    return true;
  }

  void CopyResult(const ProxyResolverApi& api, HINTERNET resolver) {
    WINHTTP_PROXY_RESULT result = {};
    const DWORD error = api.getProxyResult(resolver, &result);
    if (error != ERROR_SUCCESS) {
      found_.api = "WinHttpGetProxyResult";
      found_.error = error;
      return;
    }
    found_.hasEntries = true;
    for (DWORD i = 0; i < result.cEntries; ++i) {
      const WINHTTP_PROXY_RESULT_ENTRY& source = result.pEntries[i];
      Entry entry;
      entry.proxy = source.fProxy != FALSE;
      entry.bypass = source.fBypass != FALSE;
      entry.scheme = static_cast<DWORD>(source.ProxyScheme);
      entry.host = Copy(source.pwszProxy);
      entry.port = source.ProxyPort;
      found_.entries.push_back(std::move(entry));
    }
    api.freeProxyResult(&result);
  }

  void ResolveFallback() {
    found_.api = kGetProxyForUrl;
    WINHTTP_PROXY_INFO info = {};
    if (!WinHttpGetProxyForUrl(session_->get(), url_.c_str(), &options_, &info)) {
      found_.error = GetLastError();
      return;
    }
    found_.accessType = info.dwAccessType;
    TakeString(info.lpszProxy, found_.hasProxy, found_.proxy);
    TakeString(info.lpszProxyBypass, found_.hasBypass, found_.bypass);
  }

  std::wstring url_;
  std::wstring configUrl_;
  DWORD timeoutMs_;
  WINHTTP_AUTOPROXY_OPTIONS options_ = {};
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
      TakeString(config.lpszAutoConfigUrl, found_.hasAutoConfigUrl, found_.autoConfigUrl);
      TakeString(config.lpszProxy, found_.hasProxy, found_.proxy);
      TakeString(config.lpszProxyBypass, found_.hasBypass, found_.bypass);
      return;
    }
    found_.api = "WinHttpGetDefaultProxyConfiguration";
    WINHTTP_PROXY_INFO info = {};
    if (!WinHttpGetDefaultProxyConfiguration(&info)) {
      found_.error = GetLastError();
      return;
    }
    found_.accessType = info.dwAccessType;
    TakeString(info.lpszProxy, found_.hasProxy, found_.proxy);
    TakeString(info.lpszProxyBypass, found_.hasBypass, found_.bypass);
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
  // Set before WinHttpCreateProxyResolver, with these two flags (WinHttpGetProxyForUrlEx reference, Remarks).
  if (WinHttpSetStatusCallback(handle, OnResolverStatus,
                               WINHTTP_CALLBACK_FLAG_REQUEST_ERROR | WINHTTP_CALLBACK_FLAG_GETPROXYFORURL_COMPLETE,
                               0) == WINHTTP_INVALID_STATUS_CALLBACK) {
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
  const bool hasConfigUrl = info[3].IsString();
  auto* work = new ResolveWork(env, session_, WideArg(info[0]), DwordArg(info[1]), DwordArg(info[2]), hasConfigUrl,
                               hasConfigUrl ? WideArg(info[3]) : std::wstring(), DwordArg(info[4]));
  const Napi::Promise promise = work->Promise();
  work->Queue();  // node-addon-api deletes the work after OnOK/OnError
  return promise;
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
  session_.reset();
  return info.Env().Undefined();
}
