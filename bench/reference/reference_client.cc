// The benchmark's reference client: WinHTTP in asynchronous mode, used directly the way a careful native program
// would, as the physical limit the binding is measured against. One session and one connection handle; the status
// callback (any WinHTTP thread, or under Wine the calling thread inside the WinHTTP call) only copies the
// notification into a completion queue; the main thread drains the queue and makes every WinHTTP call, so no
// callback ever re-enters WinHTTP. Bodies are read with WinHttpReadData straight into a reused 64 KiB buffer
// (read=direct, the default and the faster under Wine 8: one call per 64 KiB instead of two per 8 KiB; read=query
// adds WinHttpQueryDataAvailable before each read and reads what it reported, the strategy request() follows so that
// a streamed response is delivered as it arrives; scripts/bench.js reports it as the client "reference-query").
// read=chained (small only; not in the bench's table, for bench/thread-cpu.js): the status callback itself calls
// WinHttpReceiveResponse after SENDREQUEST_COMPLETE and WinHttpReadData after HEADERS_AVAILABLE and each READ_COMPLETE,
// on the thread WinHTTP called it on, as the addon's exchange() does; only the end and HANDLE_CLOSING are queued. It
// shows what driving WinHTTP from its callbacks costs WinHTTP's threads, apart from anything of the binding's.
// Usage (what scripts/bench.js runs):
//   reference_client.exe <get|small|sequential|inflight|upload> port=P [bytes=N] [concurrency=C] [seconds=S]
//     [warmup=S] [count=K] [warmups=K] [chunk=B] [read=direct|query|chained]
// and it prints one JSON line with the scenario's figures.
#include <windows.h>
#include <winhttp.h>
#include <psapi.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

constexpr DWORD kBufferSize = 64 * 1024;

double Now() {
  static const double frequency = [] {
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    return static_cast<double>(f.QuadPart);
  }();
  LARGE_INTEGER t;
  QueryPerformanceCounter(&t);
  return static_cast<double>(t.QuadPart) / frequency;
}

double CpuSeconds() {
  FILETIME created, exited, kernel, user;
  GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user);
  auto seconds = [](FILETIME f) {
    return (static_cast<double>(f.dwHighDateTime) * 4294967296.0 + f.dwLowDateTime) / 1e7;
  };
  return seconds(kernel) + seconds(user);
}

PROCESS_MEMORY_COUNTERS Memory() {
  PROCESS_MEMORY_COUNTERS counters{};
  GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters));
  return counters;
}

DWORD HandleCount() {
  DWORD count = 0;
  GetProcessHandleCount(GetCurrentProcess(), &count);
  return count;
}

struct Request;

struct Event {
  Request* request;
  DWORD status;
  DWORD value;
};

// Filled by the status callback on any thread, drained by the main thread.
class CompletionQueue {
 public:
  void Push(const Event& event) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      events_.push_back(event);
    }
    ready_.notify_one();
  }
  void TakeAll(std::deque<Event>& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return !events_.empty(); });
    out.swap(events_);
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Event> events_;
};

CompletionQueue queue;

struct Request {
  HINTERNET handle = nullptr;
  double started = 0;
  unsigned long long received = 0;
  unsigned long long toWrite = 0;
  DWORD error = 0;
  long held = -1;  // the server's x-held header, when present
  std::unique_ptr<char[]> buffer;
  std::function<void(Request&)> done;
};

bool chained = false;  // read=chained

// read=chained: makes a small GET's next call on the callback's thread. True if it did (the notification is consumed);
// a call that failed at once is queued as REQUEST_ERROR with its GetLastError().
bool ChainNext(Request& request, DWORD status, DWORD length) {
  BOOL ok = FALSE;
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
      ok = WinHttpReceiveResponse(request.handle, nullptr);
      break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
      if (length == 0) return false;
      request.received += length;
      [[fallthrough]];
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
      ok = WinHttpReadData(request.handle, request.buffer.get(), kBufferSize, nullptr);
      break;
    default:
      return false;
  }
  if (!ok) queue.Push({&request, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, GetLastError()});
  return true;
}

void CALLBACK OnStatus(HINTERNET, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) {
  auto* request = reinterpret_cast<Request*>(context);
  if (request == nullptr) return;
  if (chained && ChainNext(*request, status, length)) return;
  DWORD value = 0;
  switch (status) {
    case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
      value = *static_cast<DWORD*>(info);
      break;
    case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
      value = length;
      break;
    case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
      value = static_cast<WINHTTP_ASYNC_RESULT*>(info)->dwError;
      break;
    case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
    case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
    case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
      break;
    default:
      return;
  }
  queue.Push({request, status, value});
}

