// The Win32 calls the shim makes besides WinHTTP: the per-thread last error, and message text. FormatMessageW knows
// the codes the double itself reports (from the "winhttp.dll" module for 12xxx, from the "system" for the others),
// and, as the shim uses it, allocates the text for the caller to release with LocalFree; other modes are not modelled.
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <cwctype>
#include "double_proxy.h"
#include "double_tls.h"
#include "double_world.h"
#include "winhttp_double.h"

namespace {

thread_local DWORD lastError = ERROR_SUCCESS;

// Stands for winhttp.dll's module handle; only its address matters.
char winhttpModule;

struct Message {
  DWORD code;
  const wchar_t* text;
};

// Microsoft's wording, from the WinHTTP and system error references.
const Message kWinHttpMessages[] = {
    {ERROR_WINHTTP_TIMEOUT, L"The operation timed out"},
    {ERROR_WINHTTP_INVALID_URL, L"The URL is invalid"},
    {ERROR_WINHTTP_UNRECOGNIZED_SCHEME, L"The URL does not use a recognized protocol"},
    {ERROR_WINHTTP_NAME_NOT_RESOLVED, L"The server name or address could not be resolved"},
    {ERROR_WINHTTP_INVALID_OPTION, L"The option is invalid"},
    {ERROR_WINHTTP_OPTION_NOT_SETTABLE, L"The option value cannot be set"},
    {ERROR_WINHTTP_OPERATION_CANCELLED, L"The operation was canceled"},
    {ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, L"The handle supplied is not of the correct type"},
    {ERROR_WINHTTP_INCORRECT_HANDLE_STATE, L"The handle supplied is not in the correct state"},
    {ERROR_WINHTTP_CANNOT_CONNECT, L"A connection with the server could not be established"},
    {ERROR_WINHTTP_CONNECTION_ERROR, L"The connection with the server was terminated abnormally"},
    {ERROR_WINHTTP_RESEND_REQUEST, L"The request must be resent"},
    {ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, L"The server requires a client certificate"},
    {ERROR_WINHTTP_HEADER_NOT_FOUND, L"The requested header could not be located"},
    {ERROR_WINHTTP_INVALID_SERVER_RESPONSE, L"The server response could not be parsed"},
    {ERROR_WINHTTP_INVALID_HEADER, L"The header is invalid"},
    {ERROR_WINHTTP_INVALID_QUERY_REQUEST, L"The request for a HTTP header is invalid"},
    {ERROR_WINHTTP_HEADER_ALREADY_EXISTS, L"The HTTP header already exists"},
    {ERROR_WINHTTP_REDIRECT_FAILED, L"The HTTP redirect request failed"},
    {ERROR_WINHTTP_SECURE_FAILURE, L"A security error occurred"},
};

const Message kSystemMessages[] = {
    {ERROR_INVALID_HANDLE, L"The handle is invalid."},
    {ERROR_NOT_ENOUGH_MEMORY, L"Not enough memory resources are available to process this command."},
    {ERROR_INVALID_PARAMETER, L"The parameter is incorrect."},
    {ERROR_INSUFFICIENT_BUFFER, L"The data area passed to a system call is too small."},
};

template <size_t N>
const wchar_t* Find(const Message (&table)[N], DWORD code) {
  for (const Message& message : table) {
    if (message.code == code) return message.text;
  }
  return nullptr;
}

}  // namespace

DWORD GetLastError() { return lastError; }

void SetLastError(DWORD code) { lastError = code; }

DWORD FormatMessageW(DWORD flags, LPCVOID source, DWORD messageId, DWORD /*languageId*/, LPWSTR buffer,
                     DWORD /*size*/, va_list* /*arguments*/) {
  if ((flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) == 0 || buffer == nullptr) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return 0;
  }
  const wchar_t* text = nullptr;
  if ((flags & FORMAT_MESSAGE_FROM_HMODULE) != 0 && source == &winhttpModule) text = Find(kWinHttpMessages, messageId);
  if (text == nullptr && (flags & FORMAT_MESSAGE_FROM_SYSTEM) != 0) text = Find(kSystemMessages, messageId);
  if (text == nullptr) {
    SetLastError(ERROR_MR_MID_NOT_FOUND);
    return 0;
  }
  const size_t length = std::wcslen(text);
  auto* copy = static_cast<WCHAR*>(std::malloc((length + 3) * sizeof(WCHAR)));
  std::wmemcpy(copy, text, length);
  std::wmemcpy(copy + length, L"\r\n", 3);  // as Windows ends its messages
  *reinterpret_cast<LPWSTR*>(buffer) = copy;
  return static_cast<DWORD>(length + 2);
}

HLOCAL LocalFree(HLOCAL memory) {
  std::free(memory);
  return nullptr;
}

HMODULE GetModuleHandleW(LPCWSTR moduleName) {
  if (moduleName == nullptr) return nullptr;
  const wchar_t* name = L"winhttp.dll";
  for (size_t i = 0;; ++i) {
    if (static_cast<wchar_t>(std::towlower(moduleName[i])) != name[i]) return nullptr;
    if (name[i] == L'\0') return &winhttpModule;
  }
}

// GlobalFree of memory the double handed to the caller (proxy strings, client-certificate issuer lists): NULL on
// success; anything else is a violation (freed twice, or never handed out), answered as GlobalFree fails: with the
// pointer itself.
HGLOBAL GlobalFree(HGLOBAL memory) {
  if (memory == nullptr) return nullptr;
  if (contract_double::ReleaseIssuerList(memory) || contract_double::ReleaseProxyString(memory)) return nullptr;
  contract_double::World::Get().Violation("GlobalFree: not memory the double handed out (freed twice?)");
  SetLastError(ERROR_INVALID_HANDLE);
  return memory;
}
