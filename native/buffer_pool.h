// Read buffers kept for the environment's next requests. A request's read buffer (64 KiB for the first chunk, the
// size JavaScript asks for in read() and pump()) used to be allocated when it was sent and freed at HANDLE_CLOSING:
// under Wine that allocation took ~25 µs of the JS thread per request (exchange() 91 -> 64 µs per call when the first
// chunk was made 4 KiB, c = 16). Blocks come back here only at HANDLE_CLOSING, when WinHTTP can no longer touch them,
// and leave for a buffer that is not in use by any call. JS thread only (one pool per addon instance); no Node-API.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

class BufferPool {
 public:
  // At most this many blocks and bytes are kept; a block given back beyond them is freed.
  static constexpr size_t kMaxBlocks = 16;
  static constexpr size_t kMaxBytes = 2 * 1024 * 1024;

  BufferPool() { blocks_.reserve(kMaxBlocks); }  // so Give() never allocates
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A kept block of at least `size` and at most twice `size` bytes (no waste beyond that), or null.
  std::unique_ptr<uint8_t[]> Take(size_t size, size_t* capacity) noexcept {
    for (size_t i = blocks_.size(); i-- > 0;) {
      if (blocks_[i].capacity < size || blocks_[i].capacity / 2 > size) continue;
      std::unique_ptr<uint8_t[]> data = std::move(blocks_[i].data);
      *capacity = blocks_[i].capacity;
      bytes_ -= blocks_[i].capacity;
      blocks_[i] = std::move(blocks_.back());
      blocks_.pop_back();
      return data;
    }
    return nullptr;
  }

  // Keeps `data` (of `capacity` bytes) for a later Take, or frees it when the pool is full.
  void Give(std::unique_ptr<uint8_t[]> data, size_t capacity) noexcept {
    if (!data || blocks_.size() == kMaxBlocks || bytes_ + capacity > kMaxBytes) return;
    blocks_.push_back(Block{std::move(data), capacity});
    bytes_ += capacity;
  }

  size_t blocks() const { return blocks_.size(); }

 private:
  struct Block {
    std::unique_ptr<uint8_t[]> data;
    size_t capacity;
  };
  std::vector<Block> blocks_;
  size_t bytes_ = 0;
};
