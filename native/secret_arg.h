// Secrets passed from JavaScript (passwords, PFX passphrases): converted to a wide string for the Windows call and
// wiped afterwards, so no native copy of a secret outlives the call. JS thread only.
#pragma once
#include <napi.h>
#include <string>
#include "wide_string.h"

// Overwrites a secret's characters before its memory is released (volatile: the stores may not be optimised away).
template <typename Text>
void Wipe(Text& text) {
  volatile typename Text::value_type* chars = &text[0];
  for (size_t i = 0; i < text.size(); ++i) chars[i] = 0;
  text.clear();
}

// A secret argument as a wide string; the UTF-16 copy Node-API makes is wiped here, the result by the caller.
inline std::wstring SecretArg(const Napi::Value& value) {
  std::u16string utf16 = value.As<Napi::String>().Utf16Value();
  std::wstring wide = WideFromUtf16(utf16);
  Wipe(utf16);
  return wide;
}
