// A failed system call as a JS Error that TS can turn into a typed error: `.errno` is the errno's name
// ('EBUSY', 'ENOENT', ...) and `.operation` says what was attempted ('open /dev/vfio/7', 'VFIO_SET_IOMMU').
#pragma once

#include <napi.h>
#include <uv.h>

#include <cstring>
#include <string>

namespace armvirt {

inline void ThrowErrno(Napi::Env env, int err, const std::string& operation) {
  Napi::Error error = Napi::Error::New(env, operation + ": " + strerror(err));
  // libuv names errnos portably (uv_err_name takes the negated value on Unix).
  error.Set("errno", Napi::String::New(env, uv_err_name(-err)));
  error.Set("operation", Napi::String::New(env, operation));
  error.ThrowAsJavaScriptException();
}

// Argument helpers shared by the host-side bindings: each throws a TypeError naming the call and returns
// false when the argument is unusable.
inline bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* call, int64_t& out) {
  if (info.Length() <= i || !info[i].IsNumber()) {
    Napi::TypeError::New(info.Env(), std::string(call) + ": argument " + std::to_string(i + 1) + " must be a number")
        .ThrowAsJavaScriptException();
    return false;
  }
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (d != double(int64_t(d)) || d < -9007199254740991.0 || d > 9007199254740991.0) {
    Napi::RangeError::New(info.Env(), std::string(call) + ": argument " + std::to_string(i + 1) + " (" +
                                          std::to_string(d) + ") is not a safe integer")
        .ThrowAsJavaScriptException();
    return false;
  }
  out = int64_t(d);
  return true;
}

inline bool ArgFd(const Napi::CallbackInfo& info, size_t i, const char* call, int& fd) {
  int64_t v;
  if (!ArgInt(info, i, call, v)) return false;
  if (v < 0 || v > INT32_MAX) {
    Napi::RangeError::New(info.Env(), std::string(call) + ": " + std::to_string(v) + " is not a file descriptor")
        .ThrowAsJavaScriptException();
    return false;
  }
  fd = int(v);
  return true;
}

}  // namespace armvirt
