#include "tls_request_times.h"

// "Times are measured as performance counter values" (WINHTTP_REQUEST_TIMES reference): each is turned into the
// request's own clock by its distance from QueryPerformanceCounter now. 0 means the stage was not reached.
bool ReadHandshakeTimes(HINTERNET request, const RequestTimeline& timeline,
                        std::array<int64_t, kHandshakeTimeCount>* times) {
  WINHTTP_REQUEST_TIMES answer = {};
  answer.cTimes = WinHttpRequestTimeLast;
  DWORD size = sizeof(answer);
  if (!WinHttpQueryOption(request, WINHTTP_OPTION_REQUEST_TIMES, &answer, &size)) return false;
  LARGE_INTEGER now;
  LARGE_INTEGER frequency;
  QueryPerformanceCounter(&now);
  const int64_t nowSinceOpenNs = timeline.Now();  // the same instant on both clocks, give or take a few ns
  QueryPerformanceFrequency(&frequency);
  const int entries[kHandshakeTimeCount] = {WinHttpConnectionEstablishmentStart, WinHttpConnectionEstablishmentEnd,
                                            WinHttpTlsHandshakeClientLeg1Start, WinHttpTlsHandshakeClientLeg3End};
  for (int i = 0; i < kHandshakeTimeCount; ++i) {
    const ULONGLONG ticks = answer.rgullTimes[entries[i]];
    if (ticks == 0 || static_cast<LONGLONG>(ticks) > now.QuadPart || answer.cTimes <= static_cast<ULONG>(entries[i])) {
      (*times)[i] = -1;
      continue;
    }
    const double agoNs = static_cast<double>(now.QuadPart - static_cast<LONGLONG>(ticks)) * 1e9 /
                         static_cast<double>(frequency.QuadPart);
    (*times)[i] = nowSinceOpenNs - static_cast<int64_t>(agoNs);
  }
  return true;
}
