// The double's WebSocket handles (double_websocket.h). Each call checks the documented preconditions (a WebSocket
// handle; one send, one receive and one close-or-shutdown at a time; no send or close while a close is pending or
// after it; ERROR_INVALID_OPERATION otherwise, recorded as a violation), takes the script's injected failures of
// Send and Receive (failCalls), and completes on a pool thread, where the
// caller's buffer is read or written: a buffer freed before its completion is an ASan report. Any thread; no lock
// held while a callback runs.
#include <atomic>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <string>
#include "double_world.h"
#include "executor.h"
#include "handle.h"
#include "notifier.h"
#include "winhttp_double.h"

using namespace contract_double;

namespace {

constexpr DWORD kCancelled = ERROR_WINHTTP_OPERATION_CANCELLED;

struct Message {
  std::string bytes;
  bool text = false;
};

// One call waiting for its completion. Indexed by WINHTTP_WEB_SOCKET_OPERATION.
struct Call {
  bool active = false;
  void* buffer = nullptr;
  DWORD length = 0;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE type = WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
  USHORT code = 0;
};

struct Socket {
  std::mutex mutex;  // guards everything below
  std::mt19937_64 random;
  Call calls[4];
  std::string partial;                  // fragments sent so far of the client's current message
  std::deque<Message> inbox;            // the server's messages to the client, in order
  size_t offset = 0;                    // bytes of inbox.front() delivered
  bool serverClosed = false;            // the server's close frame follows the inbox
  USHORT serverCode = 0;
  std::string serverReason;
  bool closeFrameReceived = false;      // delivered: WinHttpWebSocketQueryCloseStatus answers
  bool closeSent = false;               // WinHttpWebSocketShutdown or Close was called
  bool stalled = false;                 // the server says nothing more
  int tasks = 0;                        // scheduled, not yet finished
  bool closed = false;                  // WinHttpCloseHandle
  bool closingSent = false;             // HANDLE_CLOSING delivered
};

std::atomic<int64_t> receiveCalls{0};
std::mutex registryMutex;
std::map<Handle*, std::shared_ptr<Socket>> sockets;

std::shared_ptr<Socket> SocketOf(Handle* handle) {
  std::lock_guard<std::mutex> lock(registryMutex);
  auto found = sockets.find(handle);
  return found == sockets.end() ? nullptr : found->second;
}

// An open WebSocket handle and its model, or the error to return.
DWORD Find(HINTERNET value, const char* api, std::shared_ptr<Handle>* handle, std::shared_ptr<Socket>* socket) {
  *handle = Lookup(value, api);
  if (*handle == nullptr) return ERROR_INVALID_HANDLE;
  *socket = SocketOf(handle->get());
  if (*socket == nullptr) {
    World::Get().Violation(std::string(api) + ": not a WebSocket handle");
    return ERROR_WINHTTP_INCORRECT_HANDLE_TYPE;
  }
  return NO_ERROR;
}

DWORD Refuse(const char* api, const char* why) {
  World::Get().Violation(std::string(api) + ": " + why);
  return ERROR_INVALID_OPERATION;
}

// After a task: HANDLE_CLOSING once the handle is closed and nothing is left to complete, always last.
void FinishTask(const std::shared_ptr<Handle>& handle, const std::shared_ptr<Socket>& socket) {
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    if (--socket->tasks > 0 || !socket->closed || socket->closingSent) return;
    for (const Call& call : socket->calls) {
      if (call.active) return;
    }
    socket->closingSent = true;
  }
  {
    std::lock_guard<std::mutex> lock(registryMutex);
    sockets.erase(handle.get());
  }
  {
    std::lock_guard<std::mutex> lock(handle->mutex);
    handle->closed = true;
  }
  Notify(*handle, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, StatusInfo::OfHandle());
}

// Runs `work` on a pool thread after 0-2 ms, counted until it has finished.
void Schedule(const std::shared_ptr<Handle>& handle, const std::shared_ptr<Socket>& socket,
              const std::function<void()>& work) {
  int delayMs;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    ++socket->tasks;
    delayMs = static_cast<int>(socket->random() % 3);
  }
  Executor::Get().After(delayMs, [handle, socket, work] {
    work();
    FinishTask(handle, socket);
  });
}

