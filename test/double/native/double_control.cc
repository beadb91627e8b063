// The control object's functions: thin wrappers around World and Executor.
#include "double_control.h"
#include <memory>
#include "wide_string.h"  // native/, on the include path of the double build
#include "double_cert_store.h"
#include "double_chain.h"
#include "double_proxy.h"
#include "double_tls.h"
#include "double_world.h"
#include "executor.h"
#include "request_flow.h"
#include "script_from_js.h"

using namespace contract_double;

namespace {

Napi::Value SetScenario(const Napi::CallbackInfo& info) {
  if (!info[0].IsObject()) throw Napi::TypeError::New(info.Env(), "contractDouble.setScenario(script): script must be an object");
  World::Get().Install(std::make_shared<Script>(ScriptFromJs(info[0].As<Napi::Object>())));
  return info.Env().Undefined();
}

Napi::Value Reset(const Napi::CallbackInfo& info) {
  World::Get().Install(std::make_shared<Script>());
  SetCertStores(CertStores());
  return info.Env().Undefined();
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  World& world = World::Get();
  Napi::Object stats = Napi::Object::New(env);
  const Counters& counters = world.counters;
  auto set = [&](const char* name, int64_t value) { stats.Set(name, Napi::Number::New(env, static_cast<double>(value))); };
  set("openHandles", counters.openHandles.load());
  set("liveHandles", counters.liveHandles.load());
  set("requests", counters.requests.load());
  set("callbacks", counters.callbacks.load());
  set("finishedCalls", counters.finishedCalls.load());
  set("poolCompletions", counters.poolCompletions.load());
  set("syncCompletions", counters.syncCompletions.load());
  set("cancelled", counters.cancelled.load());
  set("injected", counters.injected.load());
  set("busyTasks", static_cast<int64_t>(Executor::Get().Busy()));
  set("liveCertContexts", LiveCertContexts());
  set("liveIssuerLists", LiveIssuerLists());
  set("liveCertStores", LiveCertStores());
  set("liveChainEngines", LiveChainEngines());
  set("liveChains", LiveChains());
  set("exclusiveChainCalls", ChainCallCounts().exclusive);
  set("defaultChainCalls", ChainCallCounts().defaultEngine);
  set("webSocketReceives", WebSocketReceiveCalls());
  const std::vector<std::string> violations = world.violations();
  Napi::Array list = Napi::Array::New(env, violations.size());
  for (uint32_t i = 0; i < violations.size(); ++i) list.Set(i, Napi::String::New(env, violations[i]));
  stats.Set("violations", list);
  return stats;
}

Napi::Array Numbers(Napi::Env env, const std::vector<DWORD>& values) {
  Napi::Array array = Napi::Array::New(env, values.size());
  for (uint32_t i = 0; i < values.size(); ++i) array.Set(i, Napi::Number::New(env, values[i]));
  return array;
}

Napi::Value Traces(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::vector<Trace> traces = World::Get().traces();
  Napi::Array list = Napi::Array::New(env, traces.size());
  for (uint32_t i = 0; i < traces.size(); ++i) {
    const Trace& trace = traces[i];
    Napi::Object item = Napi::Object::New(env);
    item.Set("serial", Napi::Number::New(env, static_cast<double>(trace.serial)));
    item.Set("method", Napi::String::New(env, Utf16FromWide(trace.method.data(), trace.method.size())));
    item.Set("path", Napi::String::New(env, Utf16FromWide(trace.path.data(), trace.path.size())));
    item.Set("notifications", Numbers(env, trace.notifications));
    item.Set("errors", Numbers(env, trace.errors));
    Napi::Array headerLines = Napi::Array::New(env, trace.headerLines.size());
    for (uint32_t j = 0; j < trace.headerLines.size(); ++j) {
      const std::wstring& line = trace.headerLines[j];
      headerLines.Set(j, Napi::String::New(env, Utf16FromWide(line.data(), line.size())));
    }
    item.Set("headerLines", headerLines);
    Napi::Array credentials = Napi::Array::New(env, trace.credentials.size());
    for (uint32_t j = 0; j < trace.credentials.size(); ++j) {
      credentials.Set(j, Napi::String::New(env, Utf16FromWide(trace.credentials[j].data(), trace.credentials[j].size())));
    }
    item.Set("credentials", credentials);
    item.Set("received", Napi::Buffer<char>::Copy(env, trace.received.data(), trace.received.size()));
    item.Set("clientCertificate",
             Napi::Buffer<char>::Copy(env, trace.clientCertificate.data(), trace.clientCertificate.size()));
    list.Set(i, item);
  }
  return list;
}

std::string Bytes(const Napi::Value& value, const char* where) {
  if (!value.IsTypedArray()) throw Napi::TypeError::New(value.Env(), std::string(where) + " must be a Uint8Array");
  Napi::Uint8Array bytes = value.As<Napi::Uint8Array>();
  return std::string(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
}

std::vector<ScriptedCertificate> Certificates(const Napi::Value& value, const char* where) {
  std::vector<ScriptedCertificate> list;
  if (value.IsUndefined()) return list;
  if (!value.IsArray()) throw Napi::TypeError::New(value.Env(), std::string(where) + " must be an array");
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Object item = array.Get(i).As<Napi::Object>();
    list.push_back({Bytes(item.Get("der"), where), item.Get("hasPrivateKey").ToBoolean().Value()});
  }
  return list;
}

// setCertStores({ currentUser?, localMachine?: [{ der, hasPrivateKey }], pfx?: [{ bytes, password, certificates }] }).
Napi::Value SetCertStoresJs(const Napi::CallbackInfo& info) {
  Napi::Object given = info[0].As<Napi::Object>();
  CertStores stores;
  stores.currentUser = Certificates(given.Get("currentUser"), "currentUser");
  stores.localMachine = Certificates(given.Get("localMachine"), "localMachine");
  if (given.Has("pfx")) {
    Napi::Array pfx = given.Get("pfx").As<Napi::Array>();
    for (uint32_t i = 0; i < pfx.Length(); ++i) {
      Napi::Object item = pfx.Get(i).As<Napi::Object>();
      stores.pfx.push_back({Bytes(item.Get("bytes"), "pfx[].bytes"),
                            WideFromUtf16(item.Get("password").As<Napi::String>().Utf16Value()),
                            Certificates(item.Get("certificates"), "pfx[].certificates")});
    }
  }
  SetCertStores(std::move(stores));
  return info.Env().Undefined();
}

// setChainEngine({ certificates?: [{ der, issuer?, names?, errors? }], machineRoots?: [der], exclusiveRootRefused? })
// (double_chain.h).
Napi::Value SetChainEngineJs(const Napi::CallbackInfo& info) {
  Napi::Object given = info[0].As<Napi::Object>();
  ChainEngineScript script;
  if (!given.Get("certificates").IsUndefined()) {
    Napi::Array list = given.Get("certificates").As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Object item = list.Get(i).As<Napi::Object>();
      ScriptedChainCertificate certificate;
      certificate.der = Bytes(item.Get("der"), "certificates[].der");
      if (!item.Get("issuer").IsUndefined()) certificate.issuer = Bytes(item.Get("issuer"), "certificates[].issuer");
      if (!item.Get("names").IsUndefined()) {
        Napi::Array names = item.Get("names").As<Napi::Array>();
        for (uint32_t n = 0; n < names.Length(); ++n) {
          certificate.names.push_back(WideFromUtf16(names.Get(n).As<Napi::String>().Utf16Value()));
        }
      }
      if (!item.Get("errors").IsUndefined()) certificate.errors = item.Get("errors").As<Napi::Number>().Uint32Value();
      script.certificates.push_back(std::move(certificate));
    }
  }
  if (!given.Get("machineRoots").IsUndefined()) {
    Napi::Array roots = given.Get("machineRoots").As<Napi::Array>();
    for (uint32_t i = 0; i < roots.Length(); ++i) script.machineRoots.push_back(Bytes(roots.Get(i), "machineRoots[]"));
  }
  script.exclusiveRootRefused = given.Get("exclusiveRootRefused").ToBoolean().Value();
  SetChainEngine(std::move(script));
  return info.Env().Undefined();
}

