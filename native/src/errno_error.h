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

}  // namespace armvirt
