// The five calls. The caller's buffers (WinHttpSendRequest's optional data, WinHttpWriteData's source,
// WinHttpReadData's destination) are touched only here, at completion time and on the completing thread, as the
// documentation allows: a caller that frees or moves them before the completion is caught by AddressSanitizer.
#include "request_steps.h"
#include <algorithm>
#include <cstring>
#include "double_cert_store.h"
#include "double_tls.h"
#include "notifier.h"
#include "request_flow.h"

namespace contract_double {
namespace {

// Delivers a progress notification, unless a close interrupted the call: then the call ends with 12017.
bool Progress(Handle& handle, Step step, DWORD status, const StatusInfo& info) {
  if (Interrupted(handle)) {
    World::Get().counters.cancelled.fetch_add(1);
    FailOp(handle, step, ERROR_WINHTTP_OPERATION_CANCELLED, Phase::kFailed);
    return false;
  }
  Notify(handle, status, info);
  return true;
}

// With the mutex held: counts this call of `step`; true if the script fails it.
bool TakeFault(RequestModel& request, Step step, DWORD* error) {
  const int call = ++request.calls[step];
  for (const StepFault& fault : request.response->faults) {
    if (fault.step == step && fault.call == call) {
      *error = fault.error;
      return true;
    }
  }
  return false;
}

// Reads the caller's bytes now (the whole range, so a freed buffer is caught).
std::string ReadCaller(const void* buffer, DWORD length) {
  return length == 0 ? std::string() : std::string(static_cast<const char*>(buffer), length);
}

// Every body byte goes to the trace (when the script keeps traces), so a test can compare all of them with what it
// sent.
void Keep(RequestModel& request, const std::string& bytes) {
  if (request.script->trace) request.trace.received += bytes;
}

// WinHttpReceiveResponse may send the optional data again (a 401/407 challenge, a 307/308 redirect, a resend), and
// the WinHttpSendRequest reference lets it read the buffer until the receive has completed: read it again now.
// Bytes that differ from those sent mean the caller reused the buffer; a freed one is caught by AddressSanitizer.
void ReadOptionalAgain(Handle& handle) {
  const void* optional;
  DWORD length;
  std::string sent;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    optional = handle.request->optional;
    length = handle.request->optionalLength;
    sent = handle.request->optionalSent;
  }
  if (ReadCaller(optional, length) != sent) {
    World::Get().Violation(
        "WinHttpSendRequest: the optional data changed before WinHttpReceiveResponse completed (lpOptional must "
        "remain available until then)");
  }
}

DWORD HeadBytes(const Answer& answer) {
  size_t bytes = answer.version.size() + answer.statusText.size() + 8;
  for (const auto& header : answer.headers) bytes += header.first.size() + header.second.size() + 4;
  return static_cast<DWORD>(bytes + 2);
}

Answer FinalAnswer(const Response& response) {
  Answer answer;
  answer.status = response.status;
  answer.statusText = response.statusText;
  answer.version = response.version;
  answer.headers = response.headers;
  answer.body = response.body;
  answer.readLimit = response.readLimit;
  return answer;
}

Answer RedirectAnswer(const Response& response, const Redirect& hop) {
  Answer answer;
  answer.status = hop.status;
  answer.statusText = L"Redirect";
  answer.version = response.version;
  answer.headers = {{L"Location", hop.location}, {L"Content-Length", L"0"}};
  return answer;
}

void SkipReadChunks(RequestModel& request) {
  const auto& body = request.answer.body;
  while (request.chunk < body.size() && request.offset >= body[request.chunk].size()) {
    ++request.chunk;
    request.offset = 0;
  }
}

void Send(Handle& handle) {
  const Response* response;
  DWORD fault = 0;
  bool faulted;
  bool certSet;
  bool noCert;
  bool secure;
  DWORD secureFailure;
  const void* optional;
  DWORD optionalLength;
  DWORD headerBytes = 0;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    RequestModel& request = *handle.request;
    response = request.response;
    faulted = TakeFault(request, Step::kSend, &fault);
    const auto cert = handle.options.find(WINHTTP_OPTION_CLIENT_CERT_CONTEXT);
    certSet = cert != handle.options.end();
    noCert = certSet && cert->second.empty();  // WINHTTP_NO_CLIENT_CERT_CONTEXT
    request.trace.clientCertificate = ClientCertificateDer(handle);
    secureFailure = SecureFailureAfterOptions(handle, response->secureFailure);
    secure = (request.openFlags & WINHTTP_FLAG_SECURE) != 0;
    request.serverCertificateKnown = secure;
    optional = request.op->buffer;
    optionalLength = request.op->length;
    headerBytes = static_cast<DWORD>(request.method.size() + request.path.size() + 12);
    request.trace.headerLines.clear();
    for (const auto& header : request.headers) {
      headerBytes += static_cast<DWORD>(header.first.size() + header.second.size() + 4);
      request.trace.headerLines.push_back(header.first + L": " + header.second);
    }
  }
  Handle& connection = *handle.parent;
  bool fresh;
  std::wstring host;
  {
    std::lock_guard<std::mutex> lock(connection.mutex);
    fresh = !connection.connectionOpen;
    connection.connectionOpen = true;
    host = connection.host;
  }
  if (fresh) {
    if (!Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_RESOLVING_NAME, StatusInfo::Text(host)) ||
        !Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_NAME_RESOLVED, StatusInfo::Text(response->address))) {
      return;
    }
    StampRequestTime(handle, WinHttpConnectionEstablishmentStart);
    if (!Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER,
                  StatusInfo::Text(response->address)) ||
        !Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER,
                  StatusInfo::Text(response->address))) {
      return;
    }
    StampRequestTime(handle, WinHttpConnectionEstablishmentEnd);
    if (secure) Handshake(handle);
  }
  if (secureFailure != 0) {
    // The reason arrives only with SECURE_FAILURE; the error itself is the generic 12175.
    if (!Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, StatusInfo::Dword(secureFailure))) {
      return;
    }
    FailOp(handle, Step::kSend, ERROR_WINHTTP_SECURE_FAILURE, Phase::kFailed);
    return;
  }
  if (response->clientCertNeeded && noCert && response->noClientCertError != 0) {
    // A server that requires a certificate ends the handshake when none comes.
    FailOp(handle, Step::kSend, response->noClientCertError, Phase::kFailed);
    return;
  }
  if (response->clientCertNeeded && !certSet) {
    {
      std::lock_guard<std::mutex> lock(handle.mutex);
      handle.request->clientCertAsked = true;
    }
    // The caller may set WINHTTP_OPTION_CLIENT_CERT_CONTEXT and send again on the same handle.
    FailOp(handle, Step::kSend, ERROR_WINHTTP_CLIENT_AUTH_CERT_NEEDED, Phase::kOpened);
    return;
  }
  if (faulted) {
    FailOp(handle, Step::kSend, fault, Phase::kFailed);
    return;
  }
  if (!Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, StatusInfo::None())) return;
  const std::string body = ReadCaller(optional, optionalLength);
  if (!Progress(handle, Step::kSend, WINHTTP_CALLBACK_STATUS_REQUEST_SENT,
                StatusInfo::Dword(headerBytes + optionalLength))) {
    return;
  }
  FinishOp(
      handle,
      [&](RequestModel& request) {
        request.phase = Phase::kSent;
        request.written = optionalLength;
        request.optionalSent = body;
        Keep(request, body);
      },
      WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, StatusInfo::None());
}

