// Proxy settings and resolution in the double, as Microsoft documents them:
// - WinHttpGetIEProxyConfigForCurrentUser, WinHttpGetDefaultProxyConfiguration: the scripted settings, strings the
//   caller frees with GlobalFree (counted: `outstanding` in stats() must return to 0).
// - WinHttpGetProxyForUrl: synchronous (it blocks its caller for the scripted delay; `blockingOnScriptThread` counts
//   calls made on the thread that scripted the double, the JS thread, which the addon must never block).
// - WinHttpCreateProxyResolver (the session needs its status callback first; ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR
//   when the script says the service is missing), WinHttpGetProxyForUrlEx (always ERROR_IO_PENDING, then one
//   GETPROXYFORURL_COMPLETE or REQUEST_ERROR {API_GET_PROXY_FOR_URL, error} with pContext as the context: on a pool
//   thread, or (scripted `sync`) on the calling thread before the call returns; closing the resolver meanwhile gives
//   12017, unless the script says the completion `outrunsClose` (it was already on its way: it still comes); then
//   HANDLE_CLOSING, last, with the same context), WinHttpGetProxyResult (only after GETPROXYFORURL_COMPLETE,
//   else ERROR_WINHTTP_INCORRECT_HANDLE_STATE), WinHttpFreeProxyResult. GetProcAddress finds these four only while
//   the script has exApi (older Windows lacks them).
// - WINHTTP_OPTION_PROXY on a session or request handle (a request's before WinHttpSendRequest): NO_PROXY, or
//   NAMED_PROXY with a proxy list; recorded per request path for stats().
// A PAC file is scripted as rules: the first rule whose text occurs in the URL gives the FindProxyForURL result
// ("PROXY a:1; DIRECT"), else "DIRECT". WPAD discovery finds a scripted PAC URL or fails with its error.
#include "double_proxy.h"
#include "double_tls.h"
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <map>
#include <set>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "double_world.h"
#include "executor.h"
#include "notifier.h"
#include "wide_string.h"  // native/

