// Page-aligned host memory for guest RAM and device regions, exposed to JS as an ArrayBuffer without a copy:
// the guest (through uc_mem_map_ptr) and TS device models (DMA) see the same bytes.
#pragma once

#include <napi.h>

#include <cstdint>

namespace armvirt {

Napi::Value AllocateHostMemory(const Napi::CallbackInfo& info);

// mapSharedFile(fd, offset, size, writable): mmap(MAP_SHARED) of a file or device-fd range as an ArrayBuffer
// (a passed-through device region, mapped into the guest like RAM). Unmapped when collected or by
// unmapSharedFile.
Napi::Value MapSharedFile(const Napi::CallbackInfo& info);

// unmapSharedFile(buffer): munmap now and detach the buffer (later accesses see an empty buffer, never freed
// memory). Returns false if it was already unmapped. Refused with an Error naming the block, the vCPU and the
// guest address while a vCPU maps it (see GuestMapping).
Napi::Value UnmapSharedFile(const Napi::CallbackInfo& info);

// hostAddress(buffer): the buffer's address in this process as a bigint (vaddr of VFIO_IOMMU_MAP_DMA).
Napi::Value HostAddress(const Napi::CallbackInfo& info);

// One pointer mapping of a host memory block (an ArrayBuffer's memory, named by its start) into a vCPU's
// engine, noted for as long as the engine holds it: a vCPU keeps one in each of its pointer mappings, so
// unmapping, replacing or closing ends it. Host memory a vCPU still maps is never unmapped by
// unmapSharedFile: the engine would read and write freed pages. (Collection cannot do it: the vCPU holds a
// reference to the buffer while it maps it.)
class GuestMapping {
 public:
  GuestMapping(const void* block, uint32_t vcpuId, uint64_t guestAddress);
  ~GuestMapping();
  GuestMapping(const GuestMapping&) = delete;
  GuestMapping& operator=(const GuestMapping&) = delete;

 private:
  const void* block_;
  uint32_t vcpuId_;
  uint64_t guestAddress_;
};

}  // namespace armvirt