void Write(Handle& handle) {
  DWORD fault = 0;
  bool faulted;
  const void* buffer;
  DWORD length;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    faulted = TakeFault(*handle.request, Step::kWrite, &fault);
    buffer = handle.request->op->buffer;
    length = handle.request->op->length;
  }
  if (faulted) {
    FailOp(handle, Step::kWrite, fault, Phase::kFailed);
    return;
  }
  const std::string bytes = ReadCaller(buffer, length);
  FinishOp(
      handle,
      [&](RequestModel& request) {
        request.written += length;
        Keep(request, bytes);
      },
      WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, StatusInfo::Dword(length));
}

void Receive(Handle& handle) {
  const Response* response;
  DWORD fault = 0;
  bool faulted;
  bool resend;
  DWORD policy;
  bool disabled;
  DWORD maxRedirects;
  bool secure;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    RequestModel& request = *handle.request;
    response = request.response;
    faulted = TakeFault(request, Step::kReceive, &fault);
    resend = request.resends < response->resends;
    policy = handle.DwordOption(WINHTTP_OPTION_REDIRECT_POLICY, WINHTTP_OPTION_REDIRECT_POLICY_DEFAULT);
    disabled = (handle.DwordOption(WINHTTP_OPTION_DISABLE_FEATURE, 0) & WINHTTP_DISABLE_REDIRECTS) != 0;
    maxRedirects = handle.DwordOption(WINHTTP_OPTION_MAX_HTTP_AUTOMATIC_REDIRECTS, 10);
    secure = (request.openFlags & WINHTTP_FLAG_SECURE) != 0;
  }
  ReadOptionalAgain(handle);
  if (!Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, StatusInfo::None())) return;
  if (response->neverAnswers) {
    FailOp(handle, Step::kReceive, ERROR_WINHTTP_TIMEOUT, Phase::kFailed);
    return;
  }
  if (resend) {
    // The server dropped a kept-alive connection: the caller must send the request again (WinHttpReceiveResponse reference: ERROR_WINHTTP_RESEND_REQUEST).
    FinishOp(
        handle,
        [](RequestModel& request) {
          request.phase = Phase::kOpened;
          ++request.resends;
          request.ForgetOptional();
        },
        WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
        StatusInfo::Error(static_cast<DWORD_PTR>(Step::kReceive), ERROR_WINHTTP_RESEND_REQUEST));
    return;
  }
  if (faulted) {
    FailOp(handle, Step::kReceive, fault, Phase::kFailed);
    return;
  }
  Answer answer = FinalAnswer(*response);
  bool challenged;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    const DWORD autologon = handle.DwordOption(WINHTTP_OPTION_AUTOLOGON_POLICY, WINHTTP_AUTOLOGON_SECURITY_LEVEL_DEFAULT);
    challenged = AnswerChallenge(*handle.request, autologon, &answer);
  }
  if (!Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, StatusInfo::Dword(HeadBytes(answer)))) {
    return;
  }
  for (int status : challenged ? std::vector<int>() : response->interim) {
    if (!Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_INTERMEDIATE_RESPONSE,
                  StatusInfo::Dword(static_cast<DWORD>(status)))) {
      return;
    }
  }
  DWORD followed = 0;
  for (const Redirect& hop : challenged ? std::vector<Redirect>() : response->redirects) {
    const bool toHttp = hop.location.rfind(L"http:", 0) == 0;
    if (policy == WINHTTP_OPTION_REDIRECT_POLICY_NEVER || disabled ||
        (policy == WINHTTP_OPTION_REDIRECT_POLICY_DISALLOW_HTTPS_TO_HTTP && secure && toHttp)) {
      answer = RedirectAnswer(*response, hop);
      break;
    }
    if (followed >= maxRedirects) {
      FailOp(handle, Step::kReceive, ERROR_WINHTTP_REDIRECT_FAILED, Phase::kFailed);
      return;
    }
    ++followed;
    secure = !toHttp;
    const DWORD hopBytes = static_cast<DWORD>(hop.location.size() + 32);
    if (!Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_REDIRECT, StatusInfo::Text(hop.location)) ||
        !Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, StatusInfo::None()) ||
        !Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, StatusInfo::Dword(hopBytes)) ||
        !Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, StatusInfo::None()) ||
        !Progress(handle, Step::kReceive, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, StatusInfo::Dword(hopBytes))) {
      return;
    }
  }
  FinishOp(
      handle,
      [&](RequestModel& request) {
        request.phase = Phase::kHeaders;
        request.ForgetOptional();
        request.answer = std::move(answer);
        request.chunk = 0;
        request.offset = 0;
      },
      WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, StatusInfo::None());
}

