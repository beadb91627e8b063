// WebSocket: one WinHttpWebSocketCompleteUpgrade handle and the asynchronous calls on it. Each call returns at once;
// its completion arrives later as a status event passed to the onStatus function given to the constructor:
//   onStatus(status, value, bufferType, operation, error)
// status is WINHTTP_CALLBACK_STATUS_* (WRITE_COMPLETE, READ_COMPLETE, CLOSE_COMPLETE, SHUTDOWN_COMPLETE,
// REQUEST_ERROR, HANDLE_CLOSING); value is the byte count, for READ_COMPLETE a Buffer holding a copy of the bytes;
// bufferType is a READ_COMPLETE's WINHTTP_WEB_SOCKET_BUFFER_TYPE; operation and error are a REQUEST_ERROR's
// WINHTTP_WEB_SOCKET_OPERATION and code.
// One send, one receive and one close-or-shutdown may be pending at once (a second of a kind throws); while any is,
// the wrapper is held strongly and the event loop kept alive. The native state is a RequestState (buffers, reference
// count, failure item) bound as the handle's context value, freed after HANDLE_CLOSING. JS thread only.
#pragma once
#include <napi.h>
#include "dispatcher.h"
#include "request_state.h"

class WebSocketWrap : public Napi::ObjectWrap<WebSocketWrap>, public StatusListener {
 public:
  static Napi::Function Define(Napi::Env env);
  // new WebSocket(request, onStatus): WinHttpWebSocketCompleteUpgrade on the request, after its 101 response.
  explicit WebSocketWrap(const Napi::CallbackInfo& info);
  ~WebSocketWrap() override;

  void OnStatus(const StatusEvent& event) override;
  void OnFailure(DWORD error, bool handleClosed) override;

 private:
  // WebSocket.prepareUpgrade(request): WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, before the request is sent.
  static Napi::Value PrepareUpgrade(const Napi::CallbackInfo& info);
  // Asynchronous: each ends with its completion or a REQUEST_ERROR naming its operation.
  Napi::Value Send(const Napi::CallbackInfo& info);      // send(bufferType, bytes)
  Napi::Value Receive(const Napi::CallbackInfo& info);   // receive(maxBytes)
  Napi::Value Shutdown(const Napi::CallbackInfo& info);  // shutdown(code, reason?) -> whether a completion follows
  Napi::Value Close(const Napi::CallbackInfo& info);     // close(code, reason?)
  // Synchronous.
  Napi::Value QueryCloseStatus(const Napi::CallbackInfo& info);  // -> { code, reason } | null
  Napi::Value Abort(const Napi::CallbackInfo& info);             // WinHttpCloseHandle

  // WINHTTP_WEB_SOCKET_OPERATION values index pending_.
  static constexpr int kOperations = 4;
  void CheckOpen(Napi::Env env, const char* api);
  void StartCall(Napi::Env env, int operation);
  // Ends the call of `operation` if it is pending; false if it was not.
  bool FinishCall(int operation);
  // Holds `reason` (UTF-8 bytes) for WinHttpWebSocketShutdown/Close until their completion.
  void HoldReason(const Napi::CallbackInfo& info);

  RequestState* state_ = nullptr;
  Dispatcher* dispatcher_;
  Napi::FunctionReference onStatus_;  // weak: kept alive by the wrapper object's own property
  bool pending_[kOperations] = {false, false, false, false};
  bool closed_ = false;
  bool awaitingClose_ = false;  // abort() called, HANDLE_CLOSING not yet seen: the event loop is kept alive
  DWORD failure_ = 0;           // set by OnFailure: a notification was lost, every later call fails too
};
