// Scripted 401/407 challenges, WinHttpQueryAuthSchemes and WinHttpSetCredentials (double_auth.h). Both calls are
// synchronous; they may be made once HEADERS_AVAILABLE was delivered for a challenge and before the next send
// (WinHttpQueryAuthSchemes reference: ERROR_WINHTTP_INCORRECT_HANDLE_STATE otherwise). The scheme given to
// WinHttpSetCredentials "must be one of the supported authentication schemes returned by WinHttpQueryAuthSchemes"
// (WinHttpSetCredentials reference): another one is a violation.
#include <string>
#include "double_world.h"
#include "handle.h"
#include "request_model.h"

using namespace contract_double;

namespace {

BOOL Fail(const char* api, DWORD error, const char* why) {
  if (why != nullptr) World::Get().Violation(std::string(api) + ": " + why);
  SetLastError(error);
  return FALSE;
}

const wchar_t* SchemeName(DWORD scheme) {
  switch (scheme) {
    case WINHTTP_AUTH_SCHEME_BASIC: return L"Basic";
    case WINHTTP_AUTH_SCHEME_NTLM: return L"NTLM";
    case WINHTTP_AUTH_SCHEME_PASSPORT: return L"Passport1.4";
    case WINHTTP_AUTH_SCHEME_DIGEST: return L"Digest";
    case WINHTTP_AUTH_SCHEME_NEGOTIATE: return L"Negotiate";
  }
  return L"?";
}

// The header value a server sends for `scheme` (parameters as RFC 7617/7616 give them; the double checks none).
std::wstring ChallengeValue(DWORD scheme) {
  if (scheme == WINHTTP_AUTH_SCHEME_BASIC) return L"Basic realm=\"double\"";
  if (scheme == WINHTTP_AUTH_SCHEME_DIGEST) return L"Digest realm=\"double\", qop=\"auth\", nonce=\"0123456789abcdef\"";
  return SchemeName(scheme);
}

bool Offers(const Challenge& challenge, DWORD scheme) {
  for (DWORD offered : challenge.schemes) {
    if (offered == scheme) return true;
  }
  return false;
}

// May WinHTTP send the logged-on user's credentials to `target`? LOW: to any; MEDIUM (the default): to a proxy
// (and intranet servers, which the double has none of); HIGH: never (WINHTTP_OPTION_AUTOLOGON_POLICY).
bool AutologonAllows(DWORD policy, DWORD target) {
  return policy == WINHTTP_AUTOLOGON_SECURITY_LEVEL_LOW ||
         (policy == WINHTTP_AUTOLOGON_SECURITY_LEVEL_MEDIUM && target == WINHTTP_AUTH_TARGET_PROXY);
}

bool Accepts(const Challenge& challenge, const SetCredentials& given, DWORD autologonPolicy) {
  if (!given.set || !Offers(challenge, given.scheme)) return false;
  if (given.loggedOnUser) return challenge.loggedOnUser && AutologonAllows(autologonPolicy, challenge.target);
  std::wstring user = given.user;
  if (!challenge.domain.empty()) {
    // DOMAIN\user, as NTLM and Negotiate credentials are given to WinHttpSetCredentials.
    const std::wstring prefix = challenge.domain + L"\\";
    if (user.compare(0, prefix.size(), prefix) != 0) return false;
    user = user.substr(prefix.size());
  }
  return user == challenge.user && given.password == challenge.password;
}

// Automatic logon: with no credentials set, WinHTTP answers NTLM or Negotiate itself with the logged-on user's
// when the autologon policy allows it for the target.
bool LogsOnByItself(const Challenge& challenge, const SetCredentials& given, DWORD autologonPolicy) {
  return !given.set && challenge.loggedOnUser && AutologonAllows(autologonPolicy, challenge.target) &&
         (Offers(challenge, WINHTTP_AUTH_SCHEME_NEGOTIATE) || Offers(challenge, WINHTTP_AUTH_SCHEME_NTLM));
}

// What the target received, for the trace: the scheme and user, and the password (a test checks all of it).
std::wstring Received(DWORD target, const SetCredentials& given) {
  std::wstring text = std::wstring(target == WINHTTP_AUTH_TARGET_PROXY ? L"proxy " : L"server ") + SchemeName(given.scheme);
  return text + (given.loggedOnUser ? L" (logged-on user)" : L" " + given.user + L":" + given.password);
}

}  // namespace

