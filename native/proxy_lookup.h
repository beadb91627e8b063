// One WinHttpGetProxyForUrlEx call, asynchronous end to end (no thread waits for it): started on the JS thread
// (WinHttpCreateProxyResolver, then WinHttpGetProxyForUrlEx, which returns ERROR_IO_PENDING at once), completed by
// the resolver session's status callback (a WinHTTP thread, or the JS thread inside the call) with
// GETPROXYFORURL_COMPLETE (then WinHttpGetProxyResult, in the callback) or REQUEST_ERROR {API_GET_PROXY_FOR_URL},
// and handed to the JS thread through a thread-safe function that settles the promise. Cancel() (a timeout, or the
// resolver closing) ends it at once and closes the resolver handle.
//
// Ownership: the lookup is counted (shared_ptr) by the JS side (its cancel function), the thread-safe function
// (until it is finalized) and WinHTTP: the resolver handle's context value (WINHTTP_OPTION_CONTEXT_VALUE, also the
// pContext of WinHttpGetProxyForUrlEx) holds a reference that only the resolver handle's HANDLE_CLOSING drops, so a
// completion that arrives after a timeout touches nothing freed.
// Exactly one of completion, Cancel() or an immediate failure ends a lookup (`ended_`, under mutex_).
#pragma once
#include <memory>
#include <mutex>
#include <optional>
#include <napi.h>
#include "handle_owner.h"
#include "proxy_api.h"
#include "proxy_found.h"

class ProxyLookup : public std::enable_shared_from_this<ProxyLookup> {
 public:
  // The callback flags the resolver session needs (WinHttpGetProxyForUrlEx, Remarks; HANDLES for HANDLE_CLOSING).
  static constexpr DWORD kCallbackFlags =
      WINHTTP_CALLBACK_FLAG_REQUEST_ERROR | WINHTTP_CALLBACK_FLAG_GETPROXYFORURL_COMPLETE | WINHTTP_CALLBACK_FLAG_HANDLES;
  // The resolver session's status callback (set with kCallbackFlags). Any thread; no Node-API, nothing thrown.
  static void CALLBACK OnStatus(HINTERNET handle, DWORD_PTR context, DWORD status, LPVOID info, DWORD) noexcept;

  // JS thread. Starts the lookup; null when WinHttpCreateProxyResolver answers ERROR_WINHTTP_AUTO_PROXY_SERVICE_ERROR
  // or the resolver handle takes no context value (the caller falls back to WinHttpGetProxyForUrl). Otherwise the
  // lookup's promise settles with a ProxyFound.
  static std::shared_ptr<ProxyLookup> Start(Napi::Env env, const ProxyResolverApi& api,
                                            std::shared_ptr<HandleOwner> session, const std::wstring& url,
                                            WINHTTP_AUTOPROXY_OPTIONS* options);

  Napi::Promise Promise() const { return deferred_->Promise(); }
  // JS thread: ends a pending lookup now (errno ERROR_WINHTTP_OPERATION_CANCELLED) and closes its resolver handle.
  void Cancel(Napi::Env env);
  // JS thread: whether the promise is still unsettled.
  bool pending() const { return !settled_; }

  explicit ProxyLookup(std::shared_ptr<HandleOwner> session) : session_(std::move(session)) {}

 private:
  static void Deliver(Napi::Env env, Napi::Function, ProxyLookup* self, void*) noexcept;  // JS thread
  using Tsfn = Napi::TypedThreadSafeFunction<ProxyLookup, void, &ProxyLookup::Deliver>;
  static void OnTsfnFinalize(Napi::Env, std::shared_ptr<ProxyLookup>* ref, ProxyLookup* self) noexcept;

  // WinHTTP thread (or the JS thread inside WinHttpGetProxyForUrlEx): the call ended with `error`.
  void Complete(HINTERNET resolver, DWORD error) noexcept;
  // Under mutex_: marks the lookup ended with `found`; false if something ended it first.
  bool EndLocked(ProxyFound found);
  void ReleaseTsfnLocked();
  // JS thread: closes the resolver handle (once) and settles the promise with found_.
  void Settle(Napi::Env env);

  std::mutex mutex_;
  bool ended_ = false;      // guarded by mutex_
  bool tsfnOpen_ = false;   // guarded by mutex_: the thread-safe function is neither released nor finalized
  ProxyFound found_;        // guarded by mutex_ until ended_, then read on the JS thread
  Tsfn tsfn_;
  ProxyResolverApi api_;  // set before WinHttpGetProxyForUrlEx, read by the callback

  // JS thread only. The promise is created once the lookup is sure to settle it (a fallback needs none).
  std::optional<Napi::Promise::Deferred> deferred_;
  std::shared_ptr<HandleOwner> session_;
  HINTERNET resolver_ = nullptr;
  bool settled_ = false;
};
