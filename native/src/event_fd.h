// eventfds for VFIO interrupts and their delivery through Node's event loop: the kernel (or JS) signals an
// eventfd, uv_poll notices it between vCPU slices and calls JS, which reads the counter when it dispatches.
#pragma once

#include <napi.h>

namespace armvirt {

// eventfdCreate(), eventfdWrite(fd, n), eventfdRead(fd) and the EventFdPoller class.
void EventFdInit(Napi::Env env, Napi::Object exports);

}  // namespace armvirt
