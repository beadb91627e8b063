#include "url_wrap.h"
#include <string>
#include "napi_args.h"
#include "native_error.h"

Napi::Value CrackUrl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::wstring url = WideArg(info[0]);
  URL_COMPONENTS parts{};
  parts.dwStructSize = sizeof(parts);
  // (DWORD)-1 lengths ask for pointers into `url` (WinHttpCrackUrl reference, URL_COMPONENTS).
  parts.dwSchemeLength = static_cast<DWORD>(-1);
  parts.dwHostNameLength = static_cast<DWORD>(-1);
  parts.dwUserNameLength = static_cast<DWORD>(-1);
  parts.dwPasswordLength = static_cast<DWORD>(-1);
  parts.dwUrlPathLength = static_cast<DWORD>(-1);
  parts.dwExtraInfoLength = static_cast<DWORD>(-1);
  if (!WinHttpCrackUrl(url.c_str(), static_cast<DWORD>(url.size()), 0, &parts)) ThrowLastError(env, "WinHttpCrackUrl");

  auto piece = [&](const wchar_t* text, DWORD length) {
    return text != nullptr ? StringFromWide(env, text, length) : Napi::String::New(env, "");
  };
  Napi::Object result = Napi::Object::New(env);
  result.Set("scheme", piece(parts.lpszScheme, parts.dwSchemeLength));
  result.Set("secure", Napi::Boolean::New(env, parts.nScheme == INTERNET_SCHEME_HTTPS));
  result.Set("host", piece(parts.lpszHostName, parts.dwHostNameLength));
  result.Set("port", Napi::Number::New(env, parts.nPort));
  result.Set("userName", piece(parts.lpszUserName, parts.dwUserNameLength));
  result.Set("password", piece(parts.lpszPassword, parts.dwPasswordLength));
  std::wstring path(parts.lpszUrlPath != nullptr ? parts.lpszUrlPath : L"", parts.dwUrlPathLength);
  if (parts.lpszExtraInfo != nullptr) path.append(parts.lpszExtraInfo, parts.dwExtraInfoLength);
  result.Set("path", StringFromWide(env, path.c_str(), path.size()));
  return result;
}