// pfxImportFlags() -> the dwFlags of each PFXImportCertStore call since the stores were set.
Napi::Value PfxImportFlagsJs(const Napi::CallbackInfo& info) {
  return Numbers(info.Env(), PfxImportFlags());
}

}  // namespace

Napi::Object CreateDoubleControl(Napi::Env env) {
  Napi::Object control = Napi::Object::New(env);
  control.Set("setScenario", Napi::Function::New(env, SetScenario, "setScenario"));
  control.Set("reset", Napi::Function::New(env, Reset, "reset"));
  control.Set("releaseHeld", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    return Napi::Number::New(info.Env(), ReleaseHeld());
  }, "releaseHeld"));
  control.Set("stats", Napi::Function::New(env, Stats, "stats"));
  control.Set("trace", Napi::Function::New(env, Traces, "trace"));
  control.Set("proxy", CreateProxyControl(env));
  control.Set("setCertStores", Napi::Function::New(env, SetCertStoresJs, "setCertStores"));
  control.Set("pfxImportsOnJsThread", Napi::Function::New(env, [](const Napi::CallbackInfo& info) -> Napi::Value {
    const std::vector<bool> onThread = PfxImportsOnThisThread();
    Napi::Array array = Napi::Array::New(info.Env(), onThread.size());
    for (uint32_t i = 0; i < onThread.size(); ++i) array.Set(i, Napi::Boolean::New(info.Env(), onThread[i]));
    return array;
  }, "pfxImportsOnJsThread"));
  control.Set("setChainEngine", Napi::Function::New(env, SetChainEngineJs, "setChainEngine"));
  control.Set("pfxImportFlags", Napi::Function::New(env, PfxImportFlagsJs, "pfxImportFlags"));
  return control;
}
