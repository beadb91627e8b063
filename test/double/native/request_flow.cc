// The strand: a task that finds the handle's strand busy waits in its backlog and runs, in order, on the thread that
// holds the strand. A call's completion and the close's HANDLE_CLOSING are strand tasks, so they never overlap and
// HANDLE_CLOSING, queued last, is delivered last.
#include "request_flow.h"
#include <algorithm>
#include <mutex>
#include <vector>
#include "double_cert_store.h"
#include "notifier.h"
#include "request_steps.h"

namespace contract_double {
namespace {

bool Second(Choice choice, std::mt19937_64& random) {
  return choice == Choice::kSecond || (choice == Choice::kRandom && (random() & 1) != 0);
}

int Delay(const Script& script, std::mt19937_64& random) {
  if (script.maxDelayMs <= script.minDelayMs) return script.minDelayMs;
  return script.minDelayMs + static_cast<int>(random() % static_cast<uint64_t>(script.maxDelayMs - script.minDelayMs + 1));
}

// `nest`: a completion inside a call made by a callback of this strand runs at once, inside that call (Script::nested).
void RunOnStrand(const std::shared_ptr<Handle>& handle, std::function<void()> task, bool nest = false) {
  RequestModel& request = *handle->request;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    if (request.busy && nest && request.strandThread == std::this_thread::get_id()) {
      // Fall through to run it here, nested in the running task; the strand stays the running task's.
    } else if (request.busy) {
      request.backlog.push_back(std::move(task));
      return;
    } else {
      request.busy = true;
      request.strandThread = std::this_thread::get_id();
      nest = false;
    }
  }
  if (nest) {
    task();
    return;
  }
  for (;;) {
    task();
    std::lock_guard<std::mutex> lock(handle->mutex);
    if (request.backlog.empty()) {
      request.busy = false;
      return;
    }
    task = std::move(request.backlog.front());
    request.backlog.pop_front();
  }
}

// Inside the caller's call when `inside`, else on a pool thread after `delayMs`.
Executor::TaskId Schedule(const std::shared_ptr<Handle>& handle, bool inside, int delayMs, std::function<void()> task,
                          bool nest = false) {
  if (inside) {
    RunOnStrand(handle, std::move(task), nest);
    return 0;
  }
  return Executor::Get().After(delayMs, [handle, task = std::move(task)] { RunOnStrand(handle, task); });
}

// Strand task: completes call `serial` unless it already completed.
void Complete(const std::shared_ptr<Handle>& handle, uint64_t serial) {
  Step step;
  bool cancelled;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    std::optional<PendingOp>& op = handle->request->op;
    if (!op || op->serial != serial || op->taken) return;
    op->taken = true;
    step = op->step;
    cancelled = handle->closed && !op->outrunsClose;
  }
  if (cancelled) {
    World::Get().counters.cancelled.fetch_add(1);
    FailOp(*handle, step, ERROR_WINHTTP_OPERATION_CANCELLED, Phase::kFailed);
    return;
  }
  RunStep(*handle, step);
}

// Strand task, the last: ends a pending call, drops the connection if the exchange did not finish cleanly, then
// HANDLE_CLOSING (only for a handle with a context value: WinHttpCloseHandle remarks).
void Closing(const std::shared_ptr<Handle>& handle) {
  uint64_t pending = 0;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    if (handle->request->op && !handle->request->op->taken) pending = handle->request->op->serial;
  }
  if (pending != 0) Complete(handle, pending);

  bool drop;
  DWORD_PTR context;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    const RequestModel& request = *handle->request;
    drop = request.dropConnection || (request.response != nullptr && !request.response->keepAlive);
    context = handle->context;
  }
  if (drop) {
    Notify(*handle, WINHTTP_CALLBACK_STATUS_CLOSING_CONNECTION, StatusInfo::None());
    Notify(*handle, WINHTTP_CALLBACK_STATUS_CONNECTION_CLOSED, StatusInfo::None());
    std::lock_guard<std::mutex> lock(handle->parent->mutex);
    handle->parent->connectionOpen = false;
  }
  ReleaseClientCertContext(*handle);
  if (context != 0) Notify(*handle, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, StatusInfo::OfHandle());
  Trace trace;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    handle->request->dead = true;
    trace = std::move(handle->request->trace);
  }
  World::Get().Finish(std::move(trace));
}