// Main thread only: starts requests and advances each one as its completions are drained.
class Client {
 public:
  Client(int port, bool queryFirst, size_t uploadChunk) : queryFirst_(queryFirst), uploadChunk_(uploadChunk, 'u') {
    session_ = WinHttpOpen(L"winhttp-bench-reference", WINHTTP_ACCESS_TYPE_NO_PROXY, WINHTTP_NO_PROXY_NAME,
                           WINHTTP_NO_PROXY_BYPASS, WINHTTP_FLAG_ASYNC);
    WinHttpSetTimeouts(session_, 30000, 60000, 30000, 30000);
    WinHttpSetStatusCallback(session_, OnStatus,
                             WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS | WINHTTP_CALLBACK_FLAG_HANDLES, 0);
    connection_ = WinHttpConnect(session_, L"127.0.0.1", static_cast<INTERNET_PORT>(port), 0);
    if (session_ == nullptr || connection_ == nullptr) Fail("WinHttpOpen/WinHttpConnect");
  }

  // Starts one exchange; done runs on the main thread once the body is read (or the request failed).
  void Start(const wchar_t* method, const std::wstring& path, unsigned long long uploadBytes,
             std::function<void(Request&)> done) {
    auto* request = new Request();
    request->started = Now();
    request->toWrite = uploadBytes;
    request->done = std::move(done);
    if (chained) TakeBuffer(*request);  // the chain reads into it on WinHTTP's threads
    request->handle = WinHttpOpenRequest(connection_, method, path.c_str(), nullptr, WINHTTP_NO_REFERER,
                                         WINHTTP_DEFAULT_ACCEPT_TYPES, 0);
    if (request->handle == nullptr) Fail("WinHttpOpenRequest");
    ++live_;
    // The context is bound at once, before any call that can notify (as the binding does: a context given only to
    // WinHttpSendRequest leaves a window where a notification, HANDLE_CLOSING included, carries none), and rides on
    // the send too.
    DWORD_PTR context = reinterpret_cast<DWORD_PTR>(request);
    if (!WinHttpSetOption(request->handle, WINHTTP_OPTION_CONTEXT_VALUE, &context, sizeof(context))) {
      Fail("WinHttpSetOption(WINHTTP_OPTION_CONTEXT_VALUE)");
    }
    const DWORD total = static_cast<DWORD>(uploadBytes);
    if (!WinHttpSendRequest(request->handle, WINHTTP_NO_ADDITIONAL_HEADERS, 0, WINHTTP_NO_REQUEST_DATA, 0, total,
                            context)) {
      Finish(*request, GetLastError());
    }
  }

  // Drains completions until every request handle has been closed.
  void Run() {
    std::deque<Event> events;
    while (live_ > 0) {
      queue.TakeAll(events);
      for (const Event& event : events) Handle(event);
      events.clear();
    }
  }

  unsigned long long reads() const { return reads_; }

 private:
  [[noreturn]] static void Fail(const char* what) {
    std::printf("{\"error\":\"%s failed: %lu\"}\n", what, GetLastError());
    std::exit(1);
  }

  void Handle(const Event& event) {
    Request& request = *event.request;
    switch (event.status) {
      case WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE:
      case WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE:
        if (event.status == WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE) request.toWrite -= event.value;
        if (request.toWrite > 0) {
          Write(request);
        } else if (!WinHttpReceiveResponse(request.handle, nullptr)) {
          Finish(request, GetLastError());
        }
        break;
      case WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE:
        ReadHeld(request);
        NextRead(request);
        break;
      case WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE:
        if (event.value == 0) {
          Finish(request, 0);
        } else if (!WinHttpReadData(request.handle, request.buffer.get(), std::min(event.value, kBufferSize),
                                    nullptr)) {
          Finish(request, GetLastError());
        }
        break;
      case WINHTTP_CALLBACK_STATUS_READ_COMPLETE:
        if (event.value == 0) {
          Finish(request, 0);
        } else {
          ++reads_;
          request.received += event.value;
          NextRead(request);
        }
        break;
      case WINHTTP_CALLBACK_STATUS_REQUEST_ERROR:
        Finish(request, event.value);
        break;
      case WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING:
        if (request.buffer) spare_.push_back(std::move(request.buffer));
        delete &request;
        --live_;
        break;
    }
  }

  void Write(Request& request) {
    const DWORD size = static_cast<DWORD>(std::min<unsigned long long>(request.toWrite, uploadChunk_.size()));
    if (!WinHttpWriteData(request.handle, uploadChunk_.data(), size, nullptr)) Finish(request, GetLastError());
  }