// Ends `operation` with 12017 if it is still pending (after a close). With the mutex not held.
void FailCancelled(const std::shared_ptr<Handle>& handle, const std::shared_ptr<Socket>& socket, int operation) {
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    if (!socket->calls[operation].active) return;
    socket->calls[operation].active = false;
  }
  Notify(*handle, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR,
          StatusInfo::WebSocketError(static_cast<WINHTTP_WEB_SOCKET_OPERATION>(operation), kCancelled));
}

// A pending receive takes the next piece the server sent, or its close frame; otherwise it stays pending.
void TryReceive(const std::shared_ptr<Handle>& handle, const std::shared_ptr<Socket>& socket) {
  DWORD bytes = 0;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    Call& receive = socket->calls[WINHTTP_WEB_SOCKET_RECEIVE_OPERATION];
    if (!receive.active || socket->closed) return;
    if (!socket->inbox.empty()) {
      const Message& message = socket->inbox.front();
      const size_t rest = message.bytes.size() - socket->offset;
      bytes = static_cast<DWORD>(rest < receive.length ? rest : receive.length);
      // The caller's buffer is written now, at completion time.
      if (bytes > 0) std::memcpy(receive.buffer, message.bytes.data() + socket->offset, bytes);
      const bool last = bytes == rest;
      type = message.text ? (last ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE)
                          : (last ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE);
      socket->offset += bytes;
      if (last) {
        socket->inbox.pop_front();
        socket->offset = 0;
      }
    } else if (socket->serverClosed && !socket->closeFrameReceived) {
      socket->closeFrameReceived = true;
      type = WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE;
    } else {
      return;
    }
    receive.active = false;
  }
  Notify(*handle, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, StatusInfo::WebSocketStatus(bytes, type));
}

// The server's side of a message the client finished sending.
void ServerTakes(Socket& socket, const Message& message) {
  if (socket.stalled) return;
  if (message.text && message.bytes == "stall") {
    socket.stalled = true;
  } else if (message.text && message.bytes.rfind("flood:", 0) == 0) {
    const size_t colon = message.bytes.find(':', 6);
    const int count = std::stoi(message.bytes.substr(6, colon - 6));
    const size_t size = std::stoul(message.bytes.substr(colon + 1));
    for (int i = 0; i < count; ++i) {
      Message flood;
      flood.bytes.resize(size);
      for (size_t j = 0; j < size; ++j) flood.bytes[j] = static_cast<char>((i * 31 + j * 7) & 255);
      socket.inbox.push_back(std::move(flood));
    }
  } else if (message.text && message.bytes.rfind("close:", 0) == 0) {
    socket.serverClosed = true;
    socket.serverCode = static_cast<USHORT>(std::stoi(message.bytes.substr(6)));
    socket.serverReason = "server close";
  } else {
    socket.inbox.push_back(message);
  }
}

void CompleteSend(const std::shared_ptr<Handle>& handle, const std::shared_ptr<Socket>& socket) {
  DWORD length;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE type;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    Call& send = socket->calls[WINHTTP_WEB_SOCKET_SEND_OPERATION];
    if (!send.active || socket->closed) return;
    // The caller's bytes are read now, at completion time.
    socket->partial.append(static_cast<const char*>(send.buffer), send.length);
    length = send.length;
    type = send.type;
    if (type == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE || type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE) {
      ServerTakes(*socket, Message{std::move(socket->partial), type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE});
      socket->partial.clear();
    }
    send.active = false;
  }
  Notify(*handle, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, StatusInfo::WebSocketStatus(length, type));
  TryReceive(handle, socket);
}

