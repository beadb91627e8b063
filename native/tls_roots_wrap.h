// TrustedRoots: a session's tls.ca roots (tls_trusted_roots.h), owned jointly by the JS object and by every request
// armed with them, so they live until the last request that checks against them is freed.
//   new TrustedRoots([der, ...])   the roots, DER; lib/tls/ca.ts parses PEM and validates
//   exclusive() -> boolean         whether the chain engine trusts only them (hExclusiveRoot)
// And Request.setTrustedRoots(roots, host, ignoredSecurityFlags, checkRevocation): arms the request's TrustGate
// (tls_trust_gate.h) before its first send. JS thread only.
#pragma once
#include <napi.h>
#include <memory>
#include "tls_trusted_roots.h"

class TrustedRootsWrap : public Napi::ObjectWrap<TrustedRootsWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit TrustedRootsWrap(const Napi::CallbackInfo& info);
  const std::shared_ptr<const TrustedRoots>& roots() const { return roots_; }

 private:
  Napi::Value Exclusive(const Napi::CallbackInfo& info);
  std::shared_ptr<const TrustedRoots> roots_;
};
