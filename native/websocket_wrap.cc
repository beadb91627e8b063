#include "websocket_wrap.h"
#include <vector>
#include "addon.h"
#include "napi_args.h"
#include "native_error.h"
#include "request_wrap.h"
#include "websocket_callback.h"

namespace {

const char* const kOperationApi[] = {"WinHttpWebSocketSend", "WinHttpWebSocketReceive", "WinHttpWebSocketClose",
                                     "WinHttpWebSocketShutdown"};

}  // namespace

Napi::Function WebSocketWrap::Define(Napi::Env env) {
  return DefineClass(env, "WebSocket",
                     {
                         StaticMethod("prepareUpgrade", &WebSocketWrap::PrepareUpgrade),
                         InstanceMethod("send", &WebSocketWrap::Send),
                         InstanceMethod("receive", &WebSocketWrap::Receive),
                         InstanceMethod("shutdown", &WebSocketWrap::Shutdown),
                         InstanceMethod("close", &WebSocketWrap::Close),
                         InstanceMethod("queryCloseStatus", &WebSocketWrap::QueryCloseStatus),
                         InstanceMethod("abort", &WebSocketWrap::Abort),
                     });
}

// JS thread. The option takes no value: lpBuffer NULL, dwBufferLength 0 (WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET).
Napi::Value WebSocketWrap::PrepareUpgrade(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  RequestWrap* request = RequestWrap::Unwrap(info[0].As<Napi::Object>());
  if (request->closed_) ThrowUsage(env, "the request is closed");
  if (!WinHttpSetOption(request->handle(), WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0)) {
    ThrowOptionError(env, GetLastError(), WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET);
  }
  return env.Undefined();
}

// JS thread, after the request's WinHttpReceiveResponse completed with status 101. The new handle gets no context
// from WinHttpWebSocketCompleteUpgrade: it inherits the request's status callback, which must never see a WebSocket
// notification (it reads request structures). Our own callback is set first, then the context bound, so the first
// notification that carries our state reaches OnWebSocketStatus.
WebSocketWrap::WebSocketWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<WebSocketWrap>(info), dispatcher_(WinHttpAddon::DispatcherOf(info.Env())) {
  Napi::Env env = info.Env();
  RequestWrap* request = RequestWrap::Unwrap(info[0].As<Napi::Object>());
  Napi::Function onStatus = info[1].As<Napi::Function>();
  if (request->closed_) ThrowUsage(env, "the request is closed");
  if (request->pending_) ThrowUsage(env, "an asynchronous call is pending on the request");

  HINTERNET handle = WinHttpWebSocketCompleteUpgrade(request->handle(), 0);
  if (handle == nullptr) ThrowLastError(env, "WinHttpWebSocketCompleteUpgrade");
  if (WinHttpSetStatusCallback(handle, OnWebSocketStatus, kWebSocketNotifications, 0) ==
      WINHTTP_INVALID_STATUS_CALLBACK) {
    const DWORD error = GetLastError();
    WinHttpCloseHandle(handle);  // no context bound: its notifications carry nothing of ours
    ThrowWinHttpError(env, error, "WinHttpSetStatusCallback");
  }
  // As for requests (request_wrap.cc): WinHTTP's reference is taken before the context is bound.
  state_ = new RequestState(dispatcher_, request->state_->connection());
  state_->handle = handle;
  state_->AddRef();
  DWORD_PTR context = reinterpret_cast<DWORD_PTR>(state_);
  if (!WinHttpSetOption(handle, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context))) {
    const DWORD error = GetLastError();
    WinHttpCloseHandle(handle);
    state_->Release();
    state_->Release();
    state_ = nullptr;
    ThrowWinHttpError(env, error, "WinHttpSetOption");
  }
  state_->listener = this;
  Value().DefineProperty(Napi::PropertyDescriptor::Value("onStatus", onStatus, napi_default));
  onStatus_ = Napi::Weak(onStatus);
}

// Finalizer (JS thread): JavaScript let go. Closes the handle if still open; the state lives on until HANDLE_CLOSING.
WebSocketWrap::~WebSocketWrap() {
  if (state_ == nullptr) return;
  if (!closed_) {
    closed_ = true;
    WinHttpCloseHandle(state_->handle);
  }
  if (awaitingClose_) dispatcher_->EndWork(Env());
  state_->listener = nullptr;
  state_->Release();
}

void WebSocketWrap::CheckOpen(Napi::Env env, const char* api) {
  if (closed_) ThrowUsage(env, "the WebSocket is closed");
  if (failure_ != 0) ThrowWinHttpError(env, failure_, api);
}

void WebSocketWrap::StartCall(Napi::Env env, int operation) {
  // State first: the callback may run inside the WinHTTP call that follows.
  pending_[operation] = true;
  Ref();
  dispatcher_->BeginWork(env);
}

