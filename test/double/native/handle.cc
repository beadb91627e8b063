// Handle objects and the registry of open ones.
#include "handle.h"
#include <cstring>
#include <unordered_map>
#include "double_world.h"

namespace contract_double {
namespace {

struct Registry {
  std::mutex mutex;
  std::unordered_map<uintptr_t, std::shared_ptr<Handle>> open;
  uintptr_t next = 0x10000;
};

Registry& TheRegistry() {
  static Registry* registry = new Registry();  // leaked on purpose: pool threads may use it during exit
  return *registry;
}

}  // namespace

Handle::Handle(Kind kind, std::shared_ptr<Handle> parent) : kind(kind), parent(std::move(parent)) {
  World::Get().counters.liveHandles.fetch_add(1);
}

Handle::~Handle() { World::Get().counters.liveHandles.fetch_sub(1); }

DWORD Handle::DwordOption(DWORD option, DWORD fallback) const {
  auto found = options.find(option);
  if (found == options.end() || found->second.size() != sizeof(DWORD)) return fallback;
  DWORD value;
  std::memcpy(&value, found->second.data(), sizeof(value));
  return value;
}

HINTERNET Register(const std::shared_ptr<Handle>& handle) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  const uintptr_t value = registry.next;
  registry.next += 0x10;
  handle->id = reinterpret_cast<HINTERNET>(value);
  registry.open.emplace(value, handle);
  World::Get().counters.openHandles.fetch_add(1);
  return handle->id;
}

std::shared_ptr<Handle> Lookup(HINTERNET value, const char* api) {
  Registry& registry = TheRegistry();
  {
    std::lock_guard<std::mutex> lock(registry.mutex);
    auto found = registry.open.find(reinterpret_cast<uintptr_t>(value));
    if (found != registry.open.end()) return found->second;
  }
  SetLastError(ERROR_INVALID_HANDLE);
  World::Get().Violation(std::string(api) + " on a handle that is not open (closed, or never opened)");
  return nullptr;
}

std::shared_ptr<Handle> Unregister(HINTERNET value) {
  Registry& registry = TheRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  auto found = registry.open.find(reinterpret_cast<uintptr_t>(value));
  if (found == registry.open.end()) return nullptr;
  std::shared_ptr<Handle> handle = std::move(found->second);
  registry.open.erase(found);
  World::Get().counters.openHandles.fetch_sub(1);
  return handle;
}

}  // namespace contract_double
