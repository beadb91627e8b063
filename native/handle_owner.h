// Shared ownership of a session or connection HINTERNET. A connection keeps its session's owner, and a request's
// native state keeps its connection's, so a parent handle is closed only after every child's state is gone, or
// earlier when JavaScript closes it explicitly (lib/ closes the children first). No Node-API here; any thread.
#pragma once
#include <atomic>
#include <memory>
#include "platform/winhttp_api.h"

class HandleOwner {
 public:
  HandleOwner(HINTERNET handle, std::shared_ptr<HandleOwner> parent)
      : handle_(handle), parent_(std::move(parent)) {}
  ~HandleOwner() { Close(); }
  HandleOwner(const HandleOwner&) = delete;
  HandleOwner& operator=(const HandleOwner&) = delete;

  HINTERNET get() const { return handle_; }
  bool closed() const { return closed_.load(); }

  // Closes at most once (Microsoft, "Concurrency in WinHTTP": each handle is closed exactly once).
  void Close() {
    if (!closed_.exchange(true)) WinHttpCloseHandle(handle_);
  }

 private:
  HINTERNET handle_;
  std::shared_ptr<HandleOwner> parent_;
  std::atomic<bool> closed_{false};
};