// Shutdown: the client's close frame; the server answers with its own, the same code and reason.
// Close: the same, and it completes once the server's close frame is in (WinHttpWebSocketClose reference).
void CompleteClosing(const std::shared_ptr<Handle>& handle, const std::shared_ptr<Socket>& socket, int operation) {
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    Call& call = socket->calls[operation];
    if (!call.active || socket->closed) return;
    const std::string reason(static_cast<const char*>(call.buffer), call.length);  // read at completion time
    // A silent server never answers: a close waits for its frame until the handle is closed.
    if (socket->stalled && operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION) return;
    if (!socket->serverClosed && !socket->stalled) {
      socket->serverClosed = true;
      socket->serverCode = call.code;
      socket->serverReason = reason;
    }
    if (operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION) socket->closeFrameReceived = true;
    call.active = false;
  }
  Notify(*handle, operation == WINHTTP_WEB_SOCKET_CLOSE_OPERATION ? WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE
                                                                          : WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE,
          StatusInfo::None());
  TryReceive(handle, socket);
}

DWORD StartClosing(HINTERNET value, const char* api, int operation, USHORT code, void* reason, DWORD length) {
  if (length > WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH || (reason == nullptr && length != 0)) {
    World::Get().Violation(std::string(api) + ": a reason longer than 123 bytes, or missing");
    return ERROR_INVALID_PARAMETER;
  }
  std::shared_ptr<Handle> handle;
  std::shared_ptr<Socket> socket;
  if (const DWORD error = Find(value, api, &handle, &socket)) return error;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    if (socket->calls[WINHTTP_WEB_SOCKET_SEND_OPERATION].active) return Refuse(api, "called while a send is pending");
    if (socket->calls[WINHTTP_WEB_SOCKET_CLOSE_OPERATION].active ||
        socket->calls[WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION].active) {
      return Refuse(api, "called while a close is pending");
    }
    if (operation == WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION && socket->closeSent) {
      return Refuse(api, "the close frame was sent already");
    }
    socket->closeSent = true;
    socket->calls[operation] = Call{true, reason, length, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, code};
  }
  Schedule(handle, socket, [handle, socket, operation] { CompleteClosing(handle, socket, operation); });
  // Shutdown: ERROR_IO_PENDING, its SHUTDOWN_COMPLETE follows (WinHttpWebSocketShutdown reference).
  return operation == WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION ? ERROR_IO_PENDING : NO_ERROR;
}

}  // namespace

namespace contract_double {

void CloseWebSocket(const std::shared_ptr<Handle>& handle) {
  std::shared_ptr<Socket> socket = SocketOf(handle.get());
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    socket->closed = true;
  }
  // Each pending call ends with 12017; the task that finishes last delivers HANDLE_CLOSING.
  Schedule(handle, socket, [handle, socket] {
    for (int operation = 0; operation < 4; ++operation) FailCancelled(handle, socket, operation);
  });
}

int64_t WebSocketReceiveCalls() {
  return receiveCalls.load();
}

}  // namespace contract_double

HINTERNET WinHttpWebSocketCompleteUpgrade(HINTERNET request, DWORD_PTR context) {
  const char* api = "WinHttpWebSocketCompleteUpgrade";
  const std::shared_ptr<Handle> parent = Lookup(request, api);
  if (parent == nullptr) return nullptr;
  bool upgraded;
  {
    std::lock_guard<std::mutex> lock(parent->mutex);
    const RequestModel* model = parent->request.get();
    upgraded = model != nullptr && !model->op && model->phase == Phase::kHeaders && model->answer.status == 101 &&
               parent->options.count(WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET) != 0;
  }
  if (!upgraded) {
    SetLastError(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    return nullptr;
  }
  auto handle = std::make_shared<Handle>(Kind::kWebSocket, parent->parent);
  {
    std::lock_guard<std::mutex> lock(parent->mutex);
    handle->callback = parent->callback;
    handle->notifications = parent->notifications;
  }
  handle->context = context;
  auto socket = std::make_shared<Socket>();
  socket->random.seed(World::Get().script()->seed);
  {
    std::lock_guard<std::mutex> lock(registryMutex);
    sockets[handle.get()] = socket;
  }
  const HINTERNET value = Register(handle);
  Notify(*handle, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, StatusInfo::OfHandle());
  return value;
}

DWORD WinHttpWebSocketSend(HINTERNET value, WINHTTP_WEB_SOCKET_BUFFER_TYPE type, void* buffer, DWORD length) {
  const char* api = "WinHttpWebSocketSend";
  if (type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE || (buffer == nullptr && length != 0)) {
    World::Get().Violation(std::string(api) + ": not a data buffer type, or no buffer");
    return ERROR_INVALID_PARAMETER;
  }
  std::shared_ptr<Handle> handle;
  std::shared_ptr<Socket> socket;
  if (const DWORD error = Find(value, api, &handle, &socket)) return error;
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) return injected;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    if (socket->calls[WINHTTP_WEB_SOCKET_SEND_OPERATION].active) return Refuse(api, "another send is pending");
    if (socket->closeSent) return Refuse(api, "called after the close frame was sent");
    socket->calls[WINHTTP_WEB_SOCKET_SEND_OPERATION] = Call{true, buffer, length, type, 0};
  }
  Schedule(handle, socket, [handle, socket] { CompleteSend(handle, socket); });
  return NO_ERROR;
}

