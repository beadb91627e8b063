// A test's script for the contract double: what the "server" answers to each request and how the double behaves
// while answering (which thread completes each call, after what delay, what a close cancels, which calls fail).
// Built from JavaScript by script_from_js.cc; read-only once installed (double_world.h). Plain data.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include "double_auth.h"
#include "winhttp_double.h"

namespace contract_double {

// A choice the script fixes or leaves to the per-request random generator.
enum class Choice { kFirst, kSecond, kRandom };

// An asynchronous call that a fault can target; the value is its WINHTTP_ASYNC_RESULT.dwResult.
enum class Step : DWORD_PTR {
  kReceive = API_RECEIVE_RESPONSE,
  kQuery = API_QUERY_DATA_AVAILABLE,
  kRead = API_READ_DATA,
  kWrite = API_WRITE_DATA,
  kSend = API_SEND_REQUEST,
};

// The call-th call of `step` on a request completes with REQUEST_ERROR carrying `error`.
struct StepFault {
  Step step;
  DWORD error;
  int call = 1;
};

// A 3xx hop before the final response.
struct Redirect {
  int status = 302;
  std::wstring location;  // absolute URL
};

struct Response {
  int status = 200;
  std::wstring statusText = L"OK";
  std::wstring version = L"HTTP/1.1";
  std::vector<std::pair<std::wstring, std::wstring>> headers;
  std::vector<std::string> body;            // chunks: each DATA_AVAILABLE reports at most the rest of one chunk
  DWORD readLimit = 0;                      // most bytes one READ_COMPLETE returns (0: no limit)
  // The first this many WinHttpQueryHeaders text answers of ERROR_INSUFFICIENT_BUFFER each lengthen the first header
  // by 100 characters afterwards, so the buffer sized from the answer is too small again at the next call.
  int growOnShortBuffer = 0;
  std::vector<Redirect> redirects;
  std::vector<int> interim;                 // 1xx statuses, each an INTERMEDIATE_RESPONSE
  // What verifying the server's certificate finds, as SECURE_FAILURE flags: those the request's
  // WINHTTP_OPTION_SECURITY_FLAGS do not waive (and the revocation ones only with WINHTTP_ENABLE_SSL_REVOCATION)
  // come with SECURE_FAILURE, then 12175 for the send (double_tls.cc).
  DWORD secureFailure = 0;
  std::vector<std::string> serverCertificates;  // DER, the server's first: WINHTTP_OPTION_SERVER_CERT_CONTEXT
  int handshakeMs = 0;                      // a new https connection's TLS handshake takes at least this long
  bool requestTimes = true;                 // WINHTTP_OPTION_REQUEST_TIMES answers (false: a WinHTTP before 1903)
  bool clientCertNeeded = false;            // 12044 until WINHTTP_OPTION_CLIENT_CERT_CONTEXT is set
  std::vector<std::string> clientCertIssuers;  // DER names: WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST after the 12044
  // The server requires a certificate: sent without one (WINHTTP_NO_CLIENT_CERT_CONTEXT), the handshake fails with
  // this error (0: it merely asks, and the request goes on).
  DWORD noClientCertError = 0;
  int resends = 0;                          // ReceiveResponse fails with 12032 this many times
  bool neverAnswers = false;                // ReceiveResponse waits for RECEIVE_RESPONSE_TIMEOUT, then 12002
  bool keepAlive = true;                    // false: CLOSING_CONNECTION, CONNECTION_CLOSED before HANDLE_CLOSING
  std::wstring address = L"127.0.0.1";      // NAME_RESOLVED, CONNECTING_TO_SERVER, CONNECTED_TO_SERVER
  std::vector<StepFault> faults;
  // Calls of these steps stay pending until the handle is closed (a peer that stops answering, with WinHTTP's
  // timeouts longer than the test): a close always finds them pending, whatever the machine's speed.
  std::vector<Step> stalls;
  // Calls of these steps stay pending until the test calls releaseHeld() (or the handle is closed): a test decides
  // when a call under way completes, whatever the machine's speed.
  std::vector<Step> holds;
  std::vector<Challenge> challenges;        // 401/407 until accepted credentials are set (double_auth.h)
};

// A synchronous call that fails (returns FALSE/NULL with `error` as the last error) `times` times (-1: always),
// after letting `skip` matching calls through. `option` narrows WinHttpSetOption/WinHttpQueryOption to one option.
struct CallFault {
  std::string api;
  DWORD error;
  int skip = 0;
  int times = -1;
  int64_t option = -1;
};

// A std::bad_alloc the addon's own code throws at a test point (native/platform/injected_fault.h): where
// ("status-callback": while OnWinHttpStatus copies and queues a notification; "call-js": while the JS thread hands
// one to JavaScript), for which WINHTTP_CALLBACK_STATUS_*, and how many times (-1: always).
struct AllocationFault {
  std::string at;
  DWORD status;
  int times = 1;
};

struct Script {
  uint64_t seed = 1;
  Choice completion = Choice::kFirst;  // kFirst: a pool thread; kSecond: synchronously, inside the call
  Choice cancel = Choice::kFirst;      // a close with a call pending, kFirst: 12017; kSecond: its normal completion
  Choice closing = Choice::kFirst;     // HANDLE_CLOSING of an idle handle, kFirst: a pool thread; kSecond: inside the close
  int minDelayMs = 0;                  // before each pool completion
  int maxDelayMs = 2;
  bool trace = true;                   // record each request's notifications (double_control's trace())
  // With completion kSecond: a call made inside a callback also completes inside that call, so the callbacks nest
  // (WinHTTP may call back inside any call, a callback's own calls included: Wine's READ_COMPLETE always is).
  bool nested = false;
  std::map<std::wstring, Response> routes;  // by request path ("/a?b"), then by path without the query
  Response fallback;                        // for every other path
  std::vector<CallFault> callFaults;
  std::vector<AllocationFault> allocationFaults;

  const Response& ResponseFor(const std::wstring& path) const {
    auto found = routes.find(path);
    if (found == routes.end()) found = routes.find(path.substr(0, path.find(L'?')));
    return found != routes.end() ? found->second : fallback;
  }
};

}  // namespace contract_double