  void ReadHeld(Request& request) {
    wchar_t value[32];
    DWORD size = sizeof(value);
    if (WinHttpQueryHeaders(request.handle, WINHTTP_QUERY_CUSTOM, L"x-held", value, &size, WINHTTP_NO_HEADER_INDEX)) {
      request.held = std::wcstol(value, nullptr, 10);
    }
  }

  // A spare 64 KiB buffer (or a new one) for the request, unless it has one.
  void TakeBuffer(Request& request) {
    if (request.buffer) return;
    if (spare_.empty()) {
      request.buffer.reset(new char[kBufferSize]);
    } else {
      request.buffer = std::move(spare_.back());
      spare_.pop_back();
    }
  }

  void NextRead(Request& request) {
    TakeBuffer(request);
    const BOOL ok = queryFirst_ ? WinHttpQueryDataAvailable(request.handle, nullptr)
                                : WinHttpReadData(request.handle, request.buffer.get(), kBufferSize, nullptr);
    if (!ok) Finish(request, GetLastError());
  }

  // Reports the exchange, then closes the handle; HANDLE_CLOSING (queued) frees the request.
  void Finish(Request& request, DWORD error) {
    request.error = error;
    request.done(request);
    WinHttpCloseHandle(request.handle);
  }

  bool queryFirst_;
  std::vector<char> uploadChunk_;
  HINTERNET session_ = nullptr;
  HINTERNET connection_ = nullptr;
  int live_ = 0;
  unsigned long long reads_ = 0;
  std::vector<std::unique_ptr<char[]>> spare_;
};

