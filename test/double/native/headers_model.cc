// Parsing and lookup of header lines.
#include "headers_model.h"
#include <cwctype>

namespace contract_double {
namespace {

bool SameName(const std::wstring& a, const std::wstring& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::towlower(a[i]) != std::towlower(b[i])) return false;
  }
  return true;
}

std::wstring Trim(const std::wstring& text) {
  const size_t first = text.find_first_not_of(L" \t");
  if (first == std::wstring::npos) return std::wstring();
  return text.substr(first, text.find_last_not_of(L" \t") - first + 1);
}

// One "Name: value" line with the WINHTTP_ADDREQ_FLAG_* modifiers, as the WinHttpAddRequestHeaders reference
// describes them: ADD_IF_NEW adds only a header not yet present (else ERROR_WINHTTP_HEADER_ALREADY_EXISTS); COALESCE
// (= COALESCE_WITH_COMMA) and COALESCE_WITH_SEMICOLON merge the value into the first header of that name; REPLACE
// replaces the value of the header found, or removes it if the new value is empty, and adds a header not found only
// with ADD ("Adds the header if it does not exist. Used with WINHTTP_ADDREQ_FLAG_REPLACE"). Without those flags the
// line is added, after any of the same name (repeated names are kept, in order).
DWORD AddHeader(HeaderList& headers, const std::wstring& name, const std::wstring& value, DWORD modifiers) {
  auto found = headers.end();
  for (auto it = headers.begin(); it != headers.end() && found == headers.end(); ++it) {
    if (SameName(it->first, name)) found = it;
  }
  const bool exists = found != headers.end();
  if ((modifiers & WINHTTP_ADDREQ_FLAG_ADD_IF_NEW) != 0) {
    if (exists) return ERROR_WINHTTP_HEADER_ALREADY_EXISTS;
  } else if ((modifiers & WINHTTP_ADDREQ_FLAG_REPLACE) != 0) {
    if (exists && value.empty()) {
      headers.erase(found);
    } else if (exists) {
      found->second = value;
    } else if ((modifiers & WINHTTP_ADDREQ_FLAG_ADD) != 0) {
      headers.emplace_back(name, value);
    }
    return 0;
  } else if (exists && (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_COMMA) != 0) {
    found->second += L", " + value;
    return 0;
  } else if (exists && (modifiers & WINHTTP_ADDREQ_FLAG_COALESCE_WITH_SEMICOLON) != 0) {
    found->second += L"; " + value;
    return 0;
  }
  headers.emplace_back(name, value);
  return 0;
}

}  // namespace

DWORD AddHeaderLines(HeaderList& headers, const std::wstring& lines, DWORD modifiers) {
  size_t start = 0;
  while (start < lines.size()) {
    size_t end = lines.find(L"\r\n", start);
    if (end == std::wstring::npos) end = lines.size();
    const std::wstring line = lines.substr(start, end - start);
    start = end + 2;
    if (line.empty()) continue;
    const size_t colon = line.find(L':');
    if (colon == std::wstring::npos || Trim(line.substr(0, colon)).empty()) return ERROR_WINHTTP_INVALID_HEADER;
    const DWORD error = AddHeader(headers, Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)), modifiers);
    if (error != 0) return error;
  }
  return 0;
}

bool FindHeader(const HeaderList& headers, const std::wstring& name, DWORD index, std::wstring* value) {
  DWORD seen = 0;
  for (const auto& header : headers) {
    if (!SameName(header.first, name)) continue;
    if (seen++ == index) {
      *value = header.second;
      return true;
    }
  }
  return false;
}

std::wstring QueryLevelName(DWORD level) {
  switch (level) {
    case WINHTTP_QUERY_CONTENT_TYPE: return L"Content-Type";
    case WINHTTP_QUERY_CONTENT_LENGTH: return L"Content-Length";
    case WINHTTP_QUERY_CONTENT_ENCODING: return L"Content-Encoding";
    case WINHTTP_QUERY_LOCATION: return L"Location";
    case WINHTTP_QUERY_SET_COOKIE: return L"Set-Cookie";
    case WINHTTP_QUERY_TRANSFER_ENCODING: return L"Transfer-Encoding";
    case WINHTTP_QUERY_WWW_AUTHENTICATE: return L"WWW-Authenticate";
    case WINHTTP_QUERY_DATE: return L"Date";
    case WINHTTP_QUERY_SERVER: return L"Server";
    default: return std::wstring();
  }
}

std::wstring RawHeadersCrlf(const Answer& answer) {
  std::wstring raw = answer.version + L" " + std::to_wstring(answer.status) + L" " + answer.statusText + L"\r\n";
  for (const auto& header : answer.headers) raw += header.first + L": " + header.second + L"\r\n";
  return raw + L"\r\n";
}

}  // namespace contract_double
