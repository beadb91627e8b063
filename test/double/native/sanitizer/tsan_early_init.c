// Preloaded before Debian's ThreadSanitizer runtime (libclang_rt.tsan-x86_64.so) when an uninstrumented program (node)
// runs our instrumented addon. That runtime needs libstdc++, whose initializer registers its destructors with
// __cxa_atexit before the runtime has initialized itself; the runtime's __cxa_atexit interceptor then calls through a
// null pointer and the process dies at start (SIGSEGV in __interceptor___cxa_atexit). This first __cxa_atexit
// initializes ThreadSanitizer, then hands every call on to the runtime's own interceptor.
#define _GNU_SOURCE
#include <dlfcn.h>

void __tsan_init(void);

typedef int (*AtExit)(void (*)(void*), void*, void*);

int __cxa_atexit(void (*function)(void*), void* argument, void* dso) {
  static AtExit next;
  if (next == 0) {
    __tsan_init();
    next = (AtExit)dlsym(RTLD_NEXT, "__cxa_atexit");
  }
  return next(function, argument, dso);
}
