// The JavaScript handle on the contract double, exported as `contractDouble` by test builds (native/addon.cc):
//   setScenario(script)  installs a script (script_from_js.h) for requests opened from now on
//   reset()              installs the default script (every path answers 200 with no body)
//   releaseHeld()        completes the calls held by a route's `holds` so far (on pool threads); returns how many
//   stats()              { openHandles, liveHandles, requests, callbacks, finishedCalls, poolCompletions,
//                          syncCompletions, cancelled, injected, busyTasks, violations: string[] }
//   trace()              finished requests, oldest first: { serial, method, path, notifications: number[],
//                          errors: number[], received: Buffer }
// The double is process-wide, like winhttp.dll: every environment (worker) sees the same script. JS thread only.
#pragma once
#include <napi.h>

Napi::Object CreateDoubleControl(Napi::Env env);
