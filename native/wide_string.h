// UTF-16 conversions between Node-API strings (char16_t) and Windows wide strings (wchar_t). No Node-API here.
#pragma once
#include <string>

std::wstring WideFromUtf16(const std::u16string& text);
std::u16string Utf16FromWide(const wchar_t* text, size_t length);
