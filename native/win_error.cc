// FormatMessageW (never the ANSI variant: messages must reach JavaScript intact in any system locale).
#include "win_error.h"
#include "wide_string.h"

std::u16string SystemMessage(DWORD code) {
  wchar_t* text = nullptr;
  const DWORD base = FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_IGNORE_INSERTS;
  DWORD length = 0;
  HMODULE winhttp = GetModuleHandleW(L"winhttp.dll");
  if (winhttp != nullptr) {
    length = FormatMessageW(base | FORMAT_MESSAGE_FROM_HMODULE, winhttp, code, 0,
                            reinterpret_cast<LPWSTR>(&text), 0, nullptr);
  }
  if (length == 0) {
    length = FormatMessageW(base | FORMAT_MESSAGE_FROM_SYSTEM, nullptr, code, 0,
                            reinterpret_cast<LPWSTR>(&text), 0, nullptr);
  }
  if (length == 0 || text == nullptr) return std::u16string();
  while (length > 0 && (text[length - 1] == L'\r' || text[length - 1] == L'\n' || text[length - 1] == L' ' ||
                        text[length - 1] == L'.')) {
    --length;
  }
  std::u16string message = Utf16FromWide(text, length);
  LocalFree(text);
  return message;
}
