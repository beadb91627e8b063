// When a request reached each stage, recorded by the status callback from WinHTTP's progress notifications without
// crossing to JavaScript, and read by the JS thread for the response's timings. Times are nanoseconds since the
// request was opened (steady clock); -1 means "not seen" (e.g. no resolve or connect on a reused connection).
// Each hop of a redirect overwrites the previous one's times. No Node-API here; any thread.
#pragma once
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include "platform/winhttp_api.h"

class RequestTimeline {
 public:
  enum Milestone {
    kResolveStart,
    kResolveEnd,
    kConnectStart,
    kConnectEnd,
    kSendStart,    // SENDING_REQUEST: after the TLS handshake, so connectEnd..sendStart is TLS where it applies
    kRequestSent,
    kFirstByte,    // first RESPONSE_RECEIVED after the last SENDING_REQUEST
    kHeaders,
    kCount
  };

  RequestTimeline() : origin_(std::chrono::steady_clock::now()) {
    for (auto& time : times_) time.store(-1, std::memory_order_relaxed);
  }

  // Status callback: the notification `status` happened now.
  void Record(DWORD status) {
    switch (status) {
      case WINHTTP_CALLBACK_STATUS_RESOLVING_NAME: Set(kResolveStart); break;
      case WINHTTP_CALLBACK_STATUS_NAME_RESOLVED: Set(kResolveEnd); break;
      case WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER: Set(kConnectStart); break;
      case WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER: Set(kConnectEnd); break;
      case WINHTTP_CALLBACK_STATUS_SENDING_REQUEST:
        Set(kSendStart);
        times_[kFirstByte].store(-1, std::memory_order_relaxed);
        break;
      case WINHTTP_CALLBACK_STATUS_REQUEST_SENT: Set(kRequestSent); break;
      case WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED:
        if (times_[kFirstByte].load(std::memory_order_relaxed) < 0) Set(kFirstByte);
        break;
      case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE: Set(kHeaders); break;
      default: break;
    }
  }

  int64_t Get(Milestone milestone) const { return times_[milestone].load(std::memory_order_relaxed); }

  // Nanoseconds since the request was opened.
  int64_t Now() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - origin_).count();
  }

 private:
  void Set(Milestone milestone) {
    const auto elapsed = std::chrono::steady_clock::now() - origin_;
    times_[milestone].store(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count(),
                            std::memory_order_relaxed);
  }

  const std::chrono::steady_clock::time_point origin_;
  std::array<std::atomic<int64_t>, kCount> times_;
};
