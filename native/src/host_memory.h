// Page-aligned host memory for guest RAM and device regions, exposed to JS as an ArrayBuffer without a copy:
// the guest (through uc_mem_map_ptr) and TS device models (DMA) see the same bytes.
#pragma once

#include <napi.h>

namespace armvirt {

Napi::Value AllocateHostMemory(const Napi::CallbackInfo& info);

}  // namespace armvirt