namespace contract_double {
namespace {

struct PacScript {
  std::vector<std::pair<std::wstring, std::wstring>> rules;  // [text in the URL, FindProxyForURL result]
  DWORD error = 0;
  int delayMs = 0;
  bool stall = false;  // WinHttpGetProxyForUrlEx never completes (until its resolver is closed)
  bool sync = false;   // completes on the calling thread, inside WinHttpGetProxyForUrlEx
  bool outrunsClose = false;  // a close while pending does not cancel: the completion comes, then HANDLE_CLOSING
};

struct ProxyScript {
  bool exApi = true;
  bool resolverService = true;
  bool autoDetect = false;
  bool hasAutoConfigUrl = false, hasProxy = false, hasBypass = false;
  std::wstring autoConfigUrl, proxy, bypass;
  bool hasWinHttpProxy = false;
  std::wstring winhttpProxy, winhttpBypass;
  std::map<std::wstring, PacScript> pacs;  // by PAC URL
  DWORD wpadError = 0;
  std::wstring wpadPacUrl;
};

struct RequestProxy {
  std::wstring path;
  DWORD accessType;
  std::wstring proxy, bypass;
};

enum class LookupState { kIdle, kPending, kCompleted, kFailed };

struct Resolver {
  LookupState state = LookupState::kIdle;
  Executor::TaskId timer = 0;
  bool outrunsClose = false;
  bool closing = false;     // closed while a completion is on its way or being delivered: HANDLE_CLOSING after it
  bool delivering = false;  // the completion's notification is running (WinHTTP sends HANDLE_CLOSING only after it)
  std::vector<std::pair<std::wstring, INTERNET_PORT>> proxies;  // the result; empty: DIRECT
  bool direct = false;                                          // DIRECT after the proxies
};

struct ProxyWorld {
  std::mutex mutex;
  ProxyScript script;
  std::thread::id scriptThread;
  std::map<HINTERNET, Resolver> resolvers;
  std::vector<RequestProxy> requestProxies;
  int64_t getProxyForUrl = 0, getProxyForUrlEx = 0, autoDetect = 0, blockingOnScriptThread = 0, outstanding = 0;
  std::set<void*> globalCopies;  // strings handed to the caller, which frees them with GlobalFree
};

ProxyWorld& Proxy() {
  static ProxyWorld* world = new ProxyWorld();  // leaked on purpose: pool threads may use it during exit
  return *world;
}

void Violation(const char* api, const std::string& why) { World::Get().Violation(std::string(api) + ": " + why); }

// The script as it is now, copied under the lock.
ProxyScript ScriptCopy() {
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  return Proxy().script;
}

LPWSTR GlobalCopy(const std::wstring& text) {
  auto* copy = static_cast<LPWSTR>(std::malloc((text.size() + 1) * sizeof(WCHAR)));
  std::wmemcpy(copy, text.c_str(), text.size() + 1);
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  Proxy().globalCopies.insert(copy);
  ++Proxy().outstanding;
  return copy;
}

struct Evaluation {
  DWORD error = 0;
  std::vector<std::pair<std::wstring, INTERNET_PORT>> proxies;
  bool direct = false;
  int delayMs = 0;
  bool stall = false;
  bool sync = false;
  bool outrunsClose = false;
};

// Checks WINHTTP_AUTOPROXY_OPTIONS as the reference requires; returns the error for a bad one (0 if good).
DWORD CheckOptions(const char* api, LPCWSTR url, const WINHTTP_AUTOPROXY_OPTIONS* options) {
  if (url == nullptr || options == nullptr) {
    Violation(api, "no URL or no WINHTTP_AUTOPROXY_OPTIONS");
    return ERROR_INVALID_PARAMETER;
  }
  const DWORD kinds = options->dwFlags & (WINHTTP_AUTOPROXY_AUTO_DETECT | WINHTTP_AUTOPROXY_CONFIG_URL);
  if (kinds == 0 || options->lpvReserved != nullptr || options->dwReserved != 0 ||
      ((options->dwFlags & WINHTTP_AUTOPROXY_AUTO_DETECT) != 0 && options->dwAutoDetectFlags == 0) ||
      ((options->dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL) != 0 && options->lpszAutoConfigUrl == nullptr)) {
    Violation(api, "WINHTTP_AUTOPROXY_OPTIONS: AUTO_DETECT needs dwAutoDetectFlags, CONFIG_URL a URL, reserved must be 0");
    return ERROR_INVALID_PARAMETER;
  }
  return 0;
}

// "PROXY a:1; PROXY b:2; DIRECT" into proxies, up to the first DIRECT.
void ParseResult(const std::wstring& result, Evaluation& out) {
  size_t start = 0;
  while (start <= result.size()) {
    size_t end = result.find(L';', start);
    if (end == std::wstring::npos) end = result.size();
    std::wstring item = result.substr(start, end - start);
    const size_t first = item.find_first_not_of(L' ');
    item = first == std::wstring::npos ? std::wstring() : item.substr(first);
    if (item.rfind(L"DIRECT", 0) == 0) {
      out.direct = true;
      return;
    }
    if (item.rfind(L"PROXY ", 0) == 0) {
      const std::wstring hostPort = item.substr(6);
      const size_t colon = hostPort.rfind(L':');
      out.proxies.emplace_back(hostPort.substr(0, colon),
                               static_cast<INTERNET_PORT>(colon == std::wstring::npos ? 80 : std::wcstoul(hostPort.c_str() + colon + 1, nullptr, 10)));
    }
    start = end + 1;
  }
}

Evaluation Evaluate(const std::wstring& url, const WINHTTP_AUTOPROXY_OPTIONS& options) {
  ProxyWorld& world = Proxy();
  std::lock_guard<std::mutex> lock(world.mutex);
  Evaluation out;
  std::wstring pacUrl;
  if ((options.dwFlags & WINHTTP_AUTOPROXY_AUTO_DETECT) != 0) {
    ++world.autoDetect;
    if (world.script.wpadError == 0) pacUrl = world.script.wpadPacUrl;
    else if ((options.dwFlags & WINHTTP_AUTOPROXY_CONFIG_URL) == 0) out.error = world.script.wpadError;
  }
  if (pacUrl.empty() && out.error == 0) pacUrl = options.lpszAutoConfigUrl != nullptr ? options.lpszAutoConfigUrl : L"";
  if (out.error != 0) return out;
  auto found = world.script.pacs.find(pacUrl);
  if (found == world.script.pacs.end()) {
    out.error = ERROR_WINHTTP_UNABLE_TO_DOWNLOAD_SCRIPT;
    return out;
  }
  const PacScript& pac = found->second;
  out.delayMs = pac.delayMs;
  out.stall = pac.stall;
  out.sync = pac.sync;
  out.outrunsClose = pac.outrunsClose;
  if (pac.error != 0) {
    out.error = pac.error;
    return out;
  }
  std::wstring result = L"DIRECT";
  for (const auto& rule : pac.rules) {
    if (url.find(rule.first) != std::wstring::npos) {
      result = rule.second;
      break;
    }
  }
  ParseResult(result, out);
  return out;
}

// The resolver handle's last notification (with the context of its last WinHttpGetProxyForUrlEx), then the double
// forgets it.
void ResolverClosed(const std::shared_ptr<Handle>& handle) {
  DWORD_PTR context;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    context = handle->context;
  }
  if (context != 0) Notify(*handle, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, StatusInfo::OfHandle());
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  Proxy().resolvers.erase(handle->id);
}

// Ends the pending lookup of `handle` (a pool thread, or the caller's for `sync`), unless a close ended it first.
void CompleteLookup(const std::shared_ptr<Handle>& handle, const Evaluation& evaluation) {
  bool closing;
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    auto found = Proxy().resolvers.find(handle->id);
    if (found == Proxy().resolvers.end() || found->second.state != LookupState::kPending) return;
    Resolver& resolver = found->second;
    resolver.state = evaluation.error == 0 ? LookupState::kCompleted : LookupState::kFailed;
    resolver.proxies = evaluation.proxies;
    resolver.direct = evaluation.direct;
    resolver.delivering = true;
  }
  if (evaluation.error == 0) Notify(*handle, WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE, StatusInfo::None());
  else Notify(*handle, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, StatusInfo::Error(API_GET_PROXY_FOR_URL, evaluation.error));
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    Resolver& resolver = Proxy().resolvers[handle->id];
    resolver.delivering = false;
    closing = resolver.closing;
  }
  if (closing) ResolverClosed(handle);
}

