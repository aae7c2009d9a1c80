#include "host_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "args.h"
#include "errno_error.h"

namespace armvirt {

namespace {
// An external ArrayBuffer is made as a Node Buffer, at most 4 GiB (node::Buffer::kMaxLength, the most a
// typed array views). Past that, Node runs the finalizer and node-addon-api frees its data again: a double
// free. Larger guest RAM is made of several buffers.
constexpr uint64_t kMaxBufferBytes = uint64_t(1) << 32;
}  // namespace

// allocateHostMemory(size): ArrayBuffer backed by an anonymous shared mapping, unmapped when collected.
Napi::Value AllocateHostMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double requested;
  if (!Args(info, "allocateHostMemory").Number(0, "size", requested)) return env.Undefined();
  if (requested <= 0 || requested > double(kMaxBufferBytes) || requested != double(uint64_t(requested)) ||
      (uint64_t(requested) & 0xfff) != 0) {
    Napi::RangeError::New(env, "allocateHostMemory: size " + std::to_string(requested) +
                                   " is not a positive multiple of 4096 of at most 4 GiB")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  size_t size = size_t(requested);
  void* ptr = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ptr == MAP_FAILED) {
    Napi::Error::New(
        env, std::string("allocateHostMemory: mmap of ") + std::to_string(size) + " bytes failed: " + strerror(errno))
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::ArrayBuffer::New(env, ptr, size, [size](Napi::Env, void* data) { munmap(data, size); });
}

namespace {

// One mmap made by MapSharedFile. Owned by its ArrayBuffer's finalizer; listed in `live` while mapped so that
// UnmapSharedFile only ever unmaps what MapSharedFile mapped.
struct SharedMapping {
  void* address;
  size_t size;
  bool mapped;
};

std::mutex liveLock;
std::unordered_map<void*, SharedMapping*> live;

// Who maps which block into a guest (GuestMapping), by the block's start; under liveLock.
struct GuestUser {
  uint32_t vcpuId;
  uint64_t guestAddress;
};
std::unordered_multimap<const void*, GuestUser> guestUsers;

// Why `block` may not be unmapped now, or "" when no vCPU maps it. Called under liveLock.
std::string GuestUseOf(const void* block, size_t size) {
  auto it = guestUsers.find(block);
  if (it == guestUsers.end()) return "";
  char text[200];
  snprintf(text, sizeof text,
           "the host memory block at %p (%#zx bytes) is still mapped by vCPU %u at guest physical address %#llx: "
           "unmap it from the guest (or close the vCPU) first",
           block, size, it->second.vcpuId, static_cast<unsigned long long>(it->second.guestAddress));
  return text;
}

void Release(SharedMapping* m) {
  std::lock_guard<std::mutex> guard(liveLock);
  if (!m->mapped) return;
  munmap(m->address, m->size);
  m->mapped = false;
  auto it = live.find(m->address);
  if (it != live.end() && it->second == m) live.erase(it);
}

}  // namespace

Napi::Value MapSharedFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t offset, size;
  bool writable;
  Args args(info, "mapSharedFile");
  if (!args.Fd(0, "fd", fd) || !args.Int(1, "offset", offset) || !args.Int(2, "size", size) ||
      !args.Bool(3, "writable", writable)) {
    return env.Undefined();
  }
  if (offset < 0 || (offset & 0xfff) != 0 || size <= 0 || (size & 0xfff) != 0 || uint64_t(size) > kMaxBufferBytes) {
    Napi::RangeError::New(env, "mapSharedFile: offset " + std::to_string(offset) + " and size " + std::to_string(size) +
                                   " must be page-aligned, the size positive and at most 4 GiB")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int prot = PROT_READ | (writable ? PROT_WRITE : 0);
  void* ptr = mmap(nullptr, size_t(size), prot, MAP_SHARED, fd, off_t(offset));
  if (ptr == MAP_FAILED) {
    ThrowErrno(
        env, errno,
        "mmap fd " + std::to_string(fd) + " at " + std::to_string(offset) + " (" + std::to_string(size) + " bytes)");
    return env.Undefined();
  }
  auto* mapping = new SharedMapping{ptr, size_t(size), true};
  {
    std::lock_guard<std::mutex> guard(liveLock);
    live[ptr] = mapping;
  }
  return Napi::ArrayBuffer::New(
      env, ptr, size_t(size),
      [](Napi::Env, void*, SharedMapping* m) {
        Release(m);
        delete m;
      },
      mapping);
}

Napi::Value UnmapSharedFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::ArrayBuffer buffer;
  if (!Args(info, "unmapSharedFile").ArrayBuffer(0, "buffer", buffer)) return env.Undefined();
  if (buffer.IsDetached()) return Napi::Boolean::New(env, false);
  SharedMapping* mapping = nullptr;
  std::string inUse;
  {
    std::lock_guard<std::mutex> guard(liveLock);
    auto it = live.find(buffer.Data());
    if (it != live.end()) mapping = it->second;
    inUse = GuestUseOf(buffer.Data(), buffer.ByteLength());
  }
  if (mapping == nullptr || mapping->size != buffer.ByteLength()) {
    Napi::TypeError::New(env, "unmapSharedFile: the buffer was not made by mapSharedFile").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!inUse.empty()) {
    Napi::Error::New(env, "unmapSharedFile: " + inUse).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // No JS runs between the two, and the finalizer (which frees `mapping`) may run inside Detach.
  Release(mapping);
  buffer.Detach();
  return Napi::Boolean::New(env, true);
}

Napi::Value HostAddress(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::ArrayBuffer buffer;
  Args args(info, "hostAddress");
  if (!args.ArrayBuffer(0, "buffer", buffer)) return env.Undefined();
  if (buffer.IsDetached()) {
    args.Range(0, "buffer", "is detached (its memory was given back)");
    return env.Undefined();
  }
  return Napi::BigInt::New(env, uint64_t(reinterpret_cast<uintptr_t>(buffer.Data())));
}

GuestMapping::GuestMapping(const void* block, uint32_t vcpuId, uint64_t guestAddress)
    : block_(block), vcpuId_(vcpuId), guestAddress_(guestAddress) {
  std::lock_guard<std::mutex> guard(liveLock);
  guestUsers.emplace(block, GuestUser{vcpuId, guestAddress});
}

GuestMapping::~GuestMapping() {
  std::lock_guard<std::mutex> guard(liveLock);
  auto [first, last] = guestUsers.equal_range(block_);
  for (auto it = first; it != last; ++it) {
    if (it->second.vcpuId == vcpuId_ && it->second.guestAddress == guestAddress_) {
      guestUsers.erase(it);
      return;
    }
  }
}

}  // namespace armvirt
