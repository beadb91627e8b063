// The double's worker pool: a few threads that run timed tasks, as WinHTTP's own thread pool delivers completions.
// Process-wide and never destroyed (WinHTTP's threads outlive every environment too, and may still be running a
// callback when the process exits). Any thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace contract_double {

class Executor {
 public:
  using TaskId = uint64_t;

  static Executor& Get();

  // Runs `task` on a pool thread after `delayMs`.
  TaskId After(int delayMs, std::function<void()> task);
  // Drops a task that has not started yet; returns whether it was dropped.
  bool Cancel(TaskId id);
  // Tasks queued or running.
  size_t Busy();

 private:
  static constexpr int kThreads = 3;
  using Key = std::pair<std::chrono::steady_clock::time_point, TaskId>;

  Executor();
  void Work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<Key, std::function<void()>> queue_;
  std::unordered_map<TaskId, Key> keys_;
  TaskId next_ = 1;
  size_t running_ = 0;
};

}  // namespace contract_double
