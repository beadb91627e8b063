// How a request handle's asynchronous calls complete: on the handle's strand, one task at a time, either inside the
// call on the caller's thread or on a pool thread after a delay (as the script picks), and how WinHttpCloseHandle
// ends them: a pending call completes with REQUEST_ERROR 12017 (or, as the documentation also allows, with the
// completion that was already under way), then HANDLE_CLOSING comes, always last (WinHttpCloseHandle remarks).
// Any thread; never holds a lock while a callback runs.
#pragma once
#include <functional>
#include <memory>
#include "handle.h"

namespace contract_double {

// Completes the call the API just recorded in request->op.
void StartPending(const std::shared_ptr<Handle>& handle);

// Completes every call held by the script's `holds` so far, each on a pool thread; returns how many. Any thread.
int ReleaseHeld();

// WinHttpCloseHandle on a request handle that has just been unlisted.
void CloseRequest(const std::shared_ptr<Handle>& handle);

// For the steps (request_steps.cc), on the strand:
// True if the handle was closed and the pending call is to end with 12017 rather than go on.
bool Interrupted(Handle& handle);
// Applies `update` to the request and clears the pending call (both under the mutex), then delivers the call's
// completion: from then on the caller may start the next call, even from inside the callback.
void FinishOp(Handle& handle, const std::function<void(RequestModel&)>& update, DWORD status,
              const struct StatusInfo& info);
// FinishOp with REQUEST_ERROR for `step` and `error`; the request then is in `phase`.
void FailOp(Handle& handle, Step step, DWORD error, Phase phase);

}  // namespace contract_double
