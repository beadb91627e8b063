#include "request_wrap.h"
#include "platform/injected_fault.h"
#include <algorithm>
#include <vector>
#include "addon.h"
#include "connection_wrap.h"
#include "handle_options.h"
#include "napi_args.h"
#include "native_error.h"
#include "tls_client_cert.h"
#include "tls_request_times.h"
#include "tls_server_cert.h"

Napi::Function RequestWrap::Define(Napi::Env env) {
  return DefineClass(env, "Request",
                     {
                         InstanceMethod("addHeaders", &RequestWrap::AddHeaders),
                         InstanceMethod("setTimeouts", &RequestWrap::SetTimeouts),
                         InstanceMethod("setOption", &RequestWrap::SetOption),
                         InstanceMethod("setProxy", &RequestWrap::SetProxy),
                         InstanceMethod("queryHeaders", &RequestWrap::QueryHeaders),
                         InstanceMethod("close", &RequestWrap::Close),
                         InstanceMethod("setNotifications", &RequestWrap::SetNotifications),
                         InstanceMethod("timings", &RequestWrap::Timings),
                         InstanceMethod("serverCertificates", &RequestWrap::ServerCertificates),
                         InstanceMethod("clientCertIssuers", &RequestWrap::ClientCertIssuers),
                         InstanceMethod("useNoClientCertificate", &RequestWrap::UseNoClientCertificate),
                         InstanceMethod("setClientCertificate", &RequestWrap::SetClientCertificate),
                         InstanceMethod("setTrustedRoots", &RequestWrap::SetTrustedRoots),
                         InstanceMethod("send", &RequestWrap::Send),
                         InstanceMethod("write", &RequestWrap::Write),
                         InstanceMethod("receiveResponse", &RequestWrap::ReceiveResponse),
                         InstanceMethod("queryDataAvailable", &RequestWrap::QueryDataAvailable),
                         InstanceMethod("read", &RequestWrap::Read),
                         InstanceMethod("pump", &RequestWrap::Pump),
                         InstanceMethod("queryAuthSchemes", &RequestWrap::QueryAuthSchemes),
                         InstanceMethod("setCredentials", &RequestWrap::SetCredentials),
                         InstanceMethod("exchange", &RequestWrap::Exchange),
                     });
}

RequestWrap::RequestWrap(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<RequestWrap>(info),
      dispatcher_(WinHttpAddon::DispatcherOf(info.Env())),
      buffers_(WinHttpAddon::BuffersOf(info.Env())) {
  Napi::Env env = info.Env();
  ConnectionWrap* connection = ConnectionWrap::Unwrap(info[0].As<Napi::Object>());
  const std::wstring method = WideArg(info[1]);
  const std::wstring path = WideArg(info[2]);
  const DWORD flags = DwordArg(info[3]);
  Napi::Function onStatus = info[4].As<Napi::Function>();
  const bool configured = info.Length() > 5 && !info[5].IsUndefined();
  if (configured && !info[5].IsArray()) ThrowUsage(env, "new Request(): configuration must be an array");
  if (connection->owner()->closed()) ThrowUsage(env, "the connection is closed");

  HINTERNET handle = WinHttpOpenRequest(connection->owner()->get(), method.c_str(), path.c_str(), nullptr,
                                        WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES, flags);
  if (handle == nullptr) ThrowLastError(env, "WinHttpOpenRequest");

  // Bind the context before anything else can happen on the handle (.NET's WinHttpHandler, cpprestsdk and the Azure
  // SDK leaked, double-freed or hung when they bound it only at WinHttpSendRequest). WinHTTP's reference is taken
  // first: from here on HANDLE_CLOSING will come, and it drops that reference.
  state_ = new RequestState(dispatcher_, connection->owner());
  state_->handle = handle;
  state_->AddRef();
  DWORD_PTR context = reinterpret_cast<DWORD_PTR>(state_);
  if (!WinHttpSetOption(handle, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context))) {
    const DWORD error = GetLastError();
    WinHttpCloseHandle(handle);  // no context bound: no HANDLE_CLOSING will reach us
    state_->Release();
    state_->Release();
    state_ = nullptr;
    ThrowWinHttpError(env, error, "WinHttpSetOption");
  }
  if (configured) ConfigureOrClose(env, info[5].As<Napi::Array>());
  state_->listener = this;
  Value().DefineProperty(Napi::PropertyDescriptor::Value("onStatus", onStatus, napi_default));
  onStatus_ = Napi::Weak(onStatus);
}

