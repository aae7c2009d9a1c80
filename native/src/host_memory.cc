#include "host_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace armvirt {

// allocateHostMemory(size): ArrayBuffer backed by an anonymous shared mapping, unmapped when collected.
Napi::Value AllocateHostMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "allocateHostMemory(size): size must be a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double requested = info[0].As<Napi::Number>().DoubleValue();
  if (requested <= 0 || requested > double(1ull << 40) || requested != double(uint64_t(requested)) ||
      (uint64_t(requested) & 0xfff) != 0) {
    Napi::RangeError::New(env, "allocateHostMemory: size " + std::to_string(requested) +
                                   " is not a positive multiple of 4096 below 1 TiB")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  size_t size = size_t(requested);
  void* ptr = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ptr == MAP_FAILED) {
    Napi::Error::New(env, std::string("allocateHostMemory: mmap of ") + std::to_string(size) +
                              " bytes failed: " + strerror(errno))
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::ArrayBuffer::New(env, ptr, size, [size](Napi::Env, void* data) { munmap(data, size); });
}

}  // namespace armvirt