std::wstring WideProperty(const Napi::Object& object, const char* name) {
  return WideFromUtf16(object.Get(name).As<Napi::String>().Utf16Value());
}

FARPROC AsProc(void* function) { return reinterpret_cast<FARPROC>(function); }

}  // namespace

BOOL SetProxyOption(const std::shared_ptr<Handle>& handle, LPVOID buffer, DWORD length) {
  const char* api = "WinHttpSetOption(WINHTTP_OPTION_PROXY)";
  if (length != sizeof(WINHTTP_PROXY_INFO) || buffer == nullptr) {
    Violation(api, "takes a WINHTTP_PROXY_INFO");
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  const auto* info = static_cast<const WINHTTP_PROXY_INFO*>(buffer);
  const bool named = info->dwAccessType == WINHTTP_ACCESS_TYPE_NAMED_PROXY;
  if ((!named && info->dwAccessType != WINHTTP_ACCESS_TYPE_NO_PROXY) || (named && info->lpszProxy == nullptr) ||
      (handle->kind != Kind::kSession && handle->kind != Kind::kRequest)) {
    Violation(api, "NO_PROXY, or NAMED_PROXY with a proxy list, on a session or request handle");
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  RequestProxy record{L"", info->dwAccessType, named ? info->lpszProxy : L"",
                      named && info->lpszProxyBypass != nullptr ? info->lpszProxyBypass : L""};
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    if (handle->request != nullptr) {
      if (handle->request->phase != Phase::kOpened || handle->request->calls.count(Step::kSend) != 0) {
        Violation(api, "set on a request after WinHttpSendRequest");
      }
      record.path = handle->request->path;
    }
    // Kept as text: the caller's strings need not outlive the call.
    const std::wstring kept = std::to_wstring(record.accessType) + L"|" + record.proxy + L"|" + record.bypass;
    const auto* bytes = reinterpret_cast<const uint8_t*>(kept.data());
    handle->options[WINHTTP_OPTION_PROXY].assign(bytes, bytes + kept.size() * sizeof(WCHAR));
  }
  if (handle->kind == Kind::kRequest) {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    Proxy().requestProxies.push_back(std::move(record));
  }
  return TRUE;
}

void CloseResolver(const std::shared_ptr<Handle>& handle) {
  bool cancelled = false, outrun = false;
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    auto found = Proxy().resolvers.find(handle->id);
    if (found != Proxy().resolvers.end() && found->second.delivering) {
      found->second.closing = true;  // CompleteLookup sends HANDLE_CLOSING once the completion's callback returned
      outrun = true;
    } else if (found != Proxy().resolvers.end() && found->second.state == LookupState::kPending) {
      Resolver& resolver = found->second;
      if (resolver.outrunsClose && resolver.timer != 0) {
        resolver.closing = true;  // CompleteLookup sends HANDLE_CLOSING after the completion
        outrun = true;
      } else {
        resolver.state = LookupState::kFailed;
        if (resolver.timer != 0) Executor::Get().Cancel(resolver.timer);
        cancelled = true;
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    handle->closed = true;
  }
  if (outrun) return;
  if (!cancelled) {
    ResolverClosed(handle);
    return;
  }
  Executor::Get().After(0, [handle] {
    World::Get().counters.cancelled.fetch_add(1);
    Notify(*handle, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
           StatusInfo::Error(API_GET_PROXY_FOR_URL, ERROR_WINHTTP_OPERATION_CANCELLED));
    ResolverClosed(handle);
  });
}

bool ReleaseProxyString(HGLOBAL memory) {
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    if (Proxy().globalCopies.erase(memory) == 0) return false;
    --Proxy().outstanding;
  }
  std::free(memory);
  return true;
}

}  // namespace contract_double

