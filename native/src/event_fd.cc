#include "event_fd.h"

#include <sys/eventfd.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "args.h"
#include "errno_error.h"

namespace armvirt {
namespace {

Napi::Value EventFdCreate(const Napi::CallbackInfo& info) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) {
    ThrowErrno(info.Env(), errno, "eventfd");
    return info.Env().Undefined();
  }
  return Napi::Number::New(info.Env(), fd);
}

// eventfdWrite(fd, n): adds n (default 1) to the counter.
Napi::Value EventFdWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t n = 1;
  Args args(info, "eventfdWrite");
  if (!args.Fd(0, "fd", fd) || (info.Length() > 1 && !args.Int(1, "n", n))) {
    return env.Undefined();
  }
  uint64_t value = uint64_t(n);
  ssize_t r;
  do r = write(fd, &value, sizeof value);
  while (r < 0 && errno == EINTR);
  if (r < 0) ThrowErrno(env, errno, "write eventfd " + std::to_string(fd));
  return env.Undefined();
}

// eventfdRead(fd): the counter, reset to zero; 0 when nothing was signalled (the fd is non-blocking).
Napi::Value EventFdRead(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!Args(info, "eventfdRead").Fd(0, "fd", fd)) return env.Undefined();
  uint64_t value = 0;
  ssize_t r;
  do r = read(fd, &value, sizeof value);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EAGAIN) {
    ThrowErrno(env, errno, "read eventfd " + std::to_string(fd));
    return env.Undefined();
  }
  return Napi::Number::New(env, r < 0 ? 0.0 : double(value));
}

// The libuv side of a poller. Separate from the JS object because uv_close completes after the object may
// be gone; freed in the close callback.
struct PollState {
  uv_poll_t handle;
  napi_env env;
  Napi::FunctionReference callback;
  bool active = false;
};

// new EventFdPoller(fd, callback): once start()ed, calls callback() the next time fd is readable, then stops
// (one shot: the counter is read by the caller, later, and start() re-arms). callback(errnoName) on error.
class EventFdPoller : public Napi::ObjectWrap<EventFdPoller> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "EventFdPoller",
                       {InstanceMethod("start", &EventFdPoller::Start), InstanceMethod("stop", &EventFdPoller::Stop),
                        InstanceMethod("close", &EventFdPoller::Close)});
  }

  explicit EventFdPoller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EventFdPoller>(info) {
    Napi::Env env = info.Env();
    int fd;
    Napi::Function callback;
    Args args(info, "EventFdPoller");
    if (!args.Fd(0, "fd", fd) || !args.Function(1, "callback", callback)) return;
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
      Napi::Error::New(env, "EventFdPoller: no event loop").ThrowAsJavaScriptException();
      return;
    }
    auto* state = new PollState();
    int err = uv_poll_init(loop, &state->handle, fd);
    if (err < 0) {
      delete state;
      ThrowErrno(env, -err, "uv_poll_init fd " + std::to_string(fd));
      return;
    }
    state->env = env;
    state->callback = Napi::Persistent(callback);
    state->handle.data = state;
    state_ = state;
  }

  ~EventFdPoller() override { Release(); }

 private:
  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* state = static_cast<PollState*>(handle->data);
    uv_poll_stop(handle);
    state->active = false;
    Napi::Env env(state->env);
    Napi::HandleScope scope(env);
    napi_value arg = status < 0 ? Napi::String::New(env, uv_err_name(status)) : env.Undefined();
    state->callback.MakeCallback(env.Global(), {arg});
    if (env.IsExceptionPending()) {
      // Same as a throwing timer callback: the process's uncaught-exception path.
      napi_fatal_exception(env, env.GetAndClearPendingException().Value());
    }
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (state_ == nullptr) {
      Napi::Error::New(info.Env(), "EventFdPoller: closed").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    if (!state_->active) {
      int err = uv_poll_start(&state_->handle, UV_READABLE, OnReadable);
      if (err < 0) {
        ThrowErrno(info.Env(), -err, "uv_poll_start");
        return info.Env().Undefined();
      }
      state_->active = true;
    }
    return info.Env().Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (state_ != nullptr && state_->active) {
      uv_poll_stop(&state_->handle);
      state_->active = false;
    }
    return info.Env().Undefined();
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Release();
    return info.Env().Undefined();
  }

  void Release() {
    if (state_ == nullptr) return;
    uv_close(reinterpret_cast<uv_handle_t*>(&state_->handle),
             [](uv_handle_t* handle) { delete static_cast<PollState*>(handle->data); });
    state_ = nullptr;
  }

  PollState* state_ = nullptr;
};

}  // namespace

void EventFdInit(Napi::Env env, Napi::Object exports) {
  exports.Set("eventfdCreate", Napi::Function::New(env, EventFdCreate, "eventfdCreate"));
  exports.Set("eventfdWrite", Napi::Function::New(env, EventFdWrite, "eventfdWrite"));
  exports.Set("eventfdRead", Napi::Function::New(env, EventFdRead, "eventfdRead"));
  exports.Set("EventFdPoller", EventFdPoller::Init(env));
}

}  // namespace armvirt
