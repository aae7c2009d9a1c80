// Linux VFIO for the TS host backend (src/vfio/linux/): file descriptors, the VFIO ioctls with their structs
// marshalled by TS, pread/pwrite on device fds, and the uapi layout as this system's <linux/vfio.h> has it.
#pragma once

#include <napi.h>

namespace armvirt {

Napi::Object VfioInit(Napi::Env env);

// vfioLayout(): { ioctl, size, offset, constant } as compiled from <linux/vfio.h>.
Napi::Value VfioLayout(const Napi::CallbackInfo& info);

}  // namespace armvirt
