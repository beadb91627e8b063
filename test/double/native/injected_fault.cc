// The addon's fault points (native/platform/injected_fault.h) in the build against the double: they throw
// std::bad_alloc where the installed script says (setScenario's throwBadAlloc), to show that no exception crosses
// a C boundary and that the request then fails cleanly. Any thread.
#include "platform/injected_fault.h"  // native/, on the include path of the double build
#include <new>
#include "double_world.h"

void InjectedFault(const char* point, DWORD status) {
  if (contract_double::World::Get().TakeAllocationFault(point, status)) throw std::bad_alloc();
}
