// Where the TCP connect ends and the TLS handshake begins and ends, from WinHTTP's own per-request times
// (WINHTTP_OPTION_REQUEST_TIMES, Windows 10 1903 and later). WinHTTP's notifications cannot tell: no documented
// notification separates the TCP connect from the handshake (Wine sends CONNECTED_TO_SERVER only after it). No
// Node-API here.
#pragma once
#include <array>
#include <cstdint>
#include "platform/winhttp_api.h"
#include "request_timeline.h"

// Indices of the answer.
enum HandshakeTime { kConnectionStart, kConnectionEnd, kTlsStart, kTlsEnd, kHandshakeTimeCount };

// The times on `timeline`'s clock (nanoseconds since the request was opened); -1 for one WinHTTP did not reach. False
// when this WinHTTP has no WINHTTP_OPTION_REQUEST_TIMES (older Windows, Wine). JS thread (any thread would do).
bool ReadHandshakeTimes(HINTERNET request, const RequestTimeline& timeline,
                        std::array<int64_t, kHandshakeTimeCount>* times);
