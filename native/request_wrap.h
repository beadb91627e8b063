// Request: one WinHttpOpenRequest handle and the asynchronous calls on it. Each call returns at once; its
// completion arrives later as a status event passed to the onStatus function given to the constructor:
//   onStatus(status, value, asyncApi, error, secureFailure)
// where value is the byte count, for READ_COMPLETE a Buffer holding a copy of the bytes read, and for
// NAME_RESOLVED and CONNECTED_TO_SERVER a string (the address).
// At most one asynchronous call is pending at a time (a second one throws); while one is, the wrapper (and through
// it onStatus) is held strongly and the event loop is kept alive. JS thread only.
#pragma once
#include <napi.h>
#include "dispatcher.h"
#include "inline_completion.h"
#include <array>
#include "request_state.h"
#include "tls_request_times.h"

class RequestWrap : public Napi::ObjectWrap<RequestWrap>, public StatusListener {
 public:
  static Napi::Function Define(Napi::Env env);
  // new Request(connection, method, pathAndQuery, openRequestFlags, onStatus, configuration?): configuration is
  // [resolveMs, connectMs, sendMs, receiveMs, option, value, ...], set as configure() sets it.
  explicit RequestWrap(const Napi::CallbackInfo& info);
  ~RequestWrap() override;

  void OnStatus(const StatusEvent& event) override;
  void OnFailure(DWORD error, bool handleClosed) override;

 private:
  // Synchronous.
  Napi::Value AddHeaders(const Napi::CallbackInfo& info);
  Napi::Value SetTimeouts(const Napi::CallbackInfo& info);
  Napi::Value SetOption(const Napi::CallbackInfo& info);
  Napi::Value SetProxy(const Napi::CallbackInfo& info);  // native/proxy_option.cc
  Napi::Value QueryHeaders(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value SetNotifications(const Napi::CallbackInfo& info);
  Napi::Value Timings(const Napi::CallbackInfo& info);
  // Authentication (auth_request.cc).
  Napi::Value QueryAuthSchemes(const Napi::CallbackInfo& info);
  Napi::Value SetCredentials(const Napi::CallbackInfo& info);
  Napi::Value ServerCertificates(const Napi::CallbackInfo& info);
  Napi::Value ClientCertIssuers(const Napi::CallbackInfo& info);
  Napi::Value UseNoClientCertificate(const Napi::CallbackInfo& info);
  Napi::Value SetClientCertificate(const Napi::CallbackInfo& info);  // native/client_cert_wrap.cc
  Napi::Value SetTrustedRoots(const Napi::CallbackInfo& info);       // native/tls_roots_wrap.cc
  // Asynchronous: each ends with one completion event or REQUEST_ERROR.
  Napi::Value Send(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value ReceiveResponse(const Napi::CallbackInfo& info);
  Napi::Value QueryDataAvailable(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Pump(const Napi::CallbackInfo& info);
  // Headers, send and the chained receive (request_exchange.cc): ends with one HEADERS_AVAILABLE or REQUEST_ERROR.
  Napi::Value Exchange(const Napi::CallbackInfo& info);

  friend class WebSocketWrap;  // upgrades this request's handle (websocket_wrap.cc)
  HINTERNET handle() const { return state_->handle; }
  void ConfigureOrClose(Napi::Env env, const Napi::Array& configuration);
  using Times = std::array<int64_t, RequestTimeline::kCount + kHandshakeTimeCount>;
  Times TimesNow() const;
  // Throws unless a call may start now: the request is open, no call is pending, no failure ended it.
  void CheckCallAllowed(Napi::Env env, const char* api);
  // Marks the call pending (after CheckCallAllowed and anything that may throw): `asyncApi` is its API_* number
  // (WINHTTP_ASYNC_RESULT.dwResult), `api` its function name.
  void StartCall(Napi::Env env, DWORD_PTR asyncApi, const char* api);
  void FinishCall();
  void FailCall(Napi::Env env, const char* api);
  // Hands JavaScript the completion that WinHTTP delivered inside the call just made (inline_completion.h).
  void HandInline(InlineCompletion& call);
  bool SendWithHeldBuffer(Napi::Env env, DWORD totalLength, bool hasData);

  RequestState* state_ = nullptr;
  Dispatcher* dispatcher_;
  BufferPool& buffers_;  // the environment's read buffers (buffer_pool.h)
  Napi::FunctionReference onStatus_;  // weak: kept alive by the wrapper object's own property
  bool pending_ = false;
  DWORD_PTR pendingApi_ = 0;  // API_* of the pending call
  bool closed_ = false;
  Times closedTimes_{};  // timings() after close()
  bool awaitingClose_ = false;  // close() called, HANDLE_CLOSING not yet seen: the event loop is kept alive
  // WinHttpSendRequest was given the send buffer and WinHttpReceiveResponse has not completed: WinHTTP may still
  // read it, so another send() must not overwrite it.
  bool sendBufferHeld_ = false;
  // send(..., receiveAhead) is pending: at its SENDREQUEST_COMPLETE the pending call becomes the pump's receive.
  bool receiveAhead_ = false;
  DWORD failure_ = 0;  // set by OnFailure: the request failed without WinHTTP knowing, every later call fails too
};
