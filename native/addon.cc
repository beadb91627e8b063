// Module entry: registers the native classes (Session, Connection, Request), crackUrl, and two diagnostics.
#include "addon.h"
#include "client_cert_load.h"
#include "client_cert_wrap.h"
#include "connection_wrap.h"
#include "napi_args.h"
#include "proxy_resolver.h"
#include "request_wrap.h"
#include "session_wrap.h"
#include "tls_roots_wrap.h"
#include "url_wrap.h"
#include "websocket_wrap.h"
#include "win_error.h"
#ifdef WINHTTP_CONTRACT_DOUBLE
#include "double_control.h"  // test builds only (test/double/native/): lets JavaScript script the contract double
#endif

WinHttpAddon::WinHttpAddon(Napi::Env env, Napi::Object exports) : dispatcher_(Dispatcher::Create(env)) {
  DefineAddon(exports, {
                           InstanceValue("Session", SessionWrap::Define(env)),
                           InstanceValue("Connection", ConnectionWrap::Define(env)),
                           InstanceValue("Request", RequestWrap::Define(env)),
                           InstanceValue("ProxyResolver", ProxyResolverWrap::Define(env)),
                           InstanceValue("crackUrl", Napi::Function::New(env, CrackUrl, "crackUrl")),
                           InstanceValue("ClientCertificate", ClientCertWrap::Define(env)),
                           InstanceValue("WebSocket", WebSocketWrap::Define(env)),
                           InstanceValue("listMyStore", Napi::Function::New(env, ListMyStoreJs, "listMyStore")),
                           InstanceValue("TrustedRoots", TrustedRootsWrap::Define(env)),
                           InstanceValue("loadClientCertificate",
                                         Napi::Function::New(env, LoadClientCertificateJs, "loadClientCertificate")),
                           InstanceValue("listMyStoreAsync", Napi::Function::New(env, ListMyStoreAsyncJs, "listMyStoreAsync")),
                           InstanceMethod("liveRequests", &WinHttpAddon::LiveRequests),
                           InstanceMethod("formatMessage", &WinHttpAddon::FormatMessage),
                       });
#ifdef WINHTTP_CONTRACT_DOUBLE
  exports.Set("contractDouble", CreateDoubleControl(env));
#endif
}

WinHttpAddon::~WinHttpAddon() { dispatcher_->Release(); }

// Request states not yet freed (tests assert it returns to its start).
Napi::Value WinHttpAddon::LiveRequests(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(dispatcher_->liveRequests.load()));
}

// formatMessage(code): the system's text for a Win32/WinHTTP error code ('' if none).
Napi::Value WinHttpAddon::FormatMessage(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), SystemMessage(DwordArg(info[0])));
}

NODE_API_ADDON(WinHttpAddon)
