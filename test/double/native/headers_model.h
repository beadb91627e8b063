// Header lists as WinHttpAddRequestHeaders edits them and WinHttpQueryHeaders reads them: names compared without
// regard to case, repeated names kept in order. No locking; callers hold the handle's mutex.
#pragma once
#include <string>
#include <utility>
#include <vector>
#include "request_model.h"

namespace contract_double {

using HeaderList = std::vector<std::pair<std::wstring, std::wstring>>;

// Applies CRLF-separated "Name: value" lines with WINHTTP_ADDREQ_FLAG_* `modifiers`. Returns 0 or the error.
DWORD AddHeaderLines(HeaderList& headers, const std::wstring& lines, DWORD modifiers);

// The `index`-th value of `name` (0-based), or false.
bool FindHeader(const HeaderList& headers, const std::wstring& name, DWORD index, std::wstring* value);

// The header name WINHTTP_QUERY_<level> stands for ("" if the double does not know it).
std::wstring QueryLevelName(DWORD level);

// The status line and headers, each ended by CRLF, then an empty line (WINHTTP_QUERY_RAW_HEADERS_CRLF).
std::wstring RawHeadersCrlf(const Answer& answer);

}  // namespace contract_double
