// WinHttpSendRequest, WinHttpWriteData, WinHttpReceiveResponse, WinHttpQueryDataAvailable, WinHttpReadData: each
// checks the documented preconditions (a request handle, the right point in the exchange, no other call pending,
// NULL out-parameters in asynchronous mode), records the call and returns TRUE; its completion follows
// (request_flow.h). A FALSE return means no notification will come for the call.
#include <cwchar>
#include <string>
#include "double_world.h"
#include "headers_model.h"
#include "request_flow.h"

using namespace contract_double;

namespace {

const char* PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kOpened: return "before WinHttpSendRequest completed";
    case Phase::kSent: return "after SENDREQUEST_COMPLETE";
    case Phase::kHeaders: return "after HEADERS_AVAILABLE";
    case Phase::kFailed: return "after a REQUEST_ERROR ended the exchange";
  }
  return "";
}

// Fails the call with `error`, recording the broken rule.
BOOL Refuse(const char* api, DWORD error, const std::string& why) {
  World::Get().Violation(std::string(api) + ": " + why);
  SetLastError(error);
  return FALSE;
}

// The common part: an open request handle in `phase` with no call pending, and no injected failure. Records the
// call as pending. Null (last error set) if the call must fail.
std::shared_ptr<Handle> Begin(HINTERNET value, const char* api, Step step, Phase phase, void* buffer, DWORD length) {
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return nullptr;
  if (handle->kind != Kind::kRequest) {
    Refuse(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a request handle");
    return nullptr;
  }
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) {
    SetLastError(injected);
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(handle->mutex);
  RequestModel& request = *handle->request;
  if (request.op) {
    Refuse(api, ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "another asynchronous call is still pending on the request");
    return nullptr;
  }
  // After a 401/407 the request may be sent again on the same handle (double_auth.h).
  if (request.phase != phase && !(step == Step::kSend && MaySendAgain(request))) {
    Refuse(api, ERROR_WINHTTP_INCORRECT_HANDLE_STATE, std::string("called ") + PhaseName(request.phase));
    return nullptr;
  }
  request.op = PendingOp{step, request.nextOpSerial++, buffer, length};
  return handle;
}

}  // namespace

BOOL WinHttpSendRequest(HINTERNET value, LPCWSTR headers, DWORD headersLength, LPVOID optional, DWORD optionalLength,
                        DWORD totalLength, DWORD_PTR context) {
  const char* api = "WinHttpSendRequest";
  if (optionalLength > totalLength || (optional == nullptr && optionalLength != 0)) {
    return Refuse(api, ERROR_INVALID_PARAMETER, "optional data longer than the total length, or missing");
  }
  std::shared_ptr<Handle> handle = Begin(value, api, Step::kSend, Phase::kOpened, optional, optionalLength);
  if (handle == nullptr) return FALSE;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    RequestModel& request = *handle->request;
    if (headers != nullptr) {
      const size_t length = headersLength == static_cast<DWORD>(-1) ? std::wcslen(headers) : headersLength;
      AddHeaderLines(request.headers, std::wstring(headers, length), WINHTTP_ADDREQ_FLAG_ADD);
    }
    // "Alternatively, WinHttpSendRequest can be used to associate a context value" (WINHTTP_STATUS_CALLBACK).
    if (context != 0) handle->context = context;
    request.totalLength = totalLength;
    request.written = 0;
    request.optional = optional;
    request.optionalLength = optionalLength;
    request.optionalSent.clear();
    if (request.response == nullptr) request.response = &request.script->ResponseFor(request.path);
  }
  StartPending(handle);
  return TRUE;
}

BOOL WinHttpWriteData(HINTERNET value, LPCVOID buffer, DWORD bytesToWrite, LPDWORD bytesWritten) {
  const char* api = "WinHttpWriteData";
  if (bytesWritten != nullptr) return Refuse(api, ERROR_INVALID_PARAMETER, "lpdwNumberOfBytesWritten must be NULL in asynchronous mode");
  if (buffer == nullptr && bytesToWrite != 0) return Refuse(api, ERROR_INVALID_PARAMETER, "no buffer");
  std::shared_ptr<Handle> handle =
      Begin(value, api, Step::kWrite, Phase::kSent, const_cast<void*>(buffer), bytesToWrite);
  if (handle == nullptr) return FALSE;
  StartPending(handle);
  return TRUE;
}

BOOL WinHttpReceiveResponse(HINTERNET value, LPVOID reserved) {
  const char* api = "WinHttpReceiveResponse";
  if (reserved != nullptr) return Refuse(api, ERROR_INVALID_PARAMETER, "lpReserved must be NULL");
  std::shared_ptr<Handle> handle = Begin(value, api, Step::kReceive, Phase::kSent, nullptr, 0);
  if (handle == nullptr) return FALSE;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    RequestModel& request = *handle->request;
    // WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH: the total is unknown (a chunked body), so writes are taken until now.
    if (request.totalLength != WINHTTP_IGNORE_REQUEST_TOTAL_LENGTH && request.written != request.totalLength) {
      request.op.reset();
      return Refuse(api, ERROR_WINHTTP_INCORRECT_HANDLE_STATE,
                    "called before the whole body (dwTotalLength bytes) was written");
    }
  }
  StartPending(handle);
  return TRUE;
}

BOOL WinHttpQueryDataAvailable(HINTERNET value, LPDWORD bytesAvailable) {
  const char* api = "WinHttpQueryDataAvailable";
  if (bytesAvailable != nullptr) {
    return Refuse(api, ERROR_INVALID_PARAMETER, "lpdwNumberOfBytesAvailable must be NULL in asynchronous mode");
  }
  std::shared_ptr<Handle> handle = Begin(value, api, Step::kQuery, Phase::kHeaders, nullptr, 0);
  if (handle == nullptr) return FALSE;
  StartPending(handle);
  return TRUE;
}

BOOL WinHttpReadData(HINTERNET value, LPVOID buffer, DWORD bytesToRead, LPDWORD bytesRead) {
  const char* api = "WinHttpReadData";
  if (bytesRead != nullptr) return Refuse(api, ERROR_INVALID_PARAMETER, "lpdwNumberOfBytesRead must be NULL in asynchronous mode");
  if (buffer == nullptr) return Refuse(api, ERROR_INVALID_PARAMETER, "no buffer");
  std::shared_ptr<Handle> handle = Begin(value, api, Step::kRead, Phase::kHeaders, buffer, bytesToRead);
  if (handle == nullptr) return FALSE;
  StartPending(handle);
  return TRUE;
}
