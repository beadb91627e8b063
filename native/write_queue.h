// The upload queue: one crossing per MiB instead of one per write. JavaScript's write() copies its bytes into the
// filling buffer and returns at once while there is room; the queue chains WinHttpWriteData itself from each
// WRITE_COMPLETE, handing WinHTTP the filling buffer (every chunk that arrived meanwhile, coalesced) while the buffer
// it wrote before becomes the filling one. JavaScript is woken only when it has to wait: a write that leaves the
// filling buffer at kCoalesceBytes or more while another write is out waits for that write's WRITE_COMPLETE (posted as
// WRITE_COMPLETE), and a receive asked for while writes are queued is issued by the queue once the last one completed
// (its HEADERS_AVAILABLE goes to JavaScript as today). A write failure (REQUEST_ERROR for API_WRITE_DATA, or a
// WinHttpWriteData that fails at once) is posted as REQUEST_ERROR once; nothing more is written after it. No Node-API;
// no policy (Content-Length, chunk framing: lib/core/request.ts).
//
// Threads: Queue, Receive and Close run on the JS thread; OnCompletion on whichever thread WinHTTP calls back, which
// may be a thread inside the queue's own WinHTTP call. The mutex guards the fields and is never held across a WinHTTP
// call. One thread drives the chain at a time (busy_); a completion that arrives while a thread drives is left to it,
// which loops (a trampoline): the chain never recurses, however many writes complete inside their call.
// Closing: no queue call may reach a closed handle. Close closes through the body pump (body_pump.h) at once unless a
// thread is inside a queue call; then that thread closes as soon as its call returns. The buffer WinHTTP writes from
// stays allocated until HANDLE_CLOSING (Free); the filling buffer is freed at Close.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include "byte_buffer.h"
#include "platform/winhttp_api.h"

class RequestState;

class WriteQueue {
 public:
  // How many bytes the filling buffer gathers before a write waits for the one out (bench/README.md, upload).
  static constexpr size_t kCoalesceBytes = 1024 * 1024;

  enum class Queued { kNow, kWaits };
  // JS thread: copies `size` bytes into the filling buffer (may throw std::bad_alloc, then nothing changed) and starts
  // the chain if no write is out. kWaits: JavaScript waits for the WRITE_COMPLETE (or REQUEST_ERROR) the queue posts;
  // also after a write failure, whose REQUEST_ERROR is then posted already.
  Queued Queue(RequestState* state, const uint8_t* bytes, size_t size);
  // JS thread: WinHttpReceiveResponse once every queued byte is written: now (on this thread) when nothing is queued,
  // else from the last WRITE_COMPLETE. Its completion or REQUEST_ERROR reaches JavaScript as a receive's does. Returns
  // the error of a call made here that failed at once, else 0 (a chained call that fails at once is posted as
  // REQUEST_ERROR for API_RECEIVE_RESPONSE). After a write failure nothing is called.
  DWORD Receive(RequestState* state);
  // The status callback's thread: WRITE_COMPLETE, or REQUEST_ERROR for API_WRITE_DATA.
  void OnCompletion(RequestState* state, DWORD status, DWORD error);
  // JS thread, instead of BodyPump::Close: closes the handle now, or has the thread inside a queue call close it when
  // that call returns. Nothing is written after this; the filling buffer is freed.
  void Close(RequestState* state);
  // JS thread, at HANDLE_CLOSING: WinHTTP no longer reads the buffers.
  void Free();

 private:
  // Issues the next write (or the receive) and every one that follows while they complete inside their call. Called by
  // the thread that set busy_.
  void Drive(RequestState* state);
  static void PostOrFail(RequestState* state, DWORD status, DWORD_PTR asyncApi, DWORD error) noexcept;

  std::mutex mutex_;
  ByteBuffer buffers_[2];
  int out_ = 0;                   // buffers_[out_] is (or was last) WinHTTP's; the other one fills
  bool writeOut_ = false;         // a WinHttpWriteData was issued and has not completed
  bool busy_ = false;             // a thread drives the chain
  bool inCall_ = false;           // ... and is inside a WinHTTP call
  bool completedInCall_ = false;  // ... whose WRITE_COMPLETE arrived meanwhile
  bool waiting_ = false;          // JavaScript waits for room (Queue returned kWaits)
  bool receiveWanted_ = false;    // Receive was asked for: issue it once the queue is drained
  bool failed_ = false;           // a write failed (its REQUEST_ERROR is posted): nothing more is issued
  bool closing_ = false;          // Close was called: issue nothing more
  bool closeAfterCall_ = false;   // ... while a thread was inside a queue call: that thread closes the handle
};
