// RequestWrap::Exchange: a request's headers, WinHttpSendRequest and the response chained natively (body_pump.h),
// in one crossing from JavaScript and one back. JS thread.
#include "napi_args.h"
#include "native_error.h"
#include "request_wrap.h"

// exchange(totalLength, firstBytes | undefined, headerLines, firstChunkBytes): as addHeaders(headerLines) (skipped
// when empty) and send(totalLength, firstBytes); then, instead of SENDREQUEST_COMPLETE, the pump calls
// WinHttpReceiveResponse, reads the head and gathers up to firstChunkBytes of the body, and one HEADERS_AVAILABLE
// brings them (onStatus's value: the bytes; its sixth argument: [statusCode + '\n' + raw CRLF head, bodyEnded]).
// If the head could not be read natively, HEADERS_AVAILABLE comes as from receiveResponse() and nothing was read.
// Errors of the send and the receive arrive as REQUEST_ERROR; one of the first chunk is the next pump()'s answer.
Napi::Value RequestWrap::Exchange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const DWORD totalLength = DwordArg(info[0]);
  const bool hasData = !info[1].IsUndefined();
  if (hasData && !IsUint8Array(info[1])) ThrowUsage(env, "exchange(): firstBytes must be a Uint8Array");
  if (!info[2].IsString()) ThrowUsage(env, "exchange(): headerLines must be a string");
  const DWORD firstChunk = DwordArg(info[3]);
  CheckCallAllowed(env, "WinHttpSendRequest");
  if (sendBufferHeld_) ThrowUsage(env, "exchange(): the request was sent and its response has not been received");
  const std::wstring lines = WideArg(info[2]);
  if (!lines.empty() &&
      !WinHttpAddRequestHeaders(handle(), lines.c_str(), static_cast<DWORD>(lines.size()), WINHTTP_ADDREQ_FLAG_ADD)) {
    ThrowLastError(env, "WinHttpAddRequestHeaders");
  }
  if (hasData) {
    Napi::Uint8Array data = info[1].As<Napi::Uint8Array>();
    state_->sendBuffer.Assign(data.Data(), data.ByteLength());
  }
  state_->readBuffer.Reserve(firstChunk, buffers_);
  // State first: SENDREQUEST_COMPLETE, and the whole chain, may run inside WinHttpSendRequest on this thread.
  state_->pump.ChainResponse(firstChunk);
  receiveAhead_ = false;
  if (!SendWithHeldBuffer(env, totalLength, hasData)) {
    state_->pump.Unchain();
    FailCall(env, "WinHttpSendRequest");
  }
  return env.Undefined();
}