// Calls held by the script's `holds` (StartPending), until ReleaseHeld.
struct HeldCall {
  std::weak_ptr<Handle> handle;
  uint64_t serial;
};
std::mutex heldMutex;
std::vector<HeldCall> heldCalls;

}  // namespace

int ReleaseHeld() {
  std::vector<HeldCall> held;
  {
    std::lock_guard<std::mutex> lock(heldMutex);
    held.swap(heldCalls);
  }
  int released = 0;
  for (const HeldCall& call : held) {
    std::shared_ptr<Handle> handle = call.handle.lock();
    if (handle == nullptr) continue;
    const uint64_t serial = call.serial;
    // A call that a close already ended is left alone (Complete checks the serial).
    Executor::Get().After(0, [handle, serial] { RunOnStrand(handle, [handle, serial] { Complete(handle, serial); }); });
    ++released;
  }
  return released;
}

void StartPending(const std::shared_ptr<Handle>& handle) {
  bool inside;
  int delayMs;
  uint64_t serial;
  bool waitsForever = false;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    RequestModel& request = *handle->request;
    PendingOp& op = *request.op;
    serial = op.serial;
    inside = Second(request.script->completion, request.random);
    delayMs = inside ? 0 : Delay(*request.script, request.random);
    op.outrunsClose = Second(request.script->cancel, request.random);
    if (op.step == Step::kReceive && request.response->neverAnswers) {
      // No answer comes: the call ends when WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT runs out (0 or INFINITE: never).
      const DWORD timeout = handle->DwordOption(WINHTTP_OPTION_RECEIVE_RESPONSE_TIMEOUT, 90000);
      inside = false;
      waitsForever = timeout == 0 || timeout == INFINITE;
      delayMs = static_cast<int>(timeout);
    }
    const std::vector<Step>& stalls = request.response->stalls;
    if (std::find(stalls.begin(), stalls.end(), op.step) != stalls.end()) {
      // A stalled step: no answer and no timeout; only a close ends the call (on a pool thread, never inside it).
      inside = false;
      waitsForever = true;
    }
    const std::vector<Step>& holds = request.response->holds;
    if (std::find(holds.begin(), holds.end(), op.step) != holds.end()) {
      // A held step: completes on a pool thread once the test releases it (ReleaseHeld), or ends with a close.
      inside = false;
      waitsForever = true;
      std::lock_guard<std::mutex> heldLock(heldMutex);
      heldCalls.push_back(HeldCall{handle, serial});
    }
  }
  (inside ? World::Get().counters.syncCompletions : World::Get().counters.poolCompletions).fetch_add(1);
  if (waitsForever) return;  // only a close ends it
  bool nest;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    nest = handle->request->script->nested;
  }
  const Executor::TaskId timer =
      Schedule(handle, inside, delayMs, [handle, serial] { Complete(handle, serial); }, nest);
  std::lock_guard<std::mutex> lock(handle->mutex);
  if (handle->request->op && handle->request->op->serial == serial) handle->request->op->timer = timer;
}

void CloseRequest(const std::shared_ptr<Handle>& handle) {
  bool inside;
  int delayMs;
  Executor::TaskId timer = 0;
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    RequestModel& request = *handle->request;
    handle->closed = true;
    inside = Second(request.script->closing, request.random);
    delayMs = inside ? 0 : Delay(*request.script, request.random);
    if (request.op && !request.op->taken) timer = request.op->timer;
  }
  // A completion not yet started is ended by the closing task instead (promptly: the documentation's 12017).
  if (timer != 0) Executor::Get().Cancel(timer);
  Schedule(handle, inside, delayMs, [handle] { Closing(handle); });
}

bool Interrupted(Handle& handle) {
  std::lock_guard<std::mutex> lock(handle.mutex);
  return handle.closed && !handle.request->op->outrunsClose;
}

void FinishOp(Handle& handle, const std::function<void(RequestModel&)>& update, DWORD status, const StatusInfo& info) {
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    update(*handle.request);
    handle.request->op.reset();
  }
  Notify(handle, status, info);
  World::Get().counters.finishedCalls.fetch_add(1);
}

void FailOp(Handle& handle, Step step, DWORD error, Phase phase) {
  FinishOp(
      handle,
      [phase, step](RequestModel& request) {
        request.phase = phase;
        if (step == Step::kReceive) request.ForgetOptional();
        if (phase == Phase::kFailed) request.dropConnection = true;
      },
      WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, StatusInfo::Error(static_cast<DWORD_PTR>(step), error));
}

}  // namespace contract_double
