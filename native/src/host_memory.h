// Page-aligned host memory for guest RAM and device regions, exposed to JS as an ArrayBuffer without a copy:
// the guest (through uc_mem_map_ptr) and TS device models (DMA) see the same bytes.
#pragma once

#include <napi.h>

namespace armvirt {

Napi::Value AllocateHostMemory(const Napi::CallbackInfo& info);

// mapSharedFile(fd, offset, size, writable): mmap(MAP_SHARED) of a file or device-fd range as an ArrayBuffer
// (a passed-through device region, mapped into the guest like RAM). Unmapped when collected or by
// unmapSharedFile.
Napi::Value MapSharedFile(const Napi::CallbackInfo& info);

// unmapSharedFile(buffer): munmap now and detach the buffer (later accesses see an empty buffer, never freed
// memory). Returns false if it was already unmapped.
Napi::Value UnmapSharedFile(const Napi::CallbackInfo& info);

// hostAddress(buffer): the buffer's address in this process as a bigint (vaddr of VFIO_IOMMU_MAP_DMA).
Napi::Value HostAddress(const Napi::CallbackInfo& info);

}  // namespace armvirt
