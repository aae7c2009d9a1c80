// The one way every binding reads its arguments. Each check reads argument `i` of `call`; when it is missing
// or of the wrong type it throws a TypeError naming the call and the argument ("mapPointer: argument 2
// (backing) must be an ArrayBuffer, not a string"), when the value is out of range a RangeError, and returns
// false: the binding then returns at once, before any other N-API call (one more throw would abort Node).
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace armvirt {

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* call) : info_(info), call_(call) {}

  // A Number that is a safe integer.
  bool Int(size_t i, const char* name, int64_t& out) const {
    out = {};
    double d;
    if (!Number(i, name, d)) return false;
    if (d != std::trunc(d) || std::fabs(d) > 9007199254740991.0) {
      return Range(i, name, "(" + Text(d) + ") is not a safe integer");
    }
    out = int64_t(d);
    return true;
  }

  // A safe integer in [0, 2^32).
  bool U32(size_t i, const char* name, uint32_t& out) const {
    return IntIn(i, name, 0, UINT32_MAX, "a 32-bit unsigned integer", out);
  }

  // A non-negative integer Number or a BigInt that fits in 64 bits (guest addresses, register values).
  bool U64(size_t i, const char* name, uint64_t& out) const {
    out = {};
    Napi::Value v = info_[i];
    if (v.IsBigInt()) {
      bool lossless = true;
      out = v.As<Napi::BigInt>().Uint64Value(&lossless);
      return lossless || Range(i, name, "does not fit in 64 unsigned bits");
    }
    if (!v.IsNumber()) return Mistyped(i, name, "a number or bigint", info_[i]);
    double d = v.As<Napi::Number>().DoubleValue();
    if (d < 0 || d >= 18446744073709551616.0 || d != std::trunc(d)) {
      return Range(i, name, "(" + Text(d) + ") is not a non-negative integer below 2^64");
    }
    out = uint64_t(d);
    return true;
  }

  // A file descriptor: a safe integer in [0, INT32_MAX].
  bool Fd(size_t i, const char* name, int& out) const { return IntIn(i, name, 0, INT32_MAX, "a file descriptor", out); }

  // Any Number but NaN (deadlines may be Infinity).
  bool Number(size_t i, const char* name, double& out) const {
    out = {};
    if (!info_[i].IsNumber()) return Mistyped(i, name, "a number", info_[i]);
    out = info_[i].As<Napi::Number>().DoubleValue();
    return !std::isnan(out) || Range(i, name, "is NaN");
  }

  bool Bool(size_t i, const char* name, bool& out) const {
    out = {};
    if (!info_[i].IsBoolean()) return Mistyped(i, name, "a boolean", info_[i]);
    out = info_[i].As<Napi::Boolean>().Value();
    return true;
  }

  bool String(size_t i, const char* name, std::string& out) const {
    out = {};
    if (!info_[i].IsString()) return Mistyped(i, name, "a string", info_[i]);
    out = info_[i].As<Napi::String>().Utf8Value();
    return true;
  }

  bool Function(size_t i, const char* name, Napi::Function& out) const {
    return Take(i, name, info_[i].IsFunction(), "a function", out);
  }

  bool Object(size_t i, const char* name, Napi::Object& out) const {
    return Take(i, name, info_[i].IsObject() && !info_[i].IsFunction(), "an object", out);
  }

  bool ArrayBuffer(size_t i, const char* name, Napi::ArrayBuffer& out) const {
    return Take(i, name, info_[i].IsArrayBuffer(), "an ArrayBuffer", out);
  }

  bool Uint8Array(size_t i, const char* name, Napi::Uint8Array& out) const {
    return Take(i, name, IsTypedArrayOf(info_[i], napi_uint8_array), "a Uint8Array", out);
  }

  bool Uint32Array(size_t i, const char* name, Napi::Uint32Array& out) const {
    return Take(i, name, IsTypedArrayOf(info_[i], napi_uint32_array), "a Uint32Array", out);
  }

  // A value of the right type but out of range: a RangeError, named the same way.
  bool Range(size_t i, const char* name, const std::string& what) const {
    Napi::RangeError::New(info_.Env(), Prefix(i, name) + " " + what).ThrowAsJavaScriptException();
    return false;
  }

  // `value` (argument i, or a property of it: name "options.model") is not `expected`: a TypeError.
  bool Mistyped(size_t i, const char* name, const char* expected, Napi::Value value) const {
    Napi::TypeError::New(info_.Env(), Prefix(i, name) + " must be " + expected + ", not " + Describe(value))
        .ThrowAsJavaScriptException();
    return false;
  }

 private:
  template <typename T>
  bool IntIn(size_t i, const char* name, int64_t low, int64_t high, const char* what, T& out) const {
    out = {};
    int64_t v;
    if (!Int(i, name, v)) return false;
    if (v < low || v > high) return Range(i, name, "(" + std::to_string(v) + ") is not " + what);
    out = T(v);
    return true;
  }

  template <typename T>
  bool Take(size_t i, const char* name, bool ok, const char* expected, T& out) const {
    out = {};
    if (!ok) return Mistyped(i, name, expected, info_[i]);
    out = info_[i].As<T>();
    return true;
  }

  static bool IsTypedArrayOf(Napi::Value v, napi_typedarray_type type) {
    return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == type;
  }

  std::string Prefix(size_t i, const char* name) const {
    return std::string(call_) + ": argument " + std::to_string(i + 1) + " (" + name + ")";
  }

  static std::string Text(double d) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", d);
    return buf;
  }

  static std::string Describe(Napi::Value v) {
    switch (v.Type()) {
      case napi_undefined:
        return "undefined (missing?)";
      case napi_null:
        return "null";
      case napi_boolean:
        return "a boolean";
      case napi_number:
        return "a number";
      case napi_string:
        return "a string";
      case napi_symbol:
        return "a symbol";
      case napi_bigint:
        return "a bigint";
      case napi_function:
        return "a function";
      default:
        break;
    }
    if (v.IsTypedArray()) return "a typed array of another kind";
    if (v.IsArrayBuffer()) return "an ArrayBuffer";
    return "an object";
  }

  const Napi::CallbackInfo& info_;
  const char* call_;
};

}  // namespace armvirt