namespace contract_double {

bool AnswerChallenge(RequestModel& request, DWORD autologonPolicy, Answer* answer) {
  request.auth.challenge = -1;
  for (DWORD target : {WINHTTP_AUTH_TARGET_PROXY, WINHTTP_AUTH_TARGET_SERVER}) {
    const SetCredentials& given = request.auth.credentials[target];
    if (given.set && request.script->trace) request.trace.credentials.push_back(Received(target, given));
  }
  const std::vector<Challenge>& challenges = request.response->challenges;
  for (size_t i = 0; i < challenges.size(); ++i) {
    const Challenge& challenge = challenges[i];
    const SetCredentials& given = request.auth.credentials[challenge.target];
    if (LogsOnByItself(challenge, given, autologonPolicy)) {
      if (request.script->trace) {
        request.trace.credentials.push_back(std::wstring(challenge.target == WINHTTP_AUTH_TARGET_PROXY ? L"proxy" : L"server") +
                                            L" (logged-on user, automatic)");
      }
      continue;
    }
    if (Accepts(challenge, given, autologonPolicy)) continue;
    const bool proxy = challenge.target == WINHTTP_AUTH_TARGET_PROXY;
    Answer denied;
    denied.status = proxy ? 407 : 401;
    denied.statusText = proxy ? L"Proxy Authentication Required" : L"Unauthorized";
    denied.version = answer->version;
    for (DWORD scheme : challenge.schemes) {
      denied.headers.emplace_back(proxy ? L"Proxy-Authenticate" : L"WWW-Authenticate", ChallengeValue(scheme));
    }
    denied.headers.emplace_back(L"Content-Length", L"6");
    denied.body = {"denied"};
    *answer = std::move(denied);
    request.auth.challenge = static_cast<int>(i);
    return true;
  }
  return false;
}

bool MaySendAgain(const RequestModel& request) {
  return request.phase == Phase::kHeaders && request.auth.challenge >= 0;
}

}  // namespace contract_double

BOOL WinHttpQueryAuthSchemes(HINTERNET value, LPDWORD supportedSchemes, LPDWORD firstScheme, LPDWORD authTarget) {
  const char* api = "WinHttpQueryAuthSchemes";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (handle->kind != Kind::kRequest) return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a request handle");
  if (supportedSchemes == nullptr || firstScheme == nullptr || authTarget == nullptr) {
    return Fail(api, ERROR_INVALID_PARAMETER, "an out-parameter is NULL");
  }
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) return Fail(api, injected, nullptr);
  std::lock_guard<std::mutex> lock(handle->mutex);
  RequestModel& request = *handle->request;
  if (request.op || request.phase != Phase::kHeaders) {
    return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "called before HEADERS_AVAILABLE or with a call pending");
  }
  if (request.auth.challenge < 0) {
    // Not a challenge WinHTTP can answer: the caller keeps the response as it is.
    return Fail(api, ERROR_WINHTTP_INTERNAL_ERROR, nullptr);
  }
  const Challenge& challenge = request.response->challenges[static_cast<size_t>(request.auth.challenge)];
  DWORD supported = 0;
  for (DWORD scheme : challenge.schemes) supported |= scheme;
  *supportedSchemes = supported;
  *firstScheme = challenge.schemes.empty() ? 0 : challenge.schemes.front();
  *authTarget = challenge.target;
  request.auth.queried[challenge.target] = supported;
  return TRUE;
}

BOOL WinHttpSetCredentials(HINTERNET value, DWORD authTargets, DWORD authScheme, LPCWSTR userName, LPCWSTR password,
                           LPVOID authParams) {
  const char* api = "WinHttpSetCredentials";
  std::shared_ptr<Handle> handle = Lookup(value, api);
  if (handle == nullptr) return FALSE;
  if (handle->kind != Kind::kRequest) return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_TYPE, "not a request handle");
  if (authParams != nullptr) return Fail(api, ERROR_INVALID_PARAMETER, "pAuthParams must be NULL");
  if (authTargets != WINHTTP_AUTH_TARGET_SERVER && authTargets != WINHTTP_AUTH_TARGET_PROXY) {
    return Fail(api, ERROR_INVALID_PARAMETER, "AuthTargets is neither WINHTTP_AUTH_TARGET_SERVER nor _PROXY");
  }
  const bool loggedOnUser = userName == nullptr && password == nullptr;
  if (loggedOnUser && authScheme != WINHTTP_AUTH_SCHEME_NTLM && authScheme != WINHTTP_AUTH_SCHEME_NEGOTIATE) {
    return Fail(api, ERROR_INVALID_PARAMETER, "NULL credentials (the logged-on user's) for a scheme other than NTLM or Negotiate");
  }
  if (!loggedOnUser && (userName == nullptr || password == nullptr)) {
    return Fail(api, ERROR_INVALID_PARAMETER, "a user name without a password, or the reverse");
  }
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) return Fail(api, injected, nullptr);
  std::lock_guard<std::mutex> lock(handle->mutex);
  RequestModel& request = *handle->request;
  if (request.op) return Fail(api, ERROR_WINHTTP_INCORRECT_HANDLE_STATE, "called with a call pending");
  if ((request.auth.queried[authTargets] & authScheme) == 0 || (authScheme & (authScheme - 1)) != 0) {
    return Fail(api, ERROR_INVALID_PARAMETER, "AuthScheme is not one scheme WinHttpQueryAuthSchemes returned for the target");
  }
  SetCredentials& given = request.auth.credentials[authTargets];
  given.set = true;
  given.scheme = authScheme;
  given.loggedOnUser = loggedOnUser;
  given.user = loggedOnUser ? std::wstring() : std::wstring(userName);
  given.password = loggedOnUser ? std::wstring() : std::wstring(password);
  return TRUE;
}
