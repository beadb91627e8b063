// The process-wide state behind one mutex; counters are atomics read without it.
#include "double_world.h"

namespace contract_double {

World& World::Get() {
  static World* instance = new World();  // leaked on purpose, like the pool that uses it
  return *instance;
}

World::World() : script_(std::make_shared<Script>()) {}

std::shared_ptr<const Script> World::script() {
  std::lock_guard<std::mutex> lock(mutex_);
  return script_;
}

void World::Install(std::shared_ptr<const Script> script) {
  std::lock_guard<std::mutex> lock(mutex_);
  faultCalls_.assign(script->callFaults.size(), 0);
  allocationFaultsThrown_.assign(script->allocationFaults.size(), 0);
  script_ = std::move(script);
  violations_.clear();
  traces_.clear();
}

bool World::TakeCallFault(const char* api, int64_t option, DWORD* error) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < script_->callFaults.size(); ++i) {
    const CallFault& fault = script_->callFaults[i];
    if (fault.api != api || (fault.option >= 0 && fault.option != option)) continue;
    const int seen = faultCalls_[i]++;
    if (seen < fault.skip || (fault.times >= 0 && seen >= fault.skip + fault.times)) continue;
    counters.injected.fetch_add(1);
    *error = fault.error;
    return true;
  }
  return false;
}

bool World::TakeAllocationFault(const char* point, DWORD status) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < script_->allocationFaults.size(); ++i) {
    const AllocationFault& fault = script_->allocationFaults[i];
    if (fault.at != point || fault.status != status) continue;
    if (fault.times >= 0 && allocationFaultsThrown_[i] >= fault.times) continue;
    ++allocationFaultsThrown_[i];
    counters.injected.fetch_add(1);
    return true;
  }
  return false;
}

void World::Violation(std::string what) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (violations_.size() < kMaxViolations) violations_.push_back(std::move(what));
}

std::vector<std::string> World::violations() {
  std::lock_guard<std::mutex> lock(mutex_);
  return violations_;
}

void World::Finish(Trace trace) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!script_->trace) return;
  traces_.push_back(std::move(trace));
  if (traces_.size() > kMaxTraces) traces_.pop_front();
}

std::vector<Trace> World::traces() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::vector<Trace>(traces_.begin(), traces_.end());
}

}  // namespace contract_double