bool WebSocketWrap::FinishCall(int operation) {
  if (!pending_[operation]) return false;
  pending_[operation] = false;
  Unref();
  dispatcher_->EndWork(Env());
  return true;
}

// send(bufferType, bytes): copied into the state's write buffer, which stays put until WRITE_COMPLETE.
Napi::Value WebSocketWrap::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD type = DwordArg(info[0]);
  if (type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE) ThrowUsage(env, "send(): bufferType is not a data type");
  if (!IsUint8Array(info[1])) ThrowUsage(env, "send(bufferType, bytes): bytes must be a Uint8Array");
  CheckOpen(env, kOperationApi[WINHTTP_WEB_SOCKET_SEND_OPERATION]);
  if (pending_[WINHTTP_WEB_SOCKET_SEND_OPERATION]) ThrowUsage(env, "another send is pending on this WebSocket");
  Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
  state_->writeBuffer.Assign(data.Data(), data.ByteLength());
  StartCall(env, WINHTTP_WEB_SOCKET_SEND_OPERATION);
  const DWORD error =
      WinHttpWebSocketSend(state_->handle, static_cast<WINHTTP_WEB_SOCKET_BUFFER_TYPE>(type),
                           state_->writeBuffer.data(), static_cast<DWORD>(state_->writeBuffer.size()));
  if (error != NO_ERROR && error != ERROR_IO_PENDING) {
    FinishCall(WINHTTP_WEB_SOCKET_SEND_OPERATION);
    ThrowWinHttpError(env, error, kOperationApi[WINHTTP_WEB_SOCKET_SEND_OPERATION]);
  }
  return env.Undefined();
}

// receive(maxBytes): into the state's read buffer; READ_COMPLETE hands JavaScript a copy and the buffer type.
Napi::Value WebSocketWrap::Receive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD size = DwordArg(info[0]);
  if (size == 0) ThrowUsage(env, "receive(maxBytes): maxBytes must be at least 1");
  CheckOpen(env, kOperationApi[WINHTTP_WEB_SOCKET_RECEIVE_OPERATION]);
  if (pending_[WINHTTP_WEB_SOCKET_RECEIVE_OPERATION]) ThrowUsage(env, "another receive is pending on this WebSocket");
  uint8_t* buffer = state_->readBuffer.Reserve(size);
  StartCall(env, WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
  // The out-parameters are set only in synchronous mode (WinHttpWebSocketReceive reference); they must not be NULL.
  DWORD bytesRead = 0;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE bufferType = WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
  const DWORD error = WinHttpWebSocketReceive(state_->handle, buffer, size, &bytesRead, &bufferType);
  if (error != NO_ERROR && error != ERROR_IO_PENDING) {
    FinishCall(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION);
    ThrowWinHttpError(env, error, kOperationApi[WINHTTP_WEB_SOCKET_RECEIVE_OPERATION]);
  }
  return env.Undefined();
}

// The reason's bytes live in the state's send buffer (unused by a WebSocket otherwise) until the call completes.
void WebSocketWrap::HoldReason(const Napi::CallbackInfo& info) {
  if (info.Length() > 1 && IsUint8Array(info[1])) {
    Napi::Uint8Array reason = info[1].As<Napi::Uint8Array>();
    state_->sendBuffer.Assign(reason.Data(), reason.ByteLength());
  } else {
    state_->sendBuffer.Assign(nullptr, 0);
  }
}

// shutdown(code, reason?): sends the close frame; receiving goes on. Returns true if SHUTDOWN_COMPLETE follows
// (ERROR_IO_PENDING), false if WinHTTP finished it inside the call (NO_ERROR: WinHttpWebSocketShutdown reference).
Napi::Value WebSocketWrap::Shutdown(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD code = DwordArg(info[0]);
  const char* api = kOperationApi[WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION];
  CheckOpen(env, api);
  if (pending_[WINHTTP_WEB_SOCKET_CLOSE_OPERATION] || pending_[WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION]) {
    ThrowUsage(env, "a close is pending on this WebSocket");
  }
  HoldReason(info);
  StartCall(env, WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION);
  const DWORD size = static_cast<DWORD>(state_->sendBuffer.size());
  const DWORD error = WinHttpWebSocketShutdown(state_->handle, static_cast<USHORT>(code),
                                               size > 0 ? state_->sendBuffer.data() : nullptr, size);
  if (error == ERROR_IO_PENDING) return Napi::Boolean::New(env, true);
  FinishCall(WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION);
  if (error != NO_ERROR) ThrowWinHttpError(env, error, api);
  return Napi::Boolean::New(env, false);
}

