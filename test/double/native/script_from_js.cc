// Strict conversion: every key is checked against the ones each level knows.
#include "script_from_js.h"
#include <cwctype>
#include <set>
#include <string>
#include "wide_string.h"  // native/, on the include path of the double build

namespace contract_double {
namespace {

[[noreturn]] void Reject(Napi::Env env, const std::string& where, const std::string& what) {
  throw Napi::TypeError::New(env, "contractDouble script: " + where + " " + what);
}

void OnlyKeys(const Napi::Object& object, const std::string& where, const std::set<std::string>& known) {
  Napi::Array keys = object.GetPropertyNames();
  for (uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string key = keys.Get(i).As<Napi::String>().Utf8Value();
    if (known.count(key) == 0) Reject(object.Env(), where, "has an unknown key \"" + key + "\"");
  }
}

Napi::Object ObjectAt(const Napi::Value& value, const std::string& where) {
  if (!value.IsObject() || value.IsArray()) Reject(value.Env(), where, "must be an object");
  return value.As<Napi::Object>();
}

Napi::Array ArrayAt(const Napi::Value& value, const std::string& where) {
  if (!value.IsArray()) Reject(value.Env(), where, "must be an array");
  return value.As<Napi::Array>();
}

int64_t NumberAt(const Napi::Value& value, const std::string& where) {
  if (!value.IsNumber()) Reject(value.Env(), where, "must be a number");
  return value.As<Napi::Number>().Int64Value();
}

bool BoolAt(const Napi::Value& value, const std::string& where) {
  if (!value.IsBoolean()) Reject(value.Env(), where, "must be a boolean");
  return value.As<Napi::Boolean>().Value();
}

std::wstring WideAt(const Napi::Value& value, const std::string& where) {
  if (!value.IsString()) Reject(value.Env(), where, "must be a string");
  return WideFromUtf16(value.As<Napi::String>().Utf16Value());
}

std::string BytesAt(const Napi::Value& value, const std::string& where) {
  if (value.IsString()) return value.As<Napi::String>().Utf8Value();
  if (value.IsTypedArray()) {
    Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
    return std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
  }
  Reject(value.Env(), where, "must be a string or a Uint8Array");
}

Choice ChoiceAt(const Napi::Value& value, const std::string& where, const char* first, const char* second) {
  if (!value.IsString()) Reject(value.Env(), where, "must be a string");
  const std::string text = value.As<Napi::String>().Utf8Value();
  if (text == first) return Choice::kFirst;
  if (text == second) return Choice::kSecond;
  if (text == "random") return Choice::kRandom;
  Reject(value.Env(), where, std::string("must be '") + first + "', '" + second + "' or 'random'");
}

Step StepAt(const Napi::Value& value, const std::string& where) {
  if (!value.IsString()) Reject(value.Env(), where, "must be a string");
  const std::string text = value.As<Napi::String>().Utf8Value();
  if (text == "send") return Step::kSend;
  if (text == "write") return Step::kWrite;
  if (text == "receive") return Step::kReceive;
  if (text == "query") return Step::kQuery;
  if (text == "read") return Step::kRead;
  Reject(value.Env(), where, "must be 'send', 'write', 'receive', 'query' or 'read'");
}

bool HasHeader(const Response& response, const std::wstring& name) {
  for (const auto& header : response.headers) {
    if (header.first.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) same = std::towlower(header.first[i]) == std::towlower(name[i]);
    if (same) return true;
  }
  return false;
}

DWORD SchemeAt(const Napi::Value& value, const std::string& where) {
  const std::string name = value.IsString() ? value.As<Napi::String>().Utf8Value() : std::string();
  if (name == "Basic") return WINHTTP_AUTH_SCHEME_BASIC;
  if (name == "NTLM") return WINHTTP_AUTH_SCHEME_NTLM;
  if (name == "Passport") return WINHTTP_AUTH_SCHEME_PASSPORT;
  if (name == "Digest") return WINHTTP_AUTH_SCHEME_DIGEST;
  if (name == "Negotiate") return WINHTTP_AUTH_SCHEME_NEGOTIATE;
  Reject(value.Env(), where, "must be 'Basic', 'NTLM', 'Passport', 'Digest' or 'Negotiate'");
}

// challenges: [{ target: 'server' | 'proxy', schemes: [...], user?, password?, domain?, loggedOnUser? }]
std::vector<Challenge> ChallengesFrom(const Napi::Value& value, const std::string& where) {
  std::vector<Challenge> challenges;
  Napi::Array list = ArrayAt(value, where);
  for (uint32_t i = 0; i < list.Length(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    Napi::Object object = ObjectAt(list.Get(i), at);
    OnlyKeys(object, at, {"target", "schemes", "user", "password", "domain", "loggedOnUser"});
    Challenge challenge;
    const std::string target = object.Get("target").IsString() ? object.Get("target").As<Napi::String>().Utf8Value() : "";
    if (target != "server" && target != "proxy") Reject(object.Env(), at + ".target", "must be 'server' or 'proxy'");
    challenge.target = target == "proxy" ? WINHTTP_AUTH_TARGET_PROXY : WINHTTP_AUTH_TARGET_SERVER;
    Napi::Array schemes = ArrayAt(object.Get("schemes"), at + ".schemes");
    for (uint32_t j = 0; j < schemes.Length(); ++j) challenge.schemes.push_back(SchemeAt(schemes.Get(j), at + ".schemes"));
    if (object.Has("user")) challenge.user = WideAt(object.Get("user"), at + ".user");
    if (object.Has("password")) challenge.password = WideAt(object.Get("password"), at + ".password");
    if (object.Has("domain")) challenge.domain = WideAt(object.Get("domain"), at + ".domain");
    if (object.Has("loggedOnUser")) challenge.loggedOnUser = BoolAt(object.Get("loggedOnUser"), at + ".loggedOnUser");
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

Response ResponseFrom(const Napi::Value& value, const std::string& where) {
  Napi::Object object = ObjectAt(value, where);
  OnlyKeys(object, where, {"status", "statusText", "version", "headers", "body", "readLimit", "redirects", "interim",
                           "secureFailure", "clientCertNeeded", "resends", "neverAnswers", "keepAlive", "address",
                           "faults", "stalls", "holds", "growOnShortBuffer", "challenges", "serverCertificates",
                           "clientCertIssuers", "noClientCertError", "handshakeMs", "requestTimes"});
  Response response;
  if (object.Has("status")) response.status = static_cast<int>(NumberAt(object.Get("status"), where + ".status"));
  if (object.Has("statusText")) response.statusText = WideAt(object.Get("statusText"), where + ".statusText");
  if (object.Has("version")) response.version = WideAt(object.Get("version"), where + ".version");
  if (object.Has("headers")) {
    Napi::Array headers = ArrayAt(object.Get("headers"), where + ".headers");
    for (uint32_t i = 0; i < headers.Length(); ++i) {
      const std::string at = where + ".headers[" + std::to_string(i) + "]";
      Napi::Array pair = ArrayAt(headers.Get(i), at);
      if (pair.Length() != 2) Reject(object.Env(), at, "must be [name, value]");
      response.headers.emplace_back(WideAt(pair.Get(0u), at), WideAt(pair.Get(1u), at));
    }
  }
  if (object.Has("body")) {
    Napi::Value body = object.Get("body");
    if (body.IsArray()) {
      Napi::Array chunks = body.As<Napi::Array>();
      for (uint32_t i = 0; i < chunks.Length(); ++i) {
        response.body.push_back(BytesAt(chunks.Get(i), where + ".body[" + std::to_string(i) + "]"));
      }
    } else {
      response.body.push_back(BytesAt(body, where + ".body"));
    }
  }
  if (!HasHeader(response, L"Content-Length") && !HasHeader(response, L"Transfer-Encoding")) {
    size_t total = 0;
    for (const std::string& chunk : response.body) total += chunk.size();
    if (total > 0) response.headers.emplace_back(L"Content-Length", std::to_wstring(total));
  }
  if (object.Has("growOnShortBuffer")) {
    response.growOnShortBuffer = static_cast<int>(NumberAt(object.Get("growOnShortBuffer"), where + ".growOnShortBuffer"));
  }
  if (object.Has("serverCertificates")) {
    Napi::Array certificates = ArrayAt(object.Get("serverCertificates"), where + ".serverCertificates");
    for (uint32_t i = 0; i < certificates.Length(); ++i) {
      response.serverCertificates.push_back(
          BytesAt(certificates.Get(i), where + ".serverCertificates[" + std::to_string(i) + "]"));
    }
  }
  if (object.Has("clientCertIssuers")) {
    Napi::Array issuers = ArrayAt(object.Get("clientCertIssuers"), where + ".clientCertIssuers");
    for (uint32_t i = 0; i < issuers.Length(); ++i) {
      response.clientCertIssuers.push_back(BytesAt(issuers.Get(i), where + ".clientCertIssuers[" + std::to_string(i) + "]"));
    }
  }
  if (object.Has("handshakeMs")) {
    response.handshakeMs = static_cast<int>(NumberAt(object.Get("handshakeMs"), where + ".handshakeMs"));
  }
  if (object.Has("requestTimes")) response.requestTimes = BoolAt(object.Get("requestTimes"), where + ".requestTimes");
  if (object.Has("noClientCertError")) {
    response.noClientCertError = static_cast<DWORD>(NumberAt(object.Get("noClientCertError"), where + ".noClientCertError"));
  }
  if (object.Has("readLimit")) response.readLimit = static_cast<DWORD>(NumberAt(object.Get("readLimit"), where + ".readLimit"));
  if (object.Has("redirects")) {
    Napi::Array redirects = ArrayAt(object.Get("redirects"), where + ".redirects");
    for (uint32_t i = 0; i < redirects.Length(); ++i) {
      const std::string at = where + ".redirects[" + std::to_string(i) + "]";
      Napi::Object hop = ObjectAt(redirects.Get(i), at);
      OnlyKeys(hop, at, {"status", "location"});
      Redirect redirect;
      if (hop.Has("status")) redirect.status = static_cast<int>(NumberAt(hop.Get("status"), at + ".status"));
      redirect.location = WideAt(hop.Get("location"), at + ".location");
      response.redirects.push_back(std::move(redirect));
    }
  }
  if (object.Has("interim")) {
    Napi::Array interim = ArrayAt(object.Get("interim"), where + ".interim");
    for (uint32_t i = 0; i < interim.Length(); ++i) {
      response.interim.push_back(static_cast<int>(NumberAt(interim.Get(i), where + ".interim")));
    }
  }
  if (object.Has("secureFailure")) {
    response.secureFailure = static_cast<DWORD>(NumberAt(object.Get("secureFailure"), where + ".secureFailure"));
  }
  if (object.Has("clientCertNeeded")) {
    response.clientCertNeeded = BoolAt(object.Get("clientCertNeeded"), where + ".clientCertNeeded");
  }
  if (object.Has("challenges")) response.challenges = ChallengesFrom(object.Get("challenges"), where + ".challenges");
  if (object.Has("resends")) response.resends = static_cast<int>(NumberAt(object.Get("resends"), where + ".resends"));
  if (object.Has("neverAnswers")) response.neverAnswers = BoolAt(object.Get("neverAnswers"), where + ".neverAnswers");
  if (object.Has("keepAlive")) response.keepAlive = BoolAt(object.Get("keepAlive"), where + ".keepAlive");
  if (object.Has("address")) response.address = WideAt(object.Get("address"), where + ".address");
  if (object.Has("faults")) {
    Napi::Array faults = ArrayAt(object.Get("faults"), where + ".faults");
    for (uint32_t i = 0; i < faults.Length(); ++i) {
      const std::string at = where + ".faults[" + std::to_string(i) + "]";
      Napi::Object fault = ObjectAt(faults.Get(i), at);
      OnlyKeys(fault, at, {"step", "error", "call"});
      StepFault stepFault{StepAt(fault.Get("step"), at + ".step"),
                          static_cast<DWORD>(NumberAt(fault.Get("error"), at + ".error"))};
      if (fault.Has("call")) stepFault.call = static_cast<int>(NumberAt(fault.Get("call"), at + ".call"));
      response.faults.push_back(stepFault);
    }
  }
  if (object.Has("stalls")) {
    Napi::Array stalls = ArrayAt(object.Get("stalls"), where + ".stalls");
    for (uint32_t i = 0; i < stalls.Length(); ++i) {
      response.stalls.push_back(StepAt(stalls.Get(i), where + ".stalls[" + std::to_string(i) + "]"));
    }
  }
  if (object.Has("holds")) {
    Napi::Array holds = ArrayAt(object.Get("holds"), where + ".holds");
    for (uint32_t i = 0; i < holds.Length(); ++i) {
      response.holds.push_back(StepAt(holds.Get(i), where + ".holds[" + std::to_string(i) + "]"));
    }
  }
  return response;
}

CallFault CallFaultFrom(const Napi::Value& value, const std::string& where) {
  Napi::Object object = ObjectAt(value, where);
  OnlyKeys(object, where, {"api", "error", "skip", "times", "option"});
  if (!object.Get("api").IsString()) Reject(object.Env(), where + ".api", "must be a WinHTTP function name");
  CallFault fault{object.Get("api").As<Napi::String>().Utf8Value(),
                  static_cast<DWORD>(NumberAt(object.Get("error"), where + ".error"))};
  if (object.Has("skip")) fault.skip = static_cast<int>(NumberAt(object.Get("skip"), where + ".skip"));
  if (object.Has("times")) fault.times = static_cast<int>(NumberAt(object.Get("times"), where + ".times"));
  if (object.Has("option")) fault.option = NumberAt(object.Get("option"), where + ".option");
  return fault;
}

AllocationFault AllocationFaultFrom(const Napi::Value& value, const std::string& where) {
  Napi::Object object = ObjectAt(value, where);
  OnlyKeys(object, where, {"at", "status", "times"});
  const Napi::Value at = object.Get("at");
  const std::string point = at.IsString() ? at.As<Napi::String>().Utf8Value() : std::string();
  if (point != "status-callback" && point != "call-js") {
    Reject(object.Env(), where + ".at", "must be \"status-callback\" or \"call-js\"");
  }
  AllocationFault fault{point, static_cast<DWORD>(NumberAt(object.Get("status"), where + ".status"))};
  if (object.Has("times")) fault.times = static_cast<int>(NumberAt(object.Get("times"), where + ".times"));
  return fault;
}

}  // namespace

Script ScriptFromJs(const Napi::Object& object) {
  OnlyKeys(object, "script", {"seed", "completion", "cancel", "closing", "delayMs", "trace", "routes", "fallback",
                              "failCalls", "throwBadAlloc", "nested"});
  Script script;
  if (object.Has("seed")) script.seed = static_cast<uint64_t>(NumberAt(object.Get("seed"), "seed"));
  if (object.Has("completion")) script.completion = ChoiceAt(object.Get("completion"), "completion", "pool", "sync");
  if (object.Has("nested")) script.nested = object.Get("nested").ToBoolean().Value();
  if (object.Has("cancel")) script.cancel = ChoiceAt(object.Get("cancel"), "cancel", "error", "complete");
  if (object.Has("closing")) script.closing = ChoiceAt(object.Get("closing"), "closing", "pool", "sync");
  if (object.Has("delayMs")) {
    Napi::Array range = ArrayAt(object.Get("delayMs"), "delayMs");
    if (range.Length() != 2) Reject(object.Env(), "delayMs", "must be [min, max]");
    script.minDelayMs = static_cast<int>(NumberAt(range.Get(0u), "delayMs[0]"));
    script.maxDelayMs = static_cast<int>(NumberAt(range.Get(1u), "delayMs[1]"));
    if (script.minDelayMs < 0 || script.maxDelayMs < script.minDelayMs) {
      Reject(object.Env(), "delayMs", "must be 0 <= min <= max");
    }
  }
  if (object.Has("trace")) script.trace = BoolAt(object.Get("trace"), "trace");
  if (object.Has("routes")) {
    Napi::Object routes = ObjectAt(object.Get("routes"), "routes");
    Napi::Array paths = routes.GetPropertyNames();
    for (uint32_t i = 0; i < paths.Length(); ++i) {
      Napi::String path = paths.Get(i).As<Napi::String>();
      script.routes.emplace(WideFromUtf16(path.Utf16Value()),
                            ResponseFrom(routes.Get(path), "routes[\"" + path.Utf8Value() + "\"]"));
    }
  }
  if (object.Has("fallback")) script.fallback = ResponseFrom(object.Get("fallback"), "fallback");
  if (object.Has("failCalls")) {
    Napi::Array faults = ArrayAt(object.Get("failCalls"), "failCalls");
    for (uint32_t i = 0; i < faults.Length(); ++i) {
      script.callFaults.push_back(CallFaultFrom(faults.Get(i), "failCalls[" + std::to_string(i) + "]"));
    }
  }
  if (object.Has("throwBadAlloc")) {
    Napi::Array faults = ArrayAt(object.Get("throwBadAlloc"), "throwBadAlloc");
    for (uint32_t i = 0; i < faults.Length(); ++i) {
      script.allocationFaults.push_back(
          AllocationFaultFrom(faults.Get(i), "throwBadAlloc[" + std::to_string(i) + "]"));
    }
  }
  return script;
}

}  // namespace contract_double
