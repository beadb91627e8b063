// The body pump: one crossing to JavaScript per delivered chunk. JavaScript asks for up to N bytes (Start); the pump
// chains WinHttpQueryDataAvailable -> WinHttpReadData into the request's read buffer from the completions, and posts
// one READ_COMPLETE carrying every byte gathered when the buffer is full, when the body ended (0 bytes: the end), or
// when a WinHttpQueryDataAvailable did not complete at once. That last rule delivers a streamed response as it
// arrives: on Windows a WinHttpReadData completes only when its buffer is full (dotnet/corefx #1825), a query
// completes as soon as anything arrived. Between pulls the pump stops (backpressure); a query still under way then is
// remembered, and its completion is kept for the next pull. Errors are posted as REQUEST_ERROR (API_QUERY_DATA_AVAILABLE
// or API_READ_DATA). No Node-API; no policy: how much to ask for and what the bytes mean is lib/'s.
//
// Threads: Start runs on the JS thread; OnCompletion on whichever thread WinHTTP calls back, which may be a thread
// inside one of the pump's own WinHTTP calls (under Wine READ_COMPLETE always is). The mutex guards the fields and is
// never held across a WinHTTP call. A completion that arrives while a thread is inside the pump's call is left to that
// thread, which loops (a trampoline): the chain never recurses, however many calls complete synchronously.
// Closing: no pump call may reach a closed handle. Close (JS thread) closes at once unless a thread is inside a pump
// call; then that thread closes the handle as soon as its call returns, and issues nothing more.
#pragma once
#include <mutex>
#include "platform/winhttp_api.h"

class RequestState;

class BodyPump {
 public:
  // JS thread, when JavaScript pulls (no pull under way): gather up to `capacity` bytes into state->readBuffer,
  // which must hold that many.
  void Start(RequestState* state, DWORD capacity);
  // The status callback's thread: takes DATA_AVAILABLE, READ_COMPLETE and REQUEST_ERROR once the pump was started
  // on the request (then true: the notification is the pump's and consumed here), else false.
  bool OnCompletion(RequestState* state, DWORD status, DWORD value, DWORD_PTR asyncApi, DWORD error);
  // JS thread: true once Start was called (the body is the pump's: read() and queryDataAvailable() must not mix in).
  bool Started();
  // JS thread, instead of WinHttpCloseHandle: closes the handle now, or has the thread inside a pump call close it
  // when that call returns. No pump call is issued after this.
  void Close(RequestState* state);

 private:
  enum class Call { kNone, kQuery, kRead };
  struct Completion {
    DWORD status = 0;
    DWORD value = 0;
    DWORD_PTR asyncApi = 0;
    DWORD error = 0;
  };

  // Issues `next` and every call that follows while they complete at once; returns when a chunk was posted or a
  // completion will come on another thread (which then continues the chain).
  void Drive(RequestState* state, Call next);
  // What follows `done`: the next call, or kNone after posting the chunk or the error to JavaScript.
  Call Advance(RequestState* state, const Completion& done);
  static void PostChunk(RequestState* state, DWORD bytes) noexcept;
  static void PostError(RequestState* state, DWORD_PTR asyncApi, DWORD error) noexcept;

  std::mutex mutex_;
  bool started_ = false;
  bool pulling_ = false;          // JavaScript waits for a chunk
  bool callOut_ = false;          // a pump call was issued and has not completed
  bool inCall_ = false;           // a thread is inside that call
  bool completedInCall_ = false;  // ... and its completion arrived meanwhile (inCallResult_)
  Completion inCallResult_;
  bool kept_ = false;             // a completion that arrived between pulls (keptResult_), for the next pull
  Completion keptResult_;
  bool ended_ = false;            // the body's end was seen
  bool closing_ = false;          // Close was called: issue nothing more
  bool closeAfterCall_ = false;   // ... while a thread was inside a pump call: that thread closes the handle
  DWORD capacity_ = 0;
  DWORD filled_ = 0;
  DWORD readSize_ = 0;            // the size of the next WinHttpReadData
};
