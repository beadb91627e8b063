// What the double knows about one request handle: the request as sent, where it is in the exchange, the response it
// is answering with, the one asynchronous call pending, and the strand that runs its completions one at a time.
// Guarded by its Handle's mutex. Plain data.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>
#include "double_auth.h"
#include "double_world.h"
#include "executor.h"
#include "script.h"

namespace contract_double {

// kOpened: WinHttpSendRequest allowed (also again after 12032 and 12044, as the documentation asks).
// kSent: SENDREQUEST_COMPLETE delivered; WinHttpWriteData and WinHttpReceiveResponse allowed.
// kHeaders: HEADERS_AVAILABLE delivered; headers, WinHttpQueryDataAvailable and WinHttpReadData allowed.
// kFailed: a REQUEST_ERROR ended the exchange.
enum class Phase { kOpened, kSent, kHeaders, kFailed };

struct PendingOp {
  Step step;
  uint64_t serial;
  void* buffer;        // WinHttpReadData's destination, WinHttpWriteData's source, WinHttpSendRequest's optional data
  DWORD length;
  bool taken = false;  // a strand task has started completing it
  bool outrunsClose = false;  // if the handle is closed meanwhile, the call still completes as it would have
  Executor::TaskId timer = 0;
};

// The response as the caller sees it after HEADERS_AVAILABLE: the final one, or the 3xx the redirect policy stopped at.
struct Answer {
  int status = 0;
  std::wstring statusText;
  std::wstring version;
  std::vector<std::pair<std::wstring, std::wstring>> headers;
  std::vector<std::string> body;
  DWORD readLimit = 0;
};

struct RequestModel {
  std::wstring method;
  std::wstring path;
  DWORD openFlags = 0;
  std::vector<std::pair<std::wstring, std::wstring>> headers;  // added with WinHttpAddRequestHeaders/SendRequest
  std::shared_ptr<const Script> script;                        // the script in force when the request was opened
  const Response* response = nullptr;                          // in *script
  std::mt19937_64 random;                                      // seeded from the script's seed and the serial

  Phase phase = Phase::kOpened;
  DWORD totalLength = 0;
  DWORD written = 0;
  // WinHttpSendRequest's lpOptional, which "must remain available until the request handle is closed or the call to
  // WinHttpReceiveResponse has completed" (WinHttpSendRequest reference): WinHTTP sends it again after a 401/407
  // challenge, a 307/308 redirect or a resend. Kept from the call until WinHttpReceiveResponse completes, with the
  // bytes read at SENDREQUEST_COMPLETE, so the receive step can read the buffer again and compare.
  const void* optional = nullptr;
  DWORD optionalLength = 0;
  std::string optionalSent;
  // WinHttpReceiveResponse has completed (HEADERS_AVAILABLE or its REQUEST_ERROR): WinHTTP lets go of the data.
  void ForgetOptional() {
    optional = nullptr;
    optionalLength = 0;
    optionalSent.clear();
  }
  std::map<Step, int> calls;  // calls started per step, for StepFault::call
  int resends = 0;            // 12032s delivered so far
  Answer answer;
  size_t chunk = 0;           // read position in answer.body
  size_t offset = 0;
  bool dropConnection = false;
  bool serverCertificateKnown = false;
  bool clientCertAsked = false;
  PCCERT_CONTEXT clientCert = nullptr;  // WinHTTP's duplicate of WINHTTP_OPTION_CLIENT_CERT_CONTEXT (double_cert_store.h)
  std::array<uint64_t, WinHttpRequestTimeMax> requestTimes{};  // WINHTTP_OPTION_REQUEST_TIMES, 0: not reached  // a send ended with 12044: WINHTTP_OPTION_CLIENT_CERT_ISSUER_LIST answers  // the TLS handshake has run: WINHTTP_OPTION_SERVER_CERT_CONTEXT answers
  int grown = 0;              // headers lengthened so far (Response::growOnShortBuffer)
  AuthState auth;             // credentials set, the challenge answered (double_auth.h)

  std::optional<PendingOp> op;
  uint64_t nextOpSerial = 1;

  // Strand: completions for this handle run one at a time, in order; HANDLE_CLOSING is the last task.
  bool busy = false;
  std::thread::id strandThread;  // the thread running the strand's tasks while busy
  std::deque<std::function<void()>> backlog;
  bool closingQueued = false;
  bool dead = false;  // HANDLE_CLOSING delivered: nothing may follow

  Trace trace;
};

}  // namespace contract_double
