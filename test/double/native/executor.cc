// The pool's threads wait for the earliest due task and run it with no lock held.
#include "executor.h"
#include <thread>

namespace contract_double {

Executor& Executor::Get() {
  // Leaked on purpose: its threads may run until the process ends, after static destructors.
  static Executor* instance = new Executor();
  return *instance;
}

Executor::Executor() {
  for (int i = 0; i < kThreads; ++i) std::thread([this] { Work(); }).detach();
}

Executor::TaskId Executor::After(int delayMs, std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mutex_);
  const TaskId id = next_++;
  const Key key{std::chrono::steady_clock::now() + std::chrono::milliseconds(delayMs), id};
  queue_.emplace(key, std::move(task));
  keys_.emplace(id, key);
  wake_.notify_one();
  return id;
}

bool Executor::Cancel(TaskId id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = keys_.find(id);
  if (found == keys_.end()) return false;
  queue_.erase(found->second);
  keys_.erase(found);
  return true;
}

size_t Executor::Busy() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size() + running_;
}

void Executor::Work() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (queue_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto first = queue_.begin();
    // A copy: while this thread waits, another may run and erase that task.
    const auto due = first->first.first;
    if (due > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, due);
      continue;
    }
    std::function<void()> task = std::move(first->second);
    keys_.erase(first->first.second);
    queue_.erase(first);
    ++running_;
    lock.unlock();
    task();
    task = nullptr;  // release what the task captured before counting it done
    lock.lock();
    --running_;
  }
}

}  // namespace contract_double
