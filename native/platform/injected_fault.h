// Fault points for the Linux test build against the contract double (WINHTTP_CONTRACT_DOUBLE): there a test can make
// the code at a named point throw std::bad_alloc (test/double/native/injected_fault.cc), to check the exception
// barriers where C calls us. In the Windows builds they are empty and compile to nothing.
#pragma once
#include "winhttp_api.h"

#ifdef WINHTTP_CONTRACT_DOUBLE
void InjectedFault(const char* point, DWORD status);
#else
inline void InjectedFault(const char*, DWORD) {}
#endif
