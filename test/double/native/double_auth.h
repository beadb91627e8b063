// The double's authentication: scripted 401/407 challenges, WinHttpQueryAuthSchemes and WinHttpSetCredentials, as
// the WinHTTP reference describes them ("Authentication in WinHTTP"): the challenge names its schemes, the caller
// picks one of those WinHttpQueryAuthSchemes reported, sets credentials for that target on the same request handle,
// and sends the request again (with its optional data) on that handle. Plain data and functions; the request's
// mutex guards AuthState.
#pragma once
#include <string>
#include <vector>
#include "winhttp_double.h"

namespace contract_double {

// A scripted challenge: until credentials it accepts are set for `target`, the request is answered with 401
// (WINHTTP_AUTH_TARGET_SERVER) or 407 (WINHTTP_AUTH_TARGET_PROXY), one WWW-/Proxy-Authenticate header per scheme in
// `schemes` (WINHTTP_AUTH_SCHEME_* bits, in the order offered). Accepted: `user`/`password` (and `domain`, compared
// only when scripted) with any offered scheme, or, if `loggedOnUser`, NULL credentials for NTLM or Negotiate while
// WINHTTP_OPTION_AUTOLOGON_POLICY is LOW.
struct Challenge {
  DWORD target = WINHTTP_AUTH_TARGET_SERVER;
  std::vector<DWORD> schemes;
  std::wstring user;
  std::wstring password;
  std::wstring domain;
  bool loggedOnUser = false;
};

// What WinHttpSetCredentials set for one target on a request handle (kept for the handle's later sends).
struct SetCredentials {
  bool set = false;
  DWORD scheme = 0;
  bool loggedOnUser = false;  // NULL user name and password
  std::wstring user;
  std::wstring password;
};

struct AuthState {
  SetCredentials credentials[2];  // by WINHTTP_AUTH_TARGET_*
  int challenge = -1;             // the scripted challenge the current answer carries; -1: none
  DWORD queried[2] = {0, 0};      // schemes WinHttpQueryAuthSchemes last reported, by target
};

struct RequestModel;
struct Answer;
struct Trace;

// With the request's mutex held, when a response is due: the first scripted challenge not met by the credentials set
// turns `answer` into its 401/407 (true). Each target's credentials as received go to the trace.
bool AnswerChallenge(RequestModel& request, DWORD autologonPolicy, Answer* answer);

// With the mutex held: WinHttpSendRequest may be called again after a 401/407 arrived (the documented auth loop).
bool MaySendAgain(const RequestModel& request);

}  // namespace contract_double