// close(code, reason?): the close handshake (the close frame, then the server's); CLOSE_COMPLETE ends it.
Napi::Value WebSocketWrap::Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD code = DwordArg(info[0]);
  const char* api = kOperationApi[WINHTTP_WEB_SOCKET_CLOSE_OPERATION];
  CheckOpen(env, api);
  if (pending_[WINHTTP_WEB_SOCKET_CLOSE_OPERATION] || pending_[WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION]) {
    ThrowUsage(env, "a close is pending on this WebSocket");
  }
  HoldReason(info);
  StartCall(env, WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
  const DWORD size = static_cast<DWORD>(state_->sendBuffer.size());
  const DWORD error = WinHttpWebSocketClose(state_->handle, static_cast<USHORT>(code),
                                            size > 0 ? state_->sendBuffer.data() : nullptr, size);
  if (error != NO_ERROR && error != ERROR_IO_PENDING) {
    FinishCall(WINHTTP_WEB_SOCKET_CLOSE_OPERATION);
    ThrowWinHttpError(env, error, api);
  }
  return env.Undefined();
}

// queryCloseStatus() -> { code, reason: Buffer } once a close frame was received, else null
// (ERROR_INVALID_OPERATION: WinHttpWebSocketQueryCloseStatus reference).
Napi::Value WebSocketWrap::QueryCloseStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* api = "WinHttpWebSocketQueryCloseStatus";
  if (closed_) ThrowUsage(env, "the WebSocket is closed");
  USHORT code = 0;
  uint8_t reason[WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH];
  DWORD length = 0;
  const DWORD error = WinHttpWebSocketQueryCloseStatus(state_->handle, &code, reason, sizeof(reason), &length);
  if (error == ERROR_INVALID_OPERATION) return env.Null();
  if (error != NO_ERROR) ThrowWinHttpError(env, error, api);
  Napi::Object result = Napi::Object::New(env);
  result.Set("code", Napi::Number::New(env, code));
  result.Set("reason", Napi::Buffer<uint8_t>::Copy(env, reason, length));
  return result;
}

// abort(): WinHttpCloseHandle. Pending calls end now for JavaScript; WinHTTP may still complete them (with 12017 or
// their result), and the buffers stay the state's until HANDLE_CLOSING.
Napi::Value WebSocketWrap::Abort(const Napi::CallbackInfo& info) {
  if (!closed_) {
    closed_ = true;
    for (int operation = 0; operation < kOperations; ++operation) FinishCall(operation);
    // State first: HANDLE_CLOSING may arrive inside WinHttpCloseHandle, on this thread.
    awaitingClose_ = true;
    dispatcher_->BeginWork(info.Env());
    WinHttpCloseHandle(state_->handle);
  }
  return info.Env().Undefined();
}

void WebSocketWrap::OnStatus(const StatusEvent& event) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  switch (event.status) {
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE: FinishCall(WINHTTP_WEB_SOCKET_SEND_OPERATION); break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE: FinishCall(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION); break;
    case WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE: FinishCall(WINHTTP_WEB_SOCKET_CLOSE_OPERATION); break;
    case WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE: FinishCall(WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION); break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
      if (event.webSocketOperation < kOperations) FinishCall(static_cast<int>(event.webSocketOperation));
      break;
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      // WinHTTP is done with the handle: its buffers are no longer needed.
      state_->readBuffer.Free();
      state_->writeBuffer.Free();
      state_->sendBuffer.Free();
      if (awaitingClose_) {
        awaitingClose_ = false;
        dispatcher_->EndWork(env);
      }
      break;
    default:
      break;
  }
  // After abort() or a failure, JavaScript has settled everything; only the end of the handle is still news.
  if ((closed_ || failure_ != 0) && event.status != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) return;
  Napi::Value onStatus = onStatus_.Value();
  if (onStatus.IsEmpty() || !onStatus.IsFunction()) return;
  Napi::Value value;
  if (event.status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE) {
    value = Napi::Buffer<uint8_t>::Copy(env, state_->readBuffer.data(), event.value);
  } else {
    value = Napi::Number::New(env, event.value);
  }
  std::vector<napi_value> args = {
      Napi::Number::New(env, event.status),       value,
      Napi::Number::New(env, event.webSocketBufferType), Napi::Number::New(env, event.webSocketOperation),
      Napi::Number::New(env, event.error),
  };
  onStatus.As<Napi::Function>().Call(Value(), args);
}

// A notification was lost (out of memory): every pending call ends as if WinHTTP had sent REQUEST_ERROR with `error`
// for it, and later notifications but HANDLE_CLOSING are dropped. JS thread.
void WebSocketWrap::OnFailure(DWORD error, bool handleClosed) {
  if (failure_ == 0 && !closed_) {
    for (int operation = 0; operation < kOperations; ++operation) {
      if (!pending_[operation]) continue;
      StatusEvent failed;
      failed.status = WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
      failed.webSocketOperation = static_cast<DWORD>(operation);
      failed.error = error;
      OnStatus(failed);
    }
    failure_ = error;
  }
  if (handleClosed) {
    StatusEvent closing;
    closing.status = WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING;
    OnStatus(closing);
  }
}