using namespace contract_double;


FARPROC GetProcAddress(HMODULE module, const char* name) {
  if (module == nullptr || module != GetModuleHandleW(L"winhttp.dll") || name == nullptr) return nullptr;
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    if (!Proxy().script.exApi) return nullptr;
  }
  const std::string wanted = name;
  if (wanted == "WinHttpCreateProxyResolver") return AsProc(reinterpret_cast<void*>(&WinHttpCreateProxyResolver));
  if (wanted == "WinHttpGetProxyForUrlEx") return AsProc(reinterpret_cast<void*>(&WinHttpGetProxyForUrlEx));
  if (wanted == "WinHttpGetProxyResult") return AsProc(reinterpret_cast<void*>(&WinHttpGetProxyResult));
  if (wanted == "WinHttpFreeProxyResult") return AsProc(reinterpret_cast<void*>(&WinHttpFreeProxyResult));
  return nullptr;
}

BOOL WinHttpGetIEProxyConfigForCurrentUser(WINHTTP_CURRENT_USER_IE_PROXY_CONFIG* config) {
  if (config == nullptr) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  const ProxyScript script = ScriptCopy();
  config->fAutoDetect = script.autoDetect ? TRUE : FALSE;
  config->lpszAutoConfigUrl = script.hasAutoConfigUrl ? GlobalCopy(script.autoConfigUrl) : nullptr;
  config->lpszProxy = script.hasProxy ? GlobalCopy(script.proxy) : nullptr;
  config->lpszProxyBypass = script.hasBypass ? GlobalCopy(script.bypass) : nullptr;
  return TRUE;
}

BOOL WinHttpGetDefaultProxyConfiguration(WINHTTP_PROXY_INFO* info) {
  if (info == nullptr) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return FALSE;
  }
  const ProxyScript script = ScriptCopy();
  info->dwAccessType = script.hasWinHttpProxy ? WINHTTP_ACCESS_TYPE_NAMED_PROXY : WINHTTP_ACCESS_TYPE_NO_PROXY;
  info->lpszProxy = script.hasWinHttpProxy ? GlobalCopy(script.winhttpProxy) : nullptr;
  info->lpszProxyBypass = script.hasWinHttpProxy && !script.winhttpBypass.empty() ? GlobalCopy(script.winhttpBypass) : nullptr;
  return TRUE;
}

