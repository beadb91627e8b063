// A request's native state: its HINTERNET, the buffers WinHTTP reads into and writes from, and a reference count.
// References: one for JavaScript (dropped when the wrapper is finalized), one for WinHTTP (taken before the context
// value is bound, dropped at WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, which WinHttpCloseHandle's remarks promise is
// the last notification), and one per queued event. So it is freed only after HANDLE_CLOSING and after JavaScript
// let go, on whichever thread drops the last reference. No Node-API here.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include "body_pump.h"
#include "byte_buffer.h"
#include "event_sink.h"
#include "handle_owner.h"
#include "request_timeline.h"
#include "tls_trust_gate.h"
#include "write_queue.h"

class RequestState {
 public:
  RequestState(EventSink* sink, std::shared_ptr<HandleOwner> connection);
  RequestState(const RequestState&) = delete;
  RequestState& operator=(const RequestState&) = delete;

  void AddRef() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Release();

  EventSink* sink() const { return sink_; }
  // The connection handle's owner (a WebSocket's state keeps it too: websocket_wrap.h).
  const std::shared_ptr<HandleOwner>& connection() const { return connection_; }

  // Set once on the JS thread, before the context value is bound; read by WinHTTP threads after that.
  HINTERNET handle = nullptr;
  // Written by WinHTTP during a read, and by the JS thread before a write; each stays allocated and unmoved while
  // its call is pending (WinHttpReadData/WinHttpWriteData remarks), because only one call is pending at a time
  // and the state outlives HANDLE_CLOSING.
  ByteBuffer readBuffer;
  ByteBuffer writeBuffer;
  // The body pump's second read buffer, for its read-ahead (body_pump.h); the same rules as readBuffer.
  ByteBuffer spareBuffer;
  // Reads the body into readBuffer once JavaScript pulls with pump() (body_pump.h); any thread.
  BodyPump pump;
  // The upload queue (write_queue.h): write() copies into its buffers, it chains WinHttpWriteData; any thread.
  WriteQueue writes;
  // WinHttpSendRequest's optional data, a buffer of its own: it "must remain available until the request handle is
  // closed or the call to WinHttpReceiveResponse has completed" (WinHttpSendRequest reference), because WinHTTP
  // sends it again after a 401/407 challenge, a redirect or a resend; writes happen meanwhile. JS thread only:
  // filled by send(), freed at HEADERS_AVAILABLE or HANDLE_CLOSING.
  ByteBuffer sendBuffer;
  // WINHTTP_CALLBACK_STATUS_SECURE_FAILURE flags, kept for the REQUEST_ERROR that follows (WinHTTP threads).
  std::atomic<DWORD> secureFailure{0};
  // tls.ca's check at SENDING_REQUEST (tls_trust_gate.h): armed on the JS thread before the first send.
  TrustGate trustGate;
  // Progress notifications JavaScript listens to (set on the JS thread, read by the callback).
  std::atomic<DWORD> notifyMask{0};
  RequestTimeline timeline;
  // Notifications the status callback could not copy or queue (out of memory), as kLost* bits, and the item that
  // tells the JS thread about them: allocated with the state, so losing memory cannot lose the news. Any thread.
  static constexpr uint32_t kLostNotification = 1;
  static constexpr uint32_t kLostHandleClosing = 2;
  std::atomic<uint32_t> lostNotifications{0};
  std::atomic<bool> failureQueued{false};
  // Events (and failure items) posted to the JS thread and not yet handed over: an inline completion
  // (inline_completion.h) may not overtake them.
  std::atomic<int> queuedEvents{0};
  QueuedEvent failureItem{this, StatusEvent()};
  // JS thread only: the wrapper to tell, or null once it has been finalized.
  StatusListener* listener = nullptr;

 private:
  ~RequestState();
  EventSink* sink_;
  std::shared_ptr<HandleOwner> connection_;
  std::atomic<int> refs_{1};
};
