// Each piece of status information is a fresh heap copy, filled with 0xDD and freed right after the callback.
#include "notifier.h"
#include <cstring>
#include "double_world.h"

namespace contract_double {
namespace {

template <typename T>
void Call(WINHTTP_STATUS_CALLBACK callback, HINTERNET id, DWORD_PTR context, DWORD status, T* info, DWORD length,
          size_t bytes) {
  callback(id, context, status, info, length);
  std::memset(static_cast<void*>(info), 0xDD, bytes);
}

}  // namespace

StatusInfo StatusInfo::Dword(DWORD value) {
  StatusInfo info;
  info.type = Type::kDword;
  info.dword = value;
  return info;
}

StatusInfo StatusInfo::Text(std::wstring value) {
  StatusInfo info;
  info.type = Type::kText;
  info.text = std::move(value);
  return info;
}

StatusInfo StatusInfo::Error(DWORD_PTR api, DWORD error) {
  StatusInfo info;
  info.type = Type::kAsyncResult;
  info.result.dwResult = api;
  info.result.dwError = error;
  return info;
}

StatusInfo StatusInfo::OfHandle() {
  StatusInfo info;
  info.type = Type::kHandle;
  return info;
}

StatusInfo StatusInfo::CallerBuffer(void* buffer, DWORD length) {
  StatusInfo info;
  info.type = Type::kCallerBuffer;
  info.buffer = buffer;
  info.length = length;
  return info;
}

StatusInfo StatusInfo::WebSocketStatus(DWORD bytes, WINHTTP_WEB_SOCKET_BUFFER_TYPE type) {
  StatusInfo info;
  info.type = Type::kWebSocketStatus;
  info.socketStatus.dwBytesTransferred = bytes;
  info.socketStatus.eBufferType = type;
  return info;
}

// dwResult is not documented for WebSocket operations (Operation names the call): 0.
StatusInfo StatusInfo::WebSocketError(WINHTTP_WEB_SOCKET_OPERATION operation, DWORD error) {
  StatusInfo info;
  info.type = Type::kWebSocketError;
  info.socketError.AsyncResult.dwError = error;
  info.socketError.Operation = operation;
  return info;
}

bool Notify(Handle& handle, DWORD status, const StatusInfo& info) {
  WINHTTP_STATUS_CALLBACK callback;
  DWORD_PTR context;
  {
    std::lock_guard<std::mutex> lock(handle.mutex);
    if (handle.callback == nullptr || (handle.notifications & status) == 0) return false;
    callback = handle.callback;
    context = handle.context;
    if (handle.request != nullptr) {
      if (handle.request->dead) {
        World::Get().Violation("double: a notification after HANDLE_CLOSING (a bug in the double itself)");
        return false;
      }
      Trace& trace = handle.request->trace;
      trace.notifications.push_back(status);
      if (info.type == StatusInfo::Type::kAsyncResult) trace.errors.push_back(info.result.dwError);
    }
  }
  World::Get().counters.callbacks.fetch_add(1);
  switch (info.type) {
    case StatusInfo::Type::kNone:
      callback(handle.id, context, status, nullptr, 0);
      break;
    case StatusInfo::Type::kDword: {
      auto* copy = new DWORD(info.dword);
      Call(callback, handle.id, context, status, copy, sizeof(DWORD), sizeof(DWORD));
      delete copy;
      break;
    }
    case StatusInfo::Type::kText: {
      // dwStatusInformationLength counts characters, the terminating null included.
      const size_t length = info.text.size() + 1;
      auto* copy = new WCHAR[length];
      std::memcpy(copy, info.text.c_str(), length * sizeof(WCHAR));
      Call(callback, handle.id, context, status, copy, static_cast<DWORD>(length), length * sizeof(WCHAR));
      delete[] copy;
      break;
    }
    case StatusInfo::Type::kAsyncResult: {
      auto* copy = new WINHTTP_ASYNC_RESULT(info.result);
      Call(callback, handle.id, context, status, copy, sizeof(WINHTTP_ASYNC_RESULT), sizeof(WINHTTP_ASYNC_RESULT));
      delete copy;
      break;
    }
    case StatusInfo::Type::kHandle: {
      auto* copy = new HINTERNET(handle.id);
      Call(callback, handle.id, context, status, copy, sizeof(HINTERNET), sizeof(HINTERNET));
      delete copy;
      break;
    }
    case StatusInfo::Type::kCallerBuffer:
      callback(handle.id, context, status, info.buffer, info.length);
      break;
    case StatusInfo::Type::kWebSocketStatus: {
      auto* copy = new WINHTTP_WEB_SOCKET_STATUS(info.socketStatus);
      Call(callback, handle.id, context, status, copy, sizeof(*copy), sizeof(*copy));
      delete copy;
      break;
    }
    case StatusInfo::Type::kWebSocketError: {
      auto* copy = new WINHTTP_WEB_SOCKET_ASYNC_RESULT(info.socketError);
      Call(callback, handle.id, context, status, copy, sizeof(*copy), sizeof(*copy));
      delete copy;
      break;
    }
  }
  return true;
}

}  // namespace contract_double