BOOL WinHttpGetProxyForUrl(HINTERNET session, LPCWSTR url, WINHTTP_AUTOPROXY_OPTIONS* options, WINHTTP_PROXY_INFO* info) {
  const char* api = "WinHttpGetProxyForUrl";
  std::shared_ptr<Handle> handle = Lookup(session, api);
  if (handle == nullptr) return FALSE;
  if (handle->kind != Kind::kSession) {
    Violation(api, "not a session handle");
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_TYPE);
    return FALSE;
  }
  const DWORD bad = info == nullptr ? ERROR_INVALID_PARAMETER : CheckOptions(api, url, options);
  if (bad != 0) {
    SetLastError(bad);
    return FALSE;
  }
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    ++Proxy().getProxyForUrl;
    if (std::this_thread::get_id() == Proxy().scriptThread) ++Proxy().blockingOnScriptThread;
  }
  const Evaluation evaluation = Evaluate(url, *options);
  // Synchronous: the caller's thread waits for the download and the script.
  if (evaluation.delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(evaluation.delayMs));
  if (evaluation.error != 0) {
    SetLastError(evaluation.error);
    return FALSE;
  }
  std::wstring list;
  for (const auto& proxy : evaluation.proxies) {
    if (!list.empty()) list += L";";
    list += proxy.first + L":" + std::to_wstring(proxy.second);
  }
  info->dwAccessType = list.empty() ? WINHTTP_ACCESS_TYPE_NO_PROXY : WINHTTP_ACCESS_TYPE_NAMED_PROXY;
  info->lpszProxy = list.empty() ? nullptr : GlobalCopy(list);
  info->lpszProxyBypass = nullptr;
  return TRUE;
}

DWORD WinHttpCreateProxyResolver(HINTERNET session, HINTERNET* resolver) {
  const char* api = "WinHttpCreateProxyResolver";
  std::shared_ptr<Handle> parent = Lookup(session, api);
  if (parent == nullptr) return ERROR_INVALID_HANDLE;
  if (resolver == nullptr) {
    Violation(api, "no place for the resolver handle");
    return ERROR_INVALID_PARAMETER;
  }
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    if (!Proxy().script.resolverService) return ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR;
  }
  auto handle = std::make_shared<Handle>(Kind::kResolver, parent);
  {
    std::lock_guard<std::mutex> lock(parent->mutex);
    if (parent->kind != Kind::kSession) {
      Violation(api, "not a session handle");
      return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
    }
    // "You must call WinHttpSetStatusCallback before WinHttpCreateProxyResolver" (WinHttpGetProxyForUrlEx, Remarks).
    if (parent->callback == nullptr) Violation(api, "the session has no status callback yet");
    handle->callback = parent->callback;
    handle->notifications = parent->notifications;
  }
  *resolver = Register(handle);
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  Proxy().resolvers[*resolver] = Resolver();
  return ERROR_SUCCESS;
}

DWORD WinHttpGetProxyForUrlEx(HINTERNET value, PCWSTR url, WINHTTP_AUTOPROXY_OPTIONS* options, DWORD_PTR context) {
  const char* api = "WinHttpGetProxyForUrlEx";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return ERROR_INVALID_HANDLE;
  if (handle->kind != Kind::kResolver) {
    Violation(api, "not a resolver handle (WinHttpCreateProxyResolver)");
    return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
  }
  const DWORD bad = CheckOptions(api, url, options);
  if (bad != 0) return bad;
  // The URL and options are read now: the caller's copies need not outlive the call.
  const Evaluation evaluation = Evaluate(url, *options);
  {
    std::lock_guard<std::mutex> lock(Proxy().mutex);
    Resolver& resolver = Proxy().resolvers[handle->id];
    if (resolver.state == LookupState::kPending) {
      Violation(api, "a second call while one is pending on this resolver");
      return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    }
    {
      std::lock_guard<std::mutex> handleLock(handle->mutex);
      handle->context = context;  // the completion and HANDLE_CLOSING carry pContext
    }
    ++Proxy().getProxyForUrlEx;
    resolver.state = LookupState::kPending;
    resolver.outrunsClose = evaluation.outrunsClose;
    if (!evaluation.stall && !evaluation.sync) {
      resolver.timer = Executor::Get().After(evaluation.delayMs, [handle, evaluation] { CompleteLookup(handle, evaluation); });
    }
  }
  if (evaluation.sync) CompleteLookup(handle, evaluation);
  return ERROR_IO_PENDING;
}

