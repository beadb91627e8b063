// The double's process-wide state, as winhttp.dll's is: the installed script, the injected synchronous failures
// still to fire, counters, the documented-rule violations it caught the caller in, and the finished requests'
// traces. Never destroyed (pool threads may use it while the process exits). Any thread.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>
#include "script.h"

namespace contract_double {

struct Counters {
  std::atomic<int64_t> openHandles{0};      // returned to the caller and not yet closed by it
  std::atomic<int64_t> liveHandles{0};      // still held by the double (a closed one until after HANDLE_CLOSING)
  std::atomic<int64_t> requests{0};         // request handles opened
  std::atomic<int64_t> callbacks{0};        // notifications delivered
  std::atomic<int64_t> finishedCalls{0};    // calls whose completion's callback has returned
  std::atomic<int64_t> poolCompletions{0};  // calls completed on a pool thread
  std::atomic<int64_t> syncCompletions{0};  // calls completed inside the call, on the caller's thread
  std::atomic<int64_t> cancelled{0};        // REQUEST_ERROR 12017 delivered after a close
  std::atomic<int64_t> injected{0};         // synchronous failures injected
};

// One request handle's life as the caller saw it.
struct Trace {
  uint64_t serial = 0;
  std::wstring method;
  std::wstring path;
  std::vector<DWORD> notifications;  // every status delivered, in order
  std::vector<DWORD> errors;         // REQUEST_ERROR's dwError values, in order
  std::vector<std::wstring> headerLines;  // the request's header lines as last sent ("Name: value"), in order
  std::string received;              // every request body byte the "server" got: optional data, then each write
  std::vector<std::wstring> credentials;  // per response: "server|proxy Scheme user[:password]" as received
  std::string clientCertificate;     // DER of the client certificate presented at the last send (empty: none)
};

class World {
 public:
  static World& Get();

  std::shared_ptr<const Script> script();
  // Installs a script, clears the failures to inject, violations and traces. Counters of live things stay.
  void Install(std::shared_ptr<const Script> script);

  // True (and the error to report) if the script fails this call of `api` (option: -1 unless Set/QueryOption).
  bool TakeCallFault(const char* api, int64_t option, DWORD* error);

  // True if the script makes the addon throw std::bad_alloc at `point` for this notification (counts it).
  bool TakeAllocationFault(const char* point, DWORD status);

  // The caller broke a documented rule; `what` says which.
  void Violation(std::string what);
  std::vector<std::string> violations();

  uint64_t NextRequestSerial() { return ++requestSerial_; }
  void Finish(Trace trace);
  std::vector<Trace> traces();

  Counters counters;

 private:
  static constexpr size_t kMaxTraces = 2000;
  static constexpr size_t kMaxViolations = 100;

  World();

  std::mutex mutex_;
  std::shared_ptr<const Script> script_;
  std::vector<int> faultCalls_;  // calls matched so far, per script_->callFaults entry
  std::vector<int> allocationFaultsThrown_;  // per script_->allocationFaults entry
  std::vector<std::string> violations_;
  std::deque<Trace> traces_;
  std::atomic<uint64_t> requestSerial_{0};
};

}  // namespace contract_double