// The constructor's configuration [resolveMs, connectMs, sendMs, receiveMs, option, value, ...]: as configure(), in
// the same crossing as WinHttpOpenRequest. A failure closes the handle (as the finalizer would: the wrapper is never
// returned, no listener is bound yet, HANDLE_CLOSING drops WinHTTP's reference) and throws, naming the option.
void RequestWrap::ConfigureOrClose(Napi::Env env, const Napi::Array& configuration) {
  try {
    SetTimeoutsFromArray(env, configuration, handle());
    SetDwordOptions(env, configuration, handle(), kTimeoutCount);
  } catch (...) {
    state_->pump.Close(state_);
    state_->Release();
    state_ = nullptr;
    throw;
  }
}

// Finalizer (JS thread, during or after GC, or at environment teardown): JavaScript let go. Close the handle if
// it is still open; the state lives on until HANDLE_CLOSING.
RequestWrap::~RequestWrap() {
  if (state_ == nullptr) return;
  if (!closed_) {
    closed_ = true;
    state_->writes.Close(state_);  // queued writes may be out while JavaScript holds nothing (write_queue.h)
  }
  // A dropped request is collected even while its HANDLE_CLOSING is still due: it no longer keeps the loop alive.
  if (awaitingClose_) dispatcher_->EndWork(Env());
  state_->listener = nullptr;
  state_->Release();
}

void RequestWrap::CheckCallAllowed(Napi::Env env, const char* api) {
  if (closed_) ThrowUsage(env, "the request is closed");
  if (pending_) ThrowUsage(env, "another asynchronous call is pending on this request");
  if (failure_ != 0) ThrowWinHttpError(env, failure_, api);
}

void RequestWrap::StartCall(Napi::Env env, DWORD_PTR asyncApi, const char* api) {
  CheckCallAllowed(env, api);
  // State first: the callback may run inside the WinHTTP call that follows.
  pending_ = true;
  pendingApi_ = asyncApi;
  Ref();
  dispatcher_->BeginWork(env);
}

void RequestWrap::FinishCall() {
  pending_ = false;
  Unref();
  dispatcher_->EndWork(Env());
}

void RequestWrap::FailCall(Napi::Env env, const char* api) {
  const DWORD error = GetLastError();
  FinishCall();
  ThrowWinHttpError(env, error, api);
}

void RequestWrap::HandInline(InlineCompletion& call) {
  std::optional<StatusEvent> event = call.Release();
  if (!event) return;
  try {
    InjectedFault("call-js", event->status);  // the same hand-over as Dispatcher::CallJs's, with the same barrier
    OnStatus(*event);
  } catch (const Napi::Error&) {
    throw;  // JavaScript's own exception, thrown from this call as from any
  } catch (...) {
    try {
      OnFailure(ERROR_NOT_ENOUGH_MEMORY, false);  // as Dispatcher::CallJs does for an event it could not hand over
    } catch (...) {
      // Out of memory again while failing the request: nothing more can be done here.
    }
  }
}