DWORD WinHttpGetProxyResult(HINTERNET value, WINHTTP_PROXY_RESULT* result) {
  const char* api = "WinHttpGetProxyResult";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return ERROR_INVALID_HANDLE;
  if (result == nullptr) return ERROR_INVALID_PARAMETER;
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  auto found = Proxy().resolvers.find(handle->id);
  if (found == Proxy().resolvers.end() || found->second.state != LookupState::kCompleted) {
    Violation(api, "called before GETPROXYFORURL_COMPLETE");
    return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
  }
  const Resolver& resolver = found->second;
  const size_t count = resolver.proxies.size() + (resolver.direct || resolver.proxies.empty() ? 1 : 0);
  result->cEntries = static_cast<DWORD>(count);
  result->pEntries = new WINHTTP_PROXY_RESULT_ENTRY[count]();
  for (size_t i = 0; i < resolver.proxies.size(); ++i) {
    WINHTTP_PROXY_RESULT_ENTRY& entry = result->pEntries[i];
    entry.fProxy = TRUE;
    entry.ProxyScheme = INTERNET_SCHEME_HTTP;
    const std::wstring& host = resolver.proxies[i].first;
    entry.pwszProxy = new WCHAR[host.size() + 1];
    std::wmemcpy(entry.pwszProxy, host.c_str(), host.size() + 1);
    entry.ProxyPort = resolver.proxies[i].second;
  }
  ++Proxy().outstanding;
  return ERROR_SUCCESS;
}

void WinHttpFreeProxyResult(WINHTTP_PROXY_RESULT* result) {
  if (result == nullptr || result->pEntries == nullptr) return;
  for (DWORD i = 0; i < result->cEntries; ++i) delete[] result->pEntries[i].pwszProxy;
  delete[] result->pEntries;
  result->pEntries = nullptr;
  result->cEntries = 0;
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  --Proxy().outstanding;
}

