#include "proxy_found.h"
#include "napi_args.h"

void TakeGlobalString(LPWSTR& text, bool& has, std::wstring& into) {
  has = text != nullptr;
  into = text != nullptr ? std::wstring(text) : std::wstring();
  if (text != nullptr) GlobalFree(text);
  text = nullptr;
}

namespace {

Napi::Value OptionalString(Napi::Env env, bool has, const std::wstring& text) {
  if (!has) return env.Null();
  return StringFromWide(env, text.c_str(), text.size());
}

}  // namespace

Napi::Object ProxyFoundToObject(Napi::Env env, const ProxyFound& found) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("api", Napi::String::New(env, found.api));
  result.Set("errno", Napi::Number::New(env, found.error));
  if (found.hasEntries) {
    Napi::Array entries = Napi::Array::New(env, found.entries.size());
    for (uint32_t i = 0; i < found.entries.size(); ++i) {
      const ProxyEntry& e = found.entries[i];
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("proxy", Napi::Boolean::New(env, e.proxy));
      entry.Set("bypass", Napi::Boolean::New(env, e.bypass));
      entry.Set("scheme", Napi::Number::New(env, e.scheme));
      entry.Set("host", StringFromWide(env, e.host.c_str(), e.host.size()));
      entry.Set("port", Napi::Number::New(env, e.port));
      entries.Set(i, entry);
    }
    result.Set("entries", entries);
  }
  result.Set("autoDetect", Napi::Boolean::New(env, found.autoDetect));
  result.Set("accessType", Napi::Number::New(env, found.accessType));
  result.Set("autoConfigUrl", OptionalString(env, found.hasAutoConfigUrl, found.autoConfigUrl));
  result.Set("proxy", OptionalString(env, found.hasProxy, found.proxy));
  result.Set("bypass", OptionalString(env, found.hasBypass, found.bypass));
  return result;
}
