// WinHttpCrackUrl: scheme (http or https, else ERROR_WINHTTP_UNRECOGNIZED_SCHEME), "//", optional user:password@,
// host (a bracketed IPv6 literal keeps its brackets), optional port (else the scheme's), path, and extra info from
// '?' or '#'. Components are returned as pointers into the URL (a non-zero length with a NULL pointer asks for that);
// copying into caller buffers is not modelled, since the shim never asks for it.
#include <cwchar>
#include <cwctype>
#include <string>
#include "double_world.h"

using namespace contract_double;

namespace {

BOOL Fail(DWORD error) {
  SetLastError(error);
  return FALSE;
}

bool EqualsNoCase(const wchar_t* text, size_t length, const wchar_t* word) {
  if (std::wcslen(word) != length) return false;
  for (size_t i = 0; i < length; ++i) {
    if (static_cast<wchar_t>(std::towlower(text[i])) != word[i]) return false;
  }
  return true;
}

// Points one component into the URL if the caller asked for it; false if it asked for a copy.
bool Point(LPCWSTR url, size_t start, size_t end, LPWSTR* text, DWORD* length) {
  if (*length == 0) return true;
  if (*text != nullptr) return false;
  *text = const_cast<LPWSTR>(url + start);
  *length = static_cast<DWORD>(end - start);
  return true;
}

}  // namespace

BOOL WinHttpCrackUrl(LPCWSTR url, DWORD urlLength, DWORD /*flags*/, LPURL_COMPONENTS parts) {
  if (url == nullptr || parts == nullptr || parts->dwStructSize != sizeof(URL_COMPONENTS)) {
    return Fail(ERROR_INVALID_PARAMETER);
  }
  DWORD injected;
  if (World::Get().TakeCallFault("WinHttpCrackUrl", -1, &injected)) return Fail(injected);
  const std::wstring text(url, urlLength != 0 ? urlLength : std::wcslen(url));

  const size_t colon = text.find(L':');
  if (colon == std::wstring::npos || colon == 0) return Fail(ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
  INTERNET_SCHEME scheme;
  INTERNET_PORT defaultPort;
  if (EqualsNoCase(url, colon, L"http")) {
    scheme = INTERNET_SCHEME_HTTP;
    defaultPort = INTERNET_DEFAULT_HTTP_PORT;
  } else if (EqualsNoCase(url, colon, L"https")) {
    scheme = INTERNET_SCHEME_HTTPS;
    defaultPort = INTERNET_DEFAULT_HTTPS_PORT;
  } else {
    return Fail(ERROR_WINHTTP_UNRECOGNIZED_SCHEME);
  }
  if (text.compare(colon + 1, 2, L"//") != 0) return Fail(ERROR_WINHTTP_INVALID_URL);

  const size_t authority = colon + 3;
  size_t pathStart = text.find_first_of(L"/?#", authority);
  if (pathStart == std::wstring::npos) pathStart = text.size();
  const size_t at = text.rfind(L'@', pathStart - 1);
  const bool hasUser = at != std::wstring::npos && at >= authority;
  const size_t hostStart = hasUser ? at + 1 : authority;
  size_t hostEnd = pathStart;
  size_t portStart = std::wstring::npos;
  if (hostStart < text.size() && text[hostStart] == L'[') {
    const size_t close = text.find(L']', hostStart);
    if (close == std::wstring::npos || close > pathStart) return Fail(ERROR_WINHTTP_INVALID_URL);
    hostEnd = close + 1;
    if (hostEnd < pathStart) {
      if (text[hostEnd] != L':') return Fail(ERROR_WINHTTP_INVALID_URL);
      portStart = hostEnd + 1;
    }
  } else {
    const size_t portColon = text.find(L':', hostStart);
    if (portColon != std::wstring::npos && portColon < pathStart) {
      hostEnd = portColon;
      portStart = portColon + 1;
    }
  }
  if (hostEnd == hostStart) return Fail(ERROR_WINHTTP_INVALID_URL);
  unsigned long port = defaultPort;
  if (portStart != std::wstring::npos && portStart < pathStart) {
    port = 0;
    for (size_t i = portStart; i < pathStart; ++i) {
      if (!std::iswdigit(text[i]) || (port = port * 10 + (text[i] - L'0')) > 65535) return Fail(ERROR_WINHTTP_INVALID_URL);
    }
  }
  size_t extraStart = text.find_first_of(L"?#", pathStart);
  if (extraStart == std::wstring::npos) extraStart = text.size();

  parts->nScheme = scheme;
  parts->nPort = static_cast<INTERNET_PORT>(port);
  size_t userEnd = hasUser ? at : authority;
  size_t passwordStart = userEnd;
  if (hasUser) {
    const size_t split = text.find(L':', authority);
    if (split != std::wstring::npos && split < at) {
      userEnd = split;
      passwordStart = split + 1;
    }
  }
  const bool pointed =
      Point(url, 0, colon, &parts->lpszScheme, &parts->dwSchemeLength) &&
      Point(url, hostStart, hostEnd, &parts->lpszHostName, &parts->dwHostNameLength) &&
      Point(url, authority, hasUser ? userEnd : authority, &parts->lpszUserName, &parts->dwUserNameLength) &&
      Point(url, passwordStart, hasUser ? at : authority, &parts->lpszPassword, &parts->dwPasswordLength) &&
      Point(url, pathStart, extraStart, &parts->lpszUrlPath, &parts->dwUrlPathLength) &&
      Point(url, extraStart, text.size(), &parts->lpszExtraInfo, &parts->dwExtraInfoLength);
  if (!pointed) {
    World::Get().Violation("WinHttpCrackUrl: copying into caller buffers is not modelled by the double");
    return Fail(ERROR_INVALID_PARAMETER);
  }
  return TRUE;
}