void Query(Handle& handle) {
  DWORD fault = 0;
  bool faulted;
  DWORD available = 0;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    RequestModel& request = *handle.request;
    faulted = TakeFault(request, Step::kQuery, &fault);
    SkipReadChunks(request);
    if (request.chunk < request.answer.body.size()) {
      available = static_cast<DWORD>(request.answer.body[request.chunk].size() - request.offset);
    }
  }
  if (faulted) {
    FailOp(handle, Step::kQuery, fault, Phase::kFailed);
    return;
  }
  FinishOp(handle, [](RequestModel&) {}, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, StatusInfo::Dword(available));
}

void Read(Handle& handle) {
  DWORD fault = 0;
  bool faulted;
  void* buffer;
  const char* source = nullptr;
  DWORD count = 0;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    RequestModel& request = *handle.request;
    faulted = TakeFault(request, Step::kRead, &fault);
    buffer = request.op->buffer;
    SkipReadChunks(request);
    if (!faulted && request.chunk < request.answer.body.size()) {
      const std::string& chunk = request.answer.body[request.chunk];
      size_t take = std::min<size_t>(request.op->length, chunk.size() - request.offset);
      if (request.answer.readLimit != 0) take = std::min<size_t>(take, request.answer.readLimit);
      source = chunk.data() + request.offset;
      count = static_cast<DWORD>(take);
      request.offset += take;
    }
  }
  if (faulted) {
    FailOp(handle, Step::kRead, fault, Phase::kFailed);
    return;
  }
  if (count > 0) std::memcpy(buffer, source, count);
  FinishOp(handle, [](RequestModel&) {}, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, StatusInfo::CallerBuffer(buffer, count));
}

}  // namespace

void RunStep(Handle& handle, Step step) {
  switch (step) {
    case Step::kSend: Send(handle); break;
    case Step::kWrite: Write(handle); break;
    case Step::kReceive: Receive(handle); break;
    case Step::kQuery: Query(handle); break;
    case Step::kRead: Read(handle); break;
  }
}

}  // namespace contract_double