void RequestWrap::OnStatus(const StatusEvent& event) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  if (event.status == WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE && receiveAhead_ && pending_) {
    // send()'s receive-ahead: the pump called WinHttpReceiveResponse already; that is the call pending now.
    receiveAhead_ = false;
    pendingApi_ = API_RECEIVE_RESPONSE;
  } else if (EndsAsyncCall(event.status) && pending_) {
    receiveAhead_ = false;
    FinishCall();
  }
  if (event.status == WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) {
    // WinHTTP is done with the handle: its buffers are no longer needed, even while JavaScript holds the wrapper.
    state_->readBuffer.Recycle(buffers_);
    state_->spareBuffer.Recycle(buffers_);
    state_->writeBuffer.Free();
    state_->writes.Free();
    state_->sendBuffer.Free();
    if (awaitingClose_) {
      awaitingClose_ = false;
      dispatcher_->EndWork(env);
    }
  } else if (event.status == WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE) {
    // WinHttpReceiveResponse has completed: WinHTTP no longer reads the optional data (WinHttpSendRequest reference).
    sendBufferHeld_ = false;
    state_->sendBuffer.Free();
  } else if (event.status == WINHTTP_CALLBACK_STATUS_REQUEST_ERROR &&
             (event.asyncApi == API_SEND_REQUEST || event.asyncApi == API_RECEIVE_RESPONSE)) {
    // The send failed, or the receive ended with an error (12032 asks for the request again): send() may refill it.
    sendBufferHeld_ = false;
  }
  // After close() or a failure, JavaScript has settled everything; only the end of the handle is still news.
  if ((closed_ || failure_ != 0) && event.status != WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING) return;
  // tls.ca's check refused the request and closed its handle (tls_trust_gate.h): no call may reach it any more.
  if (state_->trustGate.Refused()) closed_ = true;
  Napi::Value onStatus = onStatus_.Value();
  if (onStatus.IsEmpty() || !onStatus.IsFunction()) return;

  Napi::Value value;
  if (event.status == WINHTTP_CALLBACK_STATUS_READ_COMPLETE || event.headRead) {
    const uint8_t* bytes = event.data != nullptr ? event.data : state_->readBuffer.data();
    value = event.value == 0 ? Napi::Buffer<uint8_t>::New(env, 0) : Napi::Buffer<uint8_t>::Copy(env, bytes, event.value);
  } else if (event.status == WINHTTP_CALLBACK_STATUS_NAME_RESOLVED ||
             event.status == WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER) {
    value = Napi::String::New(env, event.text);
  } else {
    value = Napi::Number::New(env, event.value);
  }
  std::vector<napi_value> args = {
      Napi::Number::New(env, event.status),
      value,
      Napi::Number::New(env, static_cast<double>(event.asyncApi)),
      Napi::Number::New(env, event.error),
      Napi::Number::New(env, event.secureFailure),
  };
  // A chained HEADERS_AVAILABLE (body_pump.h): value is the body's first bytes; then [head, bodyEnded].
  if (event.headRead) {
    Napi::Array head = Napi::Array::New(env, 2);
    head.Set(0u, Napi::String::New(env, event.text));
    head.Set(1u, Napi::Boolean::New(env, event.bodyEnded));
    args.push_back(head);
  }
  onStatus.As<Napi::Function>().Call(Value(), args);
}

