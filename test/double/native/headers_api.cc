// WinHttpAddRequestHeaders and WinHttpQueryHeaders. Querying works only once HEADERS_AVAILABLE was delivered
// (ERROR_WINHTTP_INCORRECT_HANDLE_STATE before); a header that is absent gives ERROR_WINHTTP_HEADER_NOT_FOUND; a
// missing or short buffer gives ERROR_INSUFFICIENT_BUFFER with the bytes needed, terminating null included, and a
// successful query writes exactly that many bytes, so a caller that sizes its buffer wrongly is caught.
#include <cstring>
#include <cwchar>
#include <string>
#include "double_world.h"
#include "handle.h"
#include "headers_model.h"

using namespace contract_double;

namespace {

BOOL Fail(const char* api, DWORD error, const char* why) {
  if (why != nullptr) World::Get().Violation(std::string(api) + ": " + why);
  SetLastError(error);
  return FALSE;
}

// The value WinHttpQueryHeaders is asked for; false with the error if there is none.
bool QueryValue(const RequestModel& request, DWORD level, LPCWSTR name, LPDWORD index, std::wstring* value,
                DWORD* error) {
  const DWORD base = level & 0xFFFF;
  const bool ofRequest = (level & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) != 0;
  if (!ofRequest && request.phase != Phase::kHeaders) {
    *error = ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
    return false;
  }
  if (!ofRequest && base == WINHTTP_QUERY_STATUS_CODE) {
    *value = std::to_wstring(request.answer.status);
  } else if (!ofRequest && base == WINHTTP_QUERY_STATUS_TEXT) {
    *value = request.answer.statusText;
  } else if (!ofRequest && base == WINHTTP_QUERY_VERSION) {
    *value = request.answer.version;
  } else if (!ofRequest && base == WINHTTP_QUERY_RAW_HEADERS_CRLF) {
    *value = RawHeadersCrlf(request.answer);
  } else {
    const std::wstring headerName = base == WINHTTP_QUERY_CUSTOM ? std::wstring(name != nullptr ? name : L"")
                                                                 : QueryLevelName(base);
    if (headerName.empty()) {
      *error = ERROR_WINHTTP_INVALID_QUERY_REQUEST;
      return false;
    }
    const DWORD at = index != nullptr ? *index : 0;
    if (!FindHeader(ofRequest ? request.headers : request.answer.headers, headerName, at, value)) {
      *error = ERROR_WINHTTP_HEADER_NOT_FOUND;
      return false;
    }
    if (index != nullptr) *index = at + 1;
  }
  return true;
}

// The response's headers change between the sizing call and the next (as the script asks): a caller must size again
// until its buffer fits, not assume the second call succeeds.
void GrowAfterShortBuffer(RequestModel& request, std::mutex& mutex) {
  std::lock_guard<std::mutex> lock(mutex);
  if (request.response == nullptr || request.grown >= request.response->growOnShortBuffer ||
      request.answer.headers.empty()) {
    return;
  }
  request.answer.headers.front().second += std::wstring(100, L'g');
  ++request.grown;
}

}  // namespace

BOOL WinHttpAddRequestHeaders(HINTERNET value, LPCWSTR headers, DWORD headersLength, DWORD modifiers) {
  const char* api = "WinHttpAddRequestHeaders";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (handle->kind != Kind::kRequest) return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a request handle");
  if (headers == nullptr) return Fail(api, ERROR_INVALID_PARAMETER, "no headers");
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) return Fail(api, injected, nullptr);
  const size_t length = headersLength == static_cast<DWORD>(-1) ? std::wcslen(headers) : headersLength;
  std::lock_guard<std::mutex> lock(handle->mutex);
  const DWORD error = AddHeaderLines(handle->request->headers, std::wstring(headers, length), modifiers);
  return error == 0 ? TRUE : Fail(api, error, nullptr);
}

BOOL WinHttpQueryHeaders(HINTERNET value, DWORD infoLevel, LPCWSTR name, LPVOID buffer, LPDWORD bufferLength,
                         LPDWORD index) {
  const char* api = "WinHttpQueryHeaders";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (handle->kind != Kind::kRequest) return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a request handle");
  if (bufferLength == nullptr) return Fail(api, ERROR_INVALID_PARAMETER, "lpdwBufferLength is NULL");
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) return Fail(api, injected, nullptr);

  std::wstring text;
  DWORD error = 0;
  DWORD at = index != nullptr ? *index : 0;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    if (!QueryValue(*handle->request, infoLevel, name, &at, &text, &error)) {
      return Fail(api, error, error == ERROR_WINHTTP_INCORRECT_HANDLE_STATE ? "headers queried before HEADERS_AVAILABLE" : nullptr);
    }
  }
  if ((infoLevel & WINHTTP_QUERY_FLAG_NUMBER) != 0) {
    if (buffer == nullptr || *bufferLength < sizeof(DWORD)) {
      *bufferLength = sizeof(DWORD);
      return Fail(api, ERROR_INSUFFICIENT_BUFFER, nullptr);
    }
    const DWORD number = static_cast<DWORD>(std::wcstoul(text.c_str(), nullptr, 10));
    std::memcpy(buffer, &number, sizeof(number));
    *bufferLength = sizeof(DWORD);
  } else {
    const DWORD needed = static_cast<DWORD>((text.size() + 1) * sizeof(WCHAR));
    if (buffer == nullptr || *bufferLength < needed) {
      *bufferLength = needed;
      GrowAfterShortBuffer(*handle->request, handle->mutex);
      return Fail(api, ERROR_INSUFFICIENT_BUFFER, nullptr);
    }
    std::memcpy(buffer, text.c_str(), needed);
    *bufferLength = needed - sizeof(WCHAR);
  }
  if (index != nullptr) *index = at;
  return TRUE;
}