namespace contract_double {
namespace {

// contractDouble.proxy.set({ exApi, resolverService, ieConfig: { autoDetect, autoConfigUrl, proxy, bypass },
//   winhttpProxy: { proxy, bypass }, pacs: { [url]: { rules: [[text, result]], error, delayMs, stall, sync,
//   outrunsClose } },
//   wpad: { pacUrl } | { error } }): replaces the proxy script and clears the counters and records.
Napi::Value SetProxyScript(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) throw Napi::TypeError::New(env, "contractDouble.proxy.set(script): script must be an object");
  const Napi::Object js = info[0].As<Napi::Object>();
  ProxyScript script;
  if (js.Has("exApi")) script.exApi = js.Get("exApi").ToBoolean();
  if (js.Has("resolverService")) script.resolverService = js.Get("resolverService").ToBoolean();
  if (js.Has("ieConfig")) {
    const Napi::Object ie = js.Get("ieConfig").As<Napi::Object>();
    script.autoDetect = ie.Has("autoDetect") && ie.Get("autoDetect").ToBoolean();
    if ((script.hasAutoConfigUrl = ie.Has("autoConfigUrl"))) script.autoConfigUrl = WideProperty(ie, "autoConfigUrl");
    if ((script.hasProxy = ie.Has("proxy"))) script.proxy = WideProperty(ie, "proxy");
    if ((script.hasBypass = ie.Has("bypass"))) script.bypass = WideProperty(ie, "bypass");
  }
  if (js.Has("winhttpProxy")) {
    const Napi::Object winhttp = js.Get("winhttpProxy").As<Napi::Object>();
    script.hasWinHttpProxy = true;
    script.winhttpProxy = WideProperty(winhttp, "proxy");
    if (winhttp.Has("bypass")) script.winhttpBypass = WideProperty(winhttp, "bypass");
  }
  if (js.Has("pacs")) {
    const Napi::Object pacs = js.Get("pacs").As<Napi::Object>();
    const Napi::Array urls = pacs.GetPropertyNames();
    for (uint32_t i = 0; i < urls.Length(); ++i) {
      const Napi::Object pac = pacs.Get(urls.Get(i)).As<Napi::Object>();
      PacScript entry;
      if (pac.Has("rules")) {
        const Napi::Array rules = pac.Get("rules").As<Napi::Array>();
        for (uint32_t j = 0; j < rules.Length(); ++j) {
          const Napi::Array rule = rules.Get(j).As<Napi::Array>();
          entry.rules.emplace_back(WideFromUtf16(rule.Get(0u).As<Napi::String>().Utf16Value()),
                                   WideFromUtf16(rule.Get(1u).As<Napi::String>().Utf16Value()));
        }
      }
      if (pac.Has("error")) entry.error = pac.Get("error").As<Napi::Number>().Uint32Value();
      if (pac.Has("delayMs")) entry.delayMs = pac.Get("delayMs").As<Napi::Number>().Int32Value();
      if (pac.Has("stall")) entry.stall = pac.Get("stall").ToBoolean();
      if (pac.Has("sync")) entry.sync = pac.Get("sync").ToBoolean();
      if (pac.Has("outrunsClose")) entry.outrunsClose = pac.Get("outrunsClose").ToBoolean();
      script.pacs[WideFromUtf16(urls.Get(i).As<Napi::String>().Utf16Value())] = std::move(entry);
    }
  }
  if (js.Has("wpad")) {
    const Napi::Object wpad = js.Get("wpad").As<Napi::Object>();
    if (wpad.Has("error")) script.wpadError = wpad.Get("error").As<Napi::Number>().Uint32Value();
    if (wpad.Has("pacUrl")) script.wpadPacUrl = WideProperty(wpad, "pacUrl");
  }
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  Proxy().script = std::move(script);
  Proxy().scriptThread = std::this_thread::get_id();
  Proxy().requestProxies.clear();
  Proxy().getProxyForUrl = Proxy().getProxyForUrlEx = Proxy().autoDetect = Proxy().blockingOnScriptThread = 0;
  return env.Undefined();
}

Napi::Value ProxyStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::lock_guard<std::mutex> lock(Proxy().mutex);
  const ProxyWorld& world = Proxy();
  Napi::Object stats = Napi::Object::New(env);
  auto set = [&](const char* name, int64_t value) { stats.Set(name, Napi::Number::New(env, static_cast<double>(value))); };
  set("getProxyForUrl", world.getProxyForUrl);
  set("getProxyForUrlEx", world.getProxyForUrlEx);
  set("autoDetect", world.autoDetect);
  set("blockingOnScriptThread", world.blockingOnScriptThread);
  set("outstanding", world.outstanding);
  set("resolvers", static_cast<int64_t>(world.resolvers.size()));
  Napi::Array list = Napi::Array::New(env, world.requestProxies.size());
  for (uint32_t i = 0; i < world.requestProxies.size(); ++i) {
    const RequestProxy& record = world.requestProxies[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("path", Napi::String::New(env, Utf16FromWide(record.path.data(), record.path.size())));
    item.Set("accessType", Napi::Number::New(env, record.accessType));
    item.Set("proxy", Napi::String::New(env, Utf16FromWide(record.proxy.data(), record.proxy.size())));
    item.Set("bypass", Napi::String::New(env, Utf16FromWide(record.bypass.data(), record.bypass.size())));
    list.Set(i, item);
  }
  stats.Set("requestProxies", list);
  return stats;
}

}  // namespace

Napi::Object CreateProxyControl(Napi::Env env) {
  Napi::Object control = Napi::Object::New(env);
  control.Set("set", Napi::Function::New(env, SetProxyScript, "set"));
  control.Set("stats", Napi::Function::New(env, ProxyStats, "stats"));
  return control;
}

}  // namespace contract_double