// A notification was lost (the status callback or CallJs ran out of memory): the pending call ends as if WinHTTP had
// sent REQUEST_ERROR with `error` for it, and later notifications but HANDLE_CLOSING are dropped. JS thread.
void RequestWrap::OnFailure(DWORD error, bool handleClosed) {
  if (failure_ == 0 && !closed_) {
    if (pending_) {
      StatusEvent failed;
      failed.status = WINHTTP_CALLBACK_STATUS_REQUEST_ERROR;
      // A chained exchange (request_exchange.cc) fails at the step it had reached.
      // A send with receive-ahead fails as the send: that is the step JavaScript waits for.
      const DWORD_PTR chained = pendingApi_ == API_SEND_REQUEST && !receiveAhead_ ? state_->pump.ChainApi() : 0;
      failed.asyncApi = chained != 0 ? chained : pendingApi_;
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

// addHeaders(lines): CRLF-separated header lines, validated by lib/, sent as given: repeated names and empty values
// included, in order. WINHTTP_ADDREQ_FLAG_ADD alone adds each line (as .NET's WinHttpHandler adds its headers);
// WINHTTP_ADDREQ_FLAG_REPLACE would replace a repeated name's earlier value, and remove the header for an empty
// value (WinHttpAddRequestHeaders reference).
Napi::Value RequestWrap::AddHeaders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowUsage(env, "the request is closed");
  const std::wstring lines = WideArg(info[0]);
  if (!WinHttpAddRequestHeaders(handle(), lines.c_str(), static_cast<DWORD>(lines.size()), WINHTTP_ADDREQ_FLAG_ADD)) {
    ThrowLastError(env, "WinHttpAddRequestHeaders");
  }
  return env.Undefined();
}

Napi::Value RequestWrap::SetTimeouts(const Napi::CallbackInfo& info) {
  if (closed_) ThrowUsage(info.Env(), "the request is closed");
  SetTimeoutsFromArgs(info, handle());
  return info.Env().Undefined();
}

Napi::Value RequestWrap::SetOption(const Napi::CallbackInfo& info) {
  if (closed_) ThrowUsage(info.Env(), "the request is closed");
  SetDwordOptionFromArgs(info, handle());
  return info.Env().Undefined();
}

// queryHeaders(infoLevel, name | null, index) -> { value, nextIndex } | null when the header is absent.
Napi::Value RequestWrap::QueryHeaders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowUsage(env, "the request is closed");
  const DWORD level = DwordArg(info[0]);
  const bool byName = info[1].IsString();
  const std::wstring name = byName ? WideArg(info[1]) : std::wstring();
  const LPCWSTR namePtr = byName ? name.c_str() : WINHTTP_HEADER_NAME_BY_INDEX;
  const DWORD startIndex = DwordArg(info[2]);

  // The first call sizes the buffer: ERROR_INSUFFICIENT_BUFFER gives the byte count (WinHttpQueryHeaders
  // reference). The value may have grown by the next call, which then fails the same way: size again until it fits.
  DWORD bytes = 0;
  DWORD index = startIndex;
  std::vector<wchar_t> buffer;
  while (!WinHttpQueryHeaders(handle(), level, namePtr, buffer.empty() ? WINHTTP_NO_OUTPUT_BUFFER : buffer.data(),
                              &bytes, &index)) {
    const DWORD error = GetLastError();
    if (error == ERROR_WINHTTP_HEADER_NOT_FOUND) return env.Null();
    if (error != ERROR_INSUFFICIENT_BUFFER) ThrowWinHttpError(env, error, "WinHttpQueryHeaders");
    buffer.resize(bytes / sizeof(wchar_t) + 1);
    bytes = static_cast<DWORD>(buffer.size() * sizeof(wchar_t));
    index = startIndex;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("value", StringFromWide(env, buffer.data(), buffer.empty() ? 0 : bytes / sizeof(wchar_t)));
  result.Set("nextIndex", Napi::Number::New(env, index));
  return result;
}

// close(): WinHttpCloseHandle is the only cancel. Completions may still arrive; HANDLE_CLOSING comes last, and until
// it does the event loop stays alive, so a finished script does not exit with native state still waiting (the
// wrapper is not held: a dropped request is still collected).
Napi::Value RequestWrap::Close(const Napi::CallbackInfo& info) {
  if (!closed_) {
    // What timings() answers from now on: the handshake's times are read from the handle, and the timeline may still
    // be stamped by notifications that outrun the close.
    closedTimes_ = TimesNow();
    closed_ = true;
    if (pending_) FinishCall();
    // State first: HANDLE_CLOSING may arrive inside WinHttpCloseHandle, on this thread.
    awaitingClose_ = true;
    dispatcher_->BeginWork(info.Env());
    state_->writes.Close(state_);  // WinHttpCloseHandle, now or as soon as a queue or pump call under way returns
  }
  return info.Env().Undefined();
}

// setNotifications(mask): the progress notifications (WINHTTP_CALLBACK_STATUS_*) to pass to onStatus.
Napi::Value RequestWrap::SetNotifications(const Napi::CallbackInfo& info) {
  state_->notifyMask.store(DwordArg(info[0]));
  return info.Env().Undefined();
}

// timings() -> [resolveStart, resolveEnd, connectStart, connectEnd, sendStart, requestSent, firstByte, headers,
// connectionStart, connectionEnd, tlsStart, tlsEnd] in milliseconds since the request was opened, -1 where the stage
// was not seen; the last four from WINHTTP_OPTION_REQUEST_TIMES where WinHTTP has it (tls_request_times.h). After
// close(), the times as they were when it closed the handle.
Napi::Value RequestWrap::Timings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const Times times = closed_ ? closedTimes_ : TimesNow();
  Napi::Array result = Napi::Array::New(env, times.size());
  for (uint32_t i = 0; i < times.size(); ++i) {
    result.Set(i, Napi::Number::New(env, times[i] < 0 ? -1.0 : static_cast<double>(times[i]) / 1e6));
  }
  return result;
}

// The timeline's stages, then the handshake's (nanoseconds, -1 where not seen); the handle must be open.
RequestWrap::Times RequestWrap::TimesNow() const {
  Times times;
  for (uint32_t i = 0; i < RequestTimeline::kCount; ++i) {
    times[i] = state_->timeline.Get(static_cast<RequestTimeline::Milestone>(i));
  }
  std::array<int64_t, kHandshakeTimeCount> handshake;
  if (!ReadHandshakeTimes(handle(), state_->timeline, &handshake)) handshake.fill(-1);
  std::copy(handshake.begin(), handshake.end(), times.begin() + RequestTimeline::kCount);
  return times;
}

// send(totalLength, firstBytes?, receiveAhead?): WinHttpSendRequest with the body's total length and optionally its
// first bytes, copied into the state's send buffer, which stays put until the response head (WinHttpSendRequest
// reference). receiveAhead (the whole body goes with the send): from SENDREQUEST_COMPLETE the pump calls
// WinHttpReceiveResponse and reads the head (body_pump.h), so a HEADERS_AVAILABLE carrying the head (or the receive's
// REQUEST_ERROR) follows SENDREQUEST_COMPLETE, and the call stays pending until then; JavaScript's receiveResponse()
// then calls nothing. The arguments are checked and the bytes copied before the call is marked pending: a throw
// leaves nothing pending.
Napi::Value RequestWrap::Send(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD totalLength = DwordArg(info[0]);
  const bool hasData = info.Length() > 1 && !info[1].IsUndefined();
  const bool receiveAhead = info.Length() > 2 && info[2].ToBoolean().Value();
  if (hasData && !IsUint8Array(info[1])) ThrowUsage(env, "send(totalLength, firstBytes): firstBytes must be a Uint8Array");
  CheckCallAllowed(env, "WinHttpSendRequest");
  if (sendBufferHeld_) ThrowUsage(env, "send(): the request was sent and its response has not been received");
  if (hasData) {
    Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
    state_->sendBuffer.Assign(data.Data(), data.ByteLength());
  }
  // State first: SENDREQUEST_COMPLETE, and the receive after it, may run inside WinHttpSendRequest on this thread.
  if (receiveAhead) state_->pump.ChainResponse(0, true);
  receiveAhead_ = receiveAhead;
  if (!SendWithHeldBuffer(env, totalLength, hasData)) {
    receiveAhead_ = false;
    if (receiveAhead) state_->pump.Unchain();
    FailCall(env, "WinHttpSendRequest");
  }
  return env.Undefined();
}

// Marks the send pending and calls WinHttpSendRequest with the send buffer (when hasData) as its optional data, which
// WinHTTP holds until the response head. False if the call failed at once: nothing is held, GetLastError() says why.
bool RequestWrap::SendWithHeldBuffer(Napi::Env env, DWORD totalLength, bool hasData) {
  StartCall(env, API_SEND_REQUEST, "WinHttpSendRequest");
  sendBufferHeld_ = true;
  LPVOID optional = hasData ? state_->sendBuffer.data() : WINHTTP_NO_REQUEST_DATA;
  const DWORD optionalLength = hasData ? static_cast<DWORD>(state_->sendBuffer.size()) : 0;
  if (WinHttpSendRequest(handle(), WINHTTP_NO_ADDITIONAL_HEADERS, 0, optional, optionalLength, totalLength,
                         reinterpret_cast<DWORD_PTR>(state_))) {
    return true;
  }
  sendBufferHeld_ = false;
  return false;
}

// write(bytes) -> queued: the bytes are copied into the upload queue (write_queue.h), which writes them. true: the
// caller may go on; false: the call is pending until the queue has room (WRITE_COMPLETE) or a write failed
// (REQUEST_ERROR for API_WRITE_DATA, which the queue also posts when no call is pending: the next step's answer).
Napi::Value RequestWrap::Write(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsUint8Array(info[0])) ThrowUsage(env, "write(bytes): bytes must be a Uint8Array");
  CheckCallAllowed(env, "WinHttpWriteData");
  Napi::Uint8Array data = info[0].As<Napi::Uint8Array>();
  if (state_->writes.Queue(state_, data.Data(), data.ByteLength()) == WriteQueue::Queued::kNow) {
    return Napi::Boolean::New(env, true);
  }
  StartCall(env, API_WRITE_DATA, "WinHttpWriteData");
  return Napi::Boolean::New(env, false);
}