struct Options {
  std::string mode;
  std::map<std::string, std::string> values;
  double Number(const std::string& key, double fallback) const {
    auto it = values.find(key);
    return it == values.end() ? fallback : std::atof(it->second.c_str());
  }
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

double Megabytes(SIZE_T bytes) { return static_cast<double>(bytes) / 1e6; }

// One GET of `bytes` bytes after a warm-up request that opens the keep-alive connection.
void RunGet(Client& client, const Options& options) {
  const auto bytes = static_cast<unsigned long long>(options.Number("bytes", 1 << 20));
  client.Start(L"GET", L"/small", 0, [](Request&) {});
  client.Run();
  const unsigned long long readsBefore = client.reads();
  unsigned long long received = 0;
  DWORD error = 0;
  const double cpu0 = CpuSeconds(), t0 = Now();
  client.Start(L"GET", L"/bytes?n=" + std::to_wstring(bytes), 0, [&](Request& r) {
    received = r.received;
    error = r.error;
  });
  client.Run();
  const double seconds = Now() - t0, cpu = CpuSeconds() - cpu0;
  const unsigned long long reads = client.reads() - readsBefore;
  std::printf("{\"bytes\":%llu,\"seconds\":%.4f,\"mbps\":%.2f,\"cpu_seconds\":%.3f,\"reads\":%llu,\"error\":%lu}\n",
              received, seconds, received / seconds / 1e6, cpu, reads, error);
}

// `concurrency` loops of GET /small for warmup + seconds; only exchanges that start after the warm-up and end
// before the deadline count.
void RunSmall(Client& client, const Options& options) {
  const int concurrency = static_cast<int>(options.Number("concurrency", 1));
  const double warmup = options.Number("warmup", 0.5), seconds = options.Number("seconds", 3);
  const double begin = Now() + warmup, end = begin + seconds;
  std::vector<double> latencies;
  unsigned long errors = 0;
  std::function<void(Request&)> loop = [&](Request& r) {
    const double now = Now();
    if (r.error != 0 || r.received != 200) ++errors;
    else if (r.started >= begin && now <= end) latencies.push_back(now - r.started);
    if (now < end) client.Start(L"GET", L"/small", 0, loop);
  };
  for (int i = 0; i < concurrency; ++i) client.Start(L"GET", L"/small", 0, loop);
  client.Run();
  std::printf("{\"requests\":%zu,\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%lu}\n", latencies.size(),
              latencies.size() / seconds, Percentile(latencies, 0.5) * 1e3, Percentile(latencies, 0.99) * 1e3, errors);
}

// `count` sequential GET /small; working set and handle count (GetProcessHandleCount: Wine 8 always says 0) before,
// after `warmups` requests, and after.
void RunSequential(Client& client, const Options& options) {
  const int count = static_cast<int>(options.Number("count", 10000));
  const int warmups = static_cast<int>(options.Number("warmups", 1000));
  unsigned long errors = 0;
  int left = 0;
  std::function<void(Request&)> next = [&](Request& r) {
    if (r.error != 0 || r.received != 200) ++errors;
    if (--left > 0) client.Start(L"GET", L"/small", 0, next);
  };
  left = warmups;
  client.Start(L"GET", L"/small", 0, next);
  client.Run();
  const SIZE_T rss0 = Memory().WorkingSetSize;
  const DWORD handles0 = HandleCount();
  left = count;
  const double t0 = Now();
  client.Start(L"GET", L"/small", 0, next);
  client.Run();
  const double seconds = Now() - t0;
  const SIZE_T rss1 = Memory().WorkingSetSize;
  std::printf("{\"count\":%d,\"rps\":%.1f,\"rss_before_mb\":%.2f,\"rss_after_mb\":%.2f,\"handles_before\":%lu,"
              "\"handles_after\":%lu,\"errors\":%lu}\n",
              count, count / seconds, Megabytes(rss0), Megabytes(rss1), handles0, HandleCount(), errors);
}

// `count` GET /hold?n=count at once: the server answers when all are held (or after 2 s), and its x-held header
// says how many were in flight together; peak working set growth is divided by the most seen together.
void RunInflight(Client& client, const Options& options) {
  const int count = static_cast<int>(options.Number("count", 1000));
  client.Start(L"GET", L"/small", 0, [](Request&) {});
  client.Run();
  const SIZE_T rss0 = Memory().WorkingSetSize;
  const std::wstring path = L"/hold?n=" + std::to_wstring(count);
  int completed = 0;
  long maxHeld = 0;
  std::map<DWORD, int> errors;
  const double t0 = Now();
  for (int i = 0; i < count; ++i) {
    client.Start(L"GET", path, 0, [&](Request& r) {
      if (r.error != 0) {
        ++errors[r.error];
      } else {
        ++completed;
        maxHeld = std::max(maxHeld, r.held);
      }
    });
  }
  client.Run();
  const double seconds = Now() - t0;
  const SIZE_T peak = Memory().PeakWorkingSetSize;
  std::string errorText;
  for (const auto& [code, n] : errors) {
    errorText += (errorText.empty() ? "" : ",") + std::to_string(code) + "x" + std::to_string(n);
  }
  std::printf("{\"count\":%d,\"completed\":%d,\"max_in_flight\":%ld,\"seconds\":%.3f,\"rss_before_mb\":%.2f,"
              "\"rss_peak_mb\":%.2f,\"kb_per_request\":%.1f,\"errors\":\"%s\"}\n",
              count, completed, maxHeld, seconds, Megabytes(rss0), Megabytes(peak),
              (static_cast<double>(peak) - rss0) / 1024.0 / std::max(maxHeld, 1L), errorText.c_str());
}

// One POST /upload of `bytes` bytes in `chunk`-byte WinHttpWriteData calls.
void RunUpload(Client& client, const Options& options) {
  const auto bytes = static_cast<unsigned long long>(options.Number("bytes", 1 << 20));
  client.Start(L"GET", L"/small", 0, [](Request&) {});
  client.Run();
  DWORD error = 0;
  const double cpu0 = CpuSeconds(), t0 = Now();
  client.Start(L"POST", L"/upload", bytes, [&](Request& r) { error = r.error; });
  client.Run();
  const double seconds = Now() - t0, cpu = CpuSeconds() - cpu0;
  std::printf("{\"bytes\":%llu,\"seconds\":%.4f,\"mbps\":%.2f,\"cpu_seconds\":%.3f,\"error\":%lu}\n", bytes, seconds,
              bytes / seconds / 1e6, cpu, error);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  options.mode = argc > 1 ? argv[1] : "";
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) options.values[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  const std::string read = options.values.count("read") ? options.values["read"] : "direct";
  chained = read == "chained";
  if (chained && options.mode != "small") {
    std::printf("{\"error\":\"read=chained is for the small mode only\"}\n");
    return 2;
  }
  Client client(static_cast<int>(options.Number("port", 0)), read == "query",
                static_cast<size_t>(options.Number("chunk", kBufferSize)));
  const std::map<std::string, void (*)(Client&, const Options&)> modes = {
      {"get", RunGet}, {"small", RunSmall}, {"sequential", RunSequential}, {"inflight", RunInflight},
      {"upload", RunUpload}};
  const auto mode = modes.find(options.mode);
  if (mode == modes.end()) {
    std::printf("{\"error\":\"usage: reference_client.exe <get|small|sequential|inflight|upload> port=P ...\"}\n");
    return 2;
  }
  mode->second(client, options);
  std::fflush(stdout);
  return 0;
}
