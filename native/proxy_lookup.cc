#include "proxy_lookup.h"
#include "native_error.h"

namespace {

// WINHTTP_PROXY_RESULT into plain data. The callback's thread, under the lookup's mutex (so the JS thread cannot
// close the resolver handle meanwhile).
ProxyFound CopyResult(const ProxyResolverApi& api, HINTERNET resolver) {
  ProxyFound found;
  WINHTTP_PROXY_RESULT result = {};
  const DWORD error = api.getProxyResult(resolver, &result);
  if (error != ERROR_SUCCESS) {
    found.api = "WinHttpGetProxyResult";
    found.error = error;
    return found;
  }
  found.hasEntries = true;
  try {
    for (DWORD i = 0; i < result.cEntries; ++i) {
      const WINHTTP_PROXY_RESULT_ENTRY& source = result.pEntries[i];
      ProxyEntry entry;
      entry.proxy = source.fProxy != FALSE;
      entry.bypass = source.fBypass != FALSE;
      entry.scheme = static_cast<DWORD>(source.ProxyScheme);
      entry.host = source.pwszProxy != nullptr ? std::wstring(source.pwszProxy) : std::wstring();
      entry.port = source.ProxyPort;
      found.entries.push_back(std::move(entry));
    }
  } catch (...) {
    found = ProxyFound();
    found.error = ERROR_NOT_ENOUGH_MEMORY;
  }
  api.freeProxyResult(&result);
  return found;
}

}  // namespace

std::shared_ptr<ProxyLookup> ProxyLookup::Start(Napi::Env env, const ProxyResolverApi& api,
                                                std::shared_ptr<HandleOwner> session, const std::wstring& url,
                                                WINHTTP_AUTOPROXY_OPTIONS* options) {
  HINTERNET resolver = nullptr;
  const DWORD created = api.createProxyResolver(session->get(), &resolver);
  if (created == ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR) return nullptr;
  auto lookup = std::make_shared<ProxyLookup>(std::move(session));
  if (created != ERROR_SUCCESS) {
    lookup->deferred_.emplace(Napi::Promise::Deferred::New(env));
    ProxyFound found;
    found.api = "WinHttpCreateProxyResolver";
    found.error = created;
    {
      std::lock_guard<std::mutex> lock(lookup->mutex_);
      lookup->EndLocked(std::move(found));
    }
    lookup->Settle(env);
    return lookup;
  }
  // WinHTTP's reference, dropped at the resolver's HANDLE_CLOSING (OnStatus). Set as the handle's context value
  // (WINHTTP_OPTION_CONTEXT_VALUE) so HANDLE_CLOSING carries it whatever becomes of the call below; a resolver
  // handle that refuses one cannot be used safely, so the caller falls back as for a missing resolver service.
  auto* winhttpRef = new std::shared_ptr<ProxyLookup>(lookup);
  DWORD_PTR context = reinterpret_cast<DWORD_PTR>(winhttpRef);
  if (!WinHttpSetOption(resolver, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context))) {
    WinHttpCloseHandle(resolver);  // its HANDLE_CLOSING carries no context
    delete winhttpRef;
    return nullptr;
  }
  lookup->resolver_ = resolver;
  lookup->api_ = api;
  // Keeps the loop alive while the lookup is pending, as a pending request does.
  auto* tsfnRef = new std::shared_ptr<ProxyLookup>(lookup);
  try {
    lookup->deferred_.emplace(Napi::Promise::Deferred::New(env));
    lookup->tsfn_ = Tsfn::New(env, "winhttp:proxy", 0, 1, lookup.get(), &ProxyLookup::OnTsfnFinalize, tsfnRef);
  } catch (...) {
    delete tsfnRef;
    WinHttpCloseHandle(resolver);  // its HANDLE_CLOSING drops WinHTTP's reference
    lookup->resolver_ = nullptr;
    throw;
  }
  lookup->tsfnOpen_ = true;
  const DWORD started = api.getProxyForUrlEx(resolver, url.c_str(), options, context);
  if (started != ERROR_IO_PENDING) {
    ProxyFound found;
    found.error = started;
    bool ended;
    {
      std::lock_guard<std::mutex> lock(lookup->mutex_);
      ended = lookup->EndLocked(std::move(found));
      if (ended) lookup->ReleaseTsfnLocked();
    }
    if (ended) lookup->Settle(env);
  }
  return lookup;
}

bool ProxyLookup::EndLocked(ProxyFound found) {
  if (ended_) return false;
  ended_ = true;
  found_ = std::move(found);
  return true;
}

void ProxyLookup::ReleaseTsfnLocked() {
  if (!tsfnOpen_) return;
  tsfnOpen_ = false;
  tsfn_.Release();
}

void CALLBACK ProxyLookup::OnStatus(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID info, DWORD) noexcept {
  if (context == 0) return;  // the session's own notifications, or a resolver before WinHttpGetProxyForUrlEx
  auto* ref = reinterpret_cast<std::shared_ptr<ProxyLookup>*>(context);
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_GETPROXYFORURL_COMPLETE:
      (*ref)->Complete(handle, ERROR_SUCCESS);
      return;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR: {
      const auto* result = static_cast<const WINHTTP_ASYNC_RESULT*>(info);
      if (result != nullptr && result->dwResult == API_GET_PROXY_FOR_URL) (*ref)->Complete(handle, result->dwError);
      return;
    }
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      delete ref;  // the last notification for the resolver handle
      return;
    default:
      return;
  }
}

void ProxyLookup::Complete(HINTERNET resolver, DWORD error) noexcept {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ended_) return;  // cancelled (timeout or close) first: the resolver handle may be closed already
  ProxyFound found;
  if (error == ERROR_SUCCESS) {
    found = CopyResult(api_, resolver);
  } else {
    found.error = error;
  }
  EndLocked(std::move(found));
  if (tsfnOpen_) tsfn_.NonBlockingCall();  // fails only while the environment is torn down: nobody waits then
  ReleaseTsfnLocked();
}

void ProxyLookup::Cancel(Napi::Env env) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ProxyFound found;
    found.error = ERROR_WINHTTP_OPERATION_CANCELLED;
    if (!EndLocked(std::move(found))) return;  // completed first: its result is on the way
    ReleaseTsfnLocked();
  }
  Settle(env);
}

void ProxyLookup::Settle(Napi::Env env) {
  if (settled_) return;
  settled_ = true;
  if (resolver_ != nullptr) {
    // A lookup still pending ends with REQUEST_ERROR 12017, ignored: ended_ is set. HANDLE_CLOSING comes last.
    WinHttpCloseHandle(resolver_);
    resolver_ = nullptr;
  }
  session_.reset();
  deferred_->Resolve(ProxyFoundToObject(env, found_));
}

void ProxyLookup::Deliver(Napi::Env env, Napi::Function, ProxyLookup* self, void*) noexcept {
  if (env == nullptr) return;  // the environment is being torn down
  try {
    self->Settle(env);
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();
  } catch (...) {
    // std::bad_alloc building the result object: the promise stays unsettled rather than unwind into Node.
  }
}

void ProxyLookup::OnTsfnFinalize(Napi::Env, std::shared_ptr<ProxyLookup>* ref, ProxyLookup* self) noexcept {
  {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->tsfnOpen_ = false;
  }
  delete ref;
}
