// Windows' wchar_t is UTF-16 already; copying element by element keeps the code correct where wchar_t is wider
// (the Linux contract-double build).
#include "wide_string.h"

std::wstring WideFromUtf16(const std::u16string& text) {
  return std::wstring(text.begin(), text.end());
}

std::u16string Utf16FromWide(const wchar_t* text, size_t length) {
  std::u16string out;
  out.reserve(length);
  for (size_t i = 0; i < length; ++i) out.push_back(static_cast<char16_t>(text[i]));
  return out;
}