// receiveResponse(): WinHttpReceiveResponse once the upload queue has written everything (write_queue.h).
Napi::Value RequestWrap::ReceiveResponse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  StartCall(env, API_RECEIVE_RESPONSE, "WinHttpReceiveResponse");
  InlineCompletion call(state_);
  const DWORD error = state_->writes.Receive(state_);
  if (error != 0) {
    SetLastError(error);
    FailCall(env, "WinHttpReceiveResponse");
  }
  HandInline(call);
  return env.Undefined();
}

Napi::Value RequestWrap::QueryDataAvailable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (state_->pump.Started()) ThrowUsage(env, "queryDataAvailable(): the body is read by pump()");
  StartCall(env, API_QUERY_DATA_AVAILABLE, "WinHttpQueryDataAvailable");
  InlineCompletion call(state_);
  if (!WinHttpQueryDataAvailable(handle(), nullptr)) FailCall(env, "WinHttpQueryDataAvailable");
  HandInline(call);
  return env.Undefined();
}

// read(maxBytes): into the state's read buffer; READ_COMPLETE hands JavaScript a copy (0 bytes: end of body).
Napi::Value RequestWrap::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD size = DwordArg(info[0]);
  CheckCallAllowed(env, "WinHttpReadData");
  if (state_->pump.Started()) ThrowUsage(env, "read(): the body is read by pump()");
  uint8_t* buffer = state_->readBuffer.Reserve(size, buffers_);
  StartCall(env, API_READ_DATA, "WinHttpReadData");
  InlineCompletion call(state_);
  if (!WinHttpReadData(handle(), buffer, size, nullptr)) FailCall(env, "WinHttpReadData");
  HandInline(call);
  return env.Undefined();
}

