// Delay-load hook for MinGW builds (MSVC builds get the equivalent from node-gyp or cmake-js).
// The addon imports Node-API from "node.exe" through a delay-load import library. When the host executable has
// another name (Electron, a renamed node.exe), loading "node.exe" would fail or load a second copy of Node, so the
// hook answers that request with the module that started the process, which exports Node-API.
#include <windows.h>
#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI LoadHostInsteadOfNodeExe(unsigned int event, PDelayLoadInfo info) {
  if (event == dliNotePreLoadLibrary && info != nullptr && _stricmp(info->szDll, "node.exe") == 0) {
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
  }
  return nullptr;
}

// delayimp.h declares it `ExternC PfnDliHook __pfnDliNotifyHook2;`, so it is defined without const.
PfnDliHook __pfnDliNotifyHook2 = LoadHostInsteadOfNodeExe;
