// The body pump: one crossing to JavaScript per delivered chunk. JavaScript asks for up to N bytes (Start); the pump
// chains WinHttpQueryDataAvailable -> WinHttpReadData into the request's read buffer from the completions, and posts
// one READ_COMPLETE carrying every byte gathered when the buffer is full, when the body ended (0 bytes: the end), or
// when a WinHttpQueryDataAvailable did not complete at once. That last rule delivers a streamed response as it
// arrives: on Windows a WinHttpReadData completes only when its buffer is full (dotnet/corefx #1825), a query
// completes as soon as anything arrived. Between pulls the pump stops (backpressure); a query still under way then is
// remembered, and its completion is kept for the next pull. Errors are posted as REQUEST_ERROR (API_QUERY_DATA_AVAILABLE
// or API_READ_DATA), after the bytes gathered before them (those go first; the error answers the next pull). No Node-API; no policy: how much to ask for and what the bytes mean is lib/'s.
//
// Threads: Start runs on the JS thread; OnCompletion on whichever thread WinHTTP calls back, which may be a thread
// inside one of the pump's own WinHTTP calls (under Wine READ_COMPLETE always is). The mutex guards the fields and is
// never held across a WinHTTP call. A completion that arrives while a thread is inside the pump's call is left to that
// thread, which loops (a trampoline): the chain never recurses, however many calls complete synchronously.
// Closing: no pump call may reach a closed handle. Close (JS thread) closes at once unless a thread is inside a pump
// call; then that thread closes the handle as soon as its call returns, and issues nothing more.
// The response chain (ChainResponse, body_pump_chain.cc) runs the exchange's later steps through the same calls and
// the same rules: from SENDREQUEST_COMPLETE the pump calls WinHttpReceiveResponse, at HEADERS_AVAILABLE it reads the
// head (WinHttpQueryHeaders) and gathers the body's first chunk, and posts all of it as one HEADERS_AVAILABLE: one
// crossing instead of a completion and a call per step, and none of those calls runs on the JS thread unless WinHTTP
// completes there.
#pragma once
#include <atomic>
#include <mutex>
#include <string>
#include "platform/winhttp_api.h"
#include "status_event.h"

class RequestState;

class BodyPump {
 public:
  // JS thread, when JavaScript pulls (no pull under way): gather up to `capacity` bytes into state->readBuffer,
  // which must hold that many. With `readAhead` (from the first such pull on; state->spareBuffer must hold
  // `capacity` too, which stays the capacity from then on) the pump goes on between pulls: while JavaScript handles
  // a chunk it fills the other buffer, up to `capacity`, and stops there until the next pull (backpressure); a
  // completion between pulls then continues the chain instead of being kept.
  void Start(RequestState* state, DWORD capacity, bool readAhead = false);
  // JS thread: true once a pull asked for read-ahead (the buffers' sizes are the pump's from then on).
  bool ReadsAhead();
  // The status callback's thread: takes DATA_AVAILABLE, READ_COMPLETE and REQUEST_ERROR once the pump was started
  // on the request (then true: the notification is the pump's and consumed here), else false.
  bool OnCompletion(RequestState* state, DWORD status, DWORD value, DWORD_PTR asyncApi, DWORD error);
  // JS thread: true once Start was called (the body is the pump's: read() and queryDataAvailable() must not mix in).
  bool Started();
  // JS thread, instead of WinHttpCloseHandle: closes the handle now, or has the thread inside a pump call close it
  // when that call returns. No pump call is issued after this.
  void Close(RequestState* state);
  // JS thread, before WinHttpSendRequest (no call pending): chain the response to the send (see above), gathering
  // up to `firstBytes` of the body (0: none) into state->readBuffer, which must hold that many. With `announceSend`
  // (send()'s receive-ahead) SENDREQUEST_COMPLETE is posted too, before the receive is called, and the head follows
  // as its own HEADERS_AVAILABLE.
  void ChainResponse(DWORD firstBytes, bool announceSend = false);
  // JS thread: WinHttpSendRequest failed at once, so no SENDREQUEST_COMPLETE will start the chain.
  void Unchain();
  // JS thread: the API_* of the chain's step under way (the send, the receive, a first-chunk read; the receive once
  // the head is posted), 0 without a chain: what a lost notification fails (RequestWrap::OnFailure).
  DWORD_PTR ChainApi();
  // The status callback's thread, when it loses a notification: the step it belonged to is the chain's step now.
  void NoteLoss() noexcept;

 private:
  enum class Call { kNone, kQuery, kRead, kReceive, kHead };
  // Where the response chain is: armed until SENDREQUEST_COMPLETE, then waiting for the head, then gathering the
  // body's first chunk (posted with the head).
  enum class Chain { kNone, kArmed, kReceiving, kFirstChunk };
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
  // The first chunk is complete (`bytes` gathered): posts HEADERS_AVAILABLE with the head; `failed` is kept for the
  // next pull. Called with the mutex held; returns the event to post after unlocking.
  StatusEvent FinishFirstChunk(DWORD bytes, const Completion* failed);
  // Drive's kHead step, inside the pump call: reads the head, then the call that follows (kNone once posted).
  Call DriveHead(RequestState* state);
  static void PostOrFail(RequestState* state, const StatusEvent& event) noexcept;
  // `data`: where the bytes are (state->readBuffer when null).
  static void PostChunk(RequestState* state, DWORD bytes, const uint8_t* data = nullptr) noexcept;
  // The buffer being filled (mutex held).
  uint8_t* FillBuffer(RequestState* state) const;
  // A chunk of the fill buffer goes to JavaScript (mutex held): with read-ahead the other buffer is filled next.
  // Returns where its bytes are.
  const uint8_t* HandOver(RequestState* state);
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
  Call callKind_ = Call::kNone;   // the call out (callOut_)
  bool ahead_ = false;            // read-ahead (Start's readAhead)
  int fill_ = 0;                  // the buffer being filled: 0 state->readBuffer, 1 state->spareBuffer
  bool held_ = false;             // read-ahead stopped with a complete chunk (full, the end or a kept error)
  // A thread is driving the chain (handling a completion or issuing the next call): a pull meanwhile only sets
  // pulling_, which that thread reads before it stops. With read-ahead a completion and a pull can meet.
  bool busy_ = false;
  Chain chain_ = Chain::kNone;
  DWORD firstBytes_ = 0;          // the first chunk's capacity
  bool announceSend_ = false;     // SENDREQUEST_COMPLETE goes to JavaScript too (ChainResponse)
  bool headRead_ = false;         // headText_ holds the head
  std::atomic<DWORD_PTR> chainApi_{0};
  std::atomic<DWORD_PTR> lostApi_{0};  // chainApi_ when the first notification was lost (NoteLoss)
  std::u16string headText_;       // the status code, '\n', the raw CRLF head (WINHTTP_QUERY_RAW_HEADERS_CRLF)
};