// pump(maxBytes, readAhead?): the body pump (body_pump.h) gathers up to maxBytes into the state's read buffer,
// chaining WinHttpQueryDataAvailable and WinHttpReadData itself; one READ_COMPLETE hands JavaScript a copy (0 bytes:
// the end), or one REQUEST_ERROR the failure. Errors of those calls arrive as REQUEST_ERROR, never thrown here.
// readAhead: the pump fills a second buffer while JavaScript handles the chunk (maxBytes is then fixed).
Napi::Value RequestWrap::Pump(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD size = DwordArg(info[0]);
  if (size == 0) ThrowUsage(env, "pump(maxBytes): maxBytes must be at least 1");
  const bool readAhead = info.Length() > 1 && info[1].ToBoolean().Value();
  CheckCallAllowed(env, "WinHttpReadData");
  // Once the pump reads ahead, a read may be under way into either buffer: their sizes are fixed.
  if (!state_->pump.ReadsAhead()) {
    state_->readBuffer.Reserve(size, buffers_);
    if (readAhead) state_->spareBuffer.Reserve(size, buffers_);
  }
  StartCall(env, API_READ_DATA, "WinHttpReadData");
  state_->pump.Start(state_, size, readAhead);
  return env.Undefined();
}

// serverCertificates() -> [Buffer]: the server's certificate (DER), then the others the server sent (tls_server_cert.h).
// JS thread.
Napi::Value RequestWrap::ServerCertificates(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowUsage(env, "the request is closed");
  std::vector<std::string> certificates;
  DWORD error = 0;
  if (!ReadServerCertificates(handle(), &certificates, &error)) ThrowWinHttpError(env, error, "WinHttpQueryOption");
  Napi::Array result = Napi::Array::New(env, certificates.size());
  for (uint32_t i = 0; i < certificates.size(); ++i) {
    result.Set(i, Napi::Buffer<char>::Copy(env, certificates[i].data(), certificates[i].size()));
  }
  return result;
}

// clientCertIssuers() -> [Buffer]: after 12044, the DER names of the CAs the server accepts (tls_client_cert.h). JS thread.
Napi::Value RequestWrap::ClientCertIssuers(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowUsage(env, "the request is closed");
  std::vector<std::string> issuers;
  DWORD error = 0;
  if (!ReadClientCertIssuers(handle(), &issuers, &error)) ThrowWinHttpError(env, error, "WinHttpQueryOption");
  Napi::Array result = Napi::Array::New(env, issuers.size());
  for (uint32_t i = 0; i < issuers.size(); ++i) {
    result.Set(i, Napi::Buffer<char>::Copy(env, issuers[i].data(), issuers[i].size()));
  }
  return result;
}

// useNoClientCertificate(): WINHTTP_OPTION_CLIENT_CERT_CONTEXT = WINHTTP_NO_CLIENT_CERT_CONTEXT. JS thread.
Napi::Value RequestWrap::UseNoClientCertificate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowUsage(env, "the request is closed");
  if (!::UseNoClientCertificate(handle())) ThrowLastError(env, "WinHttpSetOption");
  return env.Undefined();
}
