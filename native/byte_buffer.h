// A growable byte buffer that WinHTTP reads into or writes from. Unlike std::vector it does not zero-fill what it
// allocates (a read buffer is overwritten by WinHTTP anyway; zero-filling 64 KiB per request showed up in the
// in-flight memory benchmark), and it can be freed once the handle is closed. No Node-API here.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include "buffer_pool.h"

class ByteBuffer {
 public:
  // At least `size` bytes, contents unspecified. Only call while no WinHTTP call uses the buffer.
  uint8_t* Reserve(size_t size) {
    if (capacity_ < size) {
      data_.reset(new uint8_t[size]);
      capacity_ = size;
    }
    return data_.get();
  }

  // Reserve, taking the memory from `pool` when it keeps a block that fits. JS thread (the pool's).
  uint8_t* Reserve(size_t size, BufferPool& pool) {
    if (capacity_ < size) {
      size_t capacity = 0;
      std::unique_ptr<uint8_t[]> kept = pool.Take(size, &capacity);
      if (!kept) return Reserve(size);
      pool.Give(std::move(data_), capacity_);
      data_ = std::move(kept);
      capacity_ = capacity;
    }
    return data_.get();
  }

  // Copies `size` bytes in; returns where they are.
  uint8_t* Assign(const uint8_t* bytes, size_t size) {
    uint8_t* target = Reserve(size);
    if (size > 0) std::memcpy(target, bytes, size);
    size_ = size;
    return target;
  }

  // Adds `size` bytes after those held, keeping them (the capacity at least doubles when it grows). Only call while
  // no WinHTTP call uses the buffer.
  void Append(const uint8_t* bytes, size_t size) {
    if (size_ + size > capacity_) {
      const size_t capacity = std::max(size_ + size, capacity_ * 2);
      std::unique_ptr<uint8_t[]> grown(new uint8_t[capacity]);  // may throw: nothing changed yet
      if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
      data_ = std::move(grown);
      capacity_ = capacity;
    }
    if (size > 0) std::memcpy(data_.get() + size_, bytes, size);
    size_ += size;
  }

  // Forgets the bytes held and keeps the memory.
  void Clear() { size_ = 0; }

  uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

  // Frees the memory: for after HANDLE_CLOSING, when WinHTTP can no longer touch it.
  void Free() {
    data_.reset();
    capacity_ = 0;
    size_ = 0;
  }

  // Free, giving the memory to `pool` for a later request: also only after HANDLE_CLOSING, on the pool's JS thread.
  void Recycle(BufferPool& pool) noexcept {
    pool.Give(std::move(data_), capacity_);
    Free();
  }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};