DWORD WinHttpWebSocketReceive(HINTERNET value, void* buffer, DWORD length, DWORD* bytesRead,
                              WINHTTP_WEB_SOCKET_BUFFER_TYPE* type) {
  const char* api = "WinHttpWebSocketReceive";
  if (buffer == nullptr || length == 0 || bytesRead == nullptr || type == nullptr) {
    World::Get().Violation(std::string(api) + ": no buffer, or NULL out-parameters");
    return ERROR_INVALID_PARAMETER;
  }
  std::shared_ptr<Handle> handle;
  std::shared_ptr<Socket> socket;
  if (const DWORD error = Find(value, api, &handle, &socket)) return error;
  DWORD injected;
  if (World::Get().TakeCallFault(api, -1, &injected)) return injected;
  {
    std::lock_guard<std::mutex> lock(socket->mutex);
    if (socket->calls[WINHTTP_WEB_SOCKET_RECEIVE_OPERATION].active) return Refuse(api, "another receive is pending");
    if (socket->closeFrameReceived) return Refuse(api, "called after the close frame was received");
    // Asynchronous mode: the out-parameters are not set (WinHttpWebSocketReceive reference).
    socket->calls[WINHTTP_WEB_SOCKET_RECEIVE_OPERATION] = Call{true, buffer, length, WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE, 0};
  }
  ++receiveCalls;
  Schedule(handle, socket, [handle, socket] { TryReceive(handle, socket); });
  return NO_ERROR;
}

DWORD WinHttpWebSocketShutdown(HINTERNET value, USHORT status, void* reason, DWORD reasonLength) {
  return StartClosing(value, "WinHttpWebSocketShutdown", WINHTTP_WEB_SOCKET_SHUTDOWN_OPERATION, status, reason,
                      reasonLength);
}

DWORD WinHttpWebSocketClose(HINTERNET value, USHORT status, void* reason, DWORD reasonLength) {
  return StartClosing(value, "WinHttpWebSocketClose", WINHTTP_WEB_SOCKET_CLOSE_OPERATION, status, reason,
                      reasonLength);
}

DWORD WinHttpWebSocketQueryCloseStatus(HINTERNET value, USHORT* status, void* reason, DWORD reasonLength,
                                       DWORD* reasonLengthConsumed) {
  const char* api = "WinHttpWebSocketQueryCloseStatus";
  if (status == nullptr || reasonLengthConsumed == nullptr) {
    World::Get().Violation(std::string(api) + ": NULL out-parameters");
    return ERROR_INVALID_PARAMETER;
  }
  std::shared_ptr<Handle> handle;
  std::shared_ptr<Socket> socket;
  if (const DWORD error = Find(value, api, &handle, &socket)) return error;
  std::lock_guard<std::mutex> lock(socket->mutex);
  if (!socket->closeFrameReceived) return ERROR_INVALID_OPERATION;  // no close frame yet: documented, no violation
  *status = socket->serverCode;
  *reasonLengthConsumed = static_cast<DWORD>(socket->serverReason.size());
  if (reasonLength < socket->serverReason.size()) return ERROR_INSUFFICIENT_BUFFER;
  if (!socket->serverReason.empty()) std::memcpy(reason, socket->serverReason.data(), socket->serverReason.size());
  return NO_ERROR;
}
