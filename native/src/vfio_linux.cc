#include "vfio_linux.h"

#include <fcntl.h>
#include <linux/vfio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "errno_error.h"

namespace armvirt {
namespace {

// The ABI src/vfio/uapi.ts and src/vfio/linux/layout.ts hard-code, checked against the header at build time.
static_assert(VFIO_API_VERSION == 0);
static_assert(VFIO_GET_API_VERSION == 0x3B64 && VFIO_CHECK_EXTENSION == 0x3B65 && VFIO_SET_IOMMU == 0x3B66);
static_assert(VFIO_GROUP_GET_STATUS == 0x3B67 && VFIO_GROUP_SET_CONTAINER == 0x3B68);
static_assert(VFIO_GROUP_UNSET_CONTAINER == 0x3B69 && VFIO_GROUP_GET_DEVICE_FD == 0x3B6A);
static_assert(VFIO_DEVICE_GET_INFO == 0x3B6B && VFIO_DEVICE_GET_REGION_INFO == 0x3B6C);
static_assert(VFIO_DEVICE_GET_IRQ_INFO == 0x3B6D && VFIO_DEVICE_SET_IRQS == 0x3B6E && VFIO_DEVICE_RESET == 0x3B6F);
static_assert(VFIO_IOMMU_GET_INFO == 0x3B70 && VFIO_IOMMU_MAP_DMA == 0x3B71 && VFIO_IOMMU_UNMAP_DMA == 0x3B72);

static_assert(sizeof(vfio_group_status) == 8);
// Headers before the uapi gained `__u32 pad` (Linux 6.1's among them) end vfio_device_info at cap_offset:
// 20 bytes. TS sends argsz 24 either way; the kernel needs offsetofend(num_irqs) and copies no more back.
static_assert((sizeof(vfio_device_info) == 20 || sizeof(vfio_device_info) == 24) &&
              offsetof(vfio_device_info, num_regions) == 8 && offsetof(vfio_device_info, num_irqs) == 12 &&
              offsetof(vfio_device_info, cap_offset) == 16);
static_assert(sizeof(vfio_region_info) == 32 && offsetof(vfio_region_info, index) == 8 &&
              offsetof(vfio_region_info, size) == 16 && offsetof(vfio_region_info, offset) == 24);
static_assert(sizeof(vfio_irq_info) == 16 && offsetof(vfio_irq_info, index) == 8 &&
              offsetof(vfio_irq_info, count) == 12);
static_assert(sizeof(vfio_irq_set) == 20 && offsetof(vfio_irq_set, index) == 8 && offsetof(vfio_irq_set, start) == 12 &&
              offsetof(vfio_irq_set, count) == 16 && offsetof(vfio_irq_set, data) == 20);
static_assert(sizeof(vfio_iommu_type1_info) == 24 && offsetof(vfio_iommu_type1_info, iova_pgsizes) == 8);
static_assert(sizeof(vfio_iommu_type1_dma_map) == 32 && offsetof(vfio_iommu_type1_dma_map, vaddr) == 8 &&
              offsetof(vfio_iommu_type1_dma_map, iova) == 16 && offsetof(vfio_iommu_type1_dma_map, size) == 24);
static_assert(sizeof(vfio_iommu_type1_dma_unmap) == 24 && offsetof(vfio_iommu_type1_dma_unmap, iova) == 8 &&
              offsetof(vfio_iommu_type1_dma_unmap, size) == 16);

// What each VFIO ioctl takes as its argument; the binding refuses any other request number.
enum class Arg { kNone, kValue, kStruct, kFdPointer, kString };

struct IoctlSpec {
  unsigned long request;
  const char* name;
  Arg arg;
  size_t minSize;  // kStruct: the fixed part the kernel always copies in
};

#define VFIO_IOCTL_SPEC(name, arg, size) \
  { name, #name, arg, size }
const IoctlSpec kIoctls[] = {
    VFIO_IOCTL_SPEC(VFIO_GET_API_VERSION, Arg::kNone, 0),
    VFIO_IOCTL_SPEC(VFIO_CHECK_EXTENSION, Arg::kValue, 0),
    VFIO_IOCTL_SPEC(VFIO_SET_IOMMU, Arg::kValue, 0),
    VFIO_IOCTL_SPEC(VFIO_GROUP_GET_STATUS, Arg::kStruct, sizeof(vfio_group_status)),
    VFIO_IOCTL_SPEC(VFIO_GROUP_SET_CONTAINER, Arg::kFdPointer, sizeof(int32_t)),
    VFIO_IOCTL_SPEC(VFIO_GROUP_UNSET_CONTAINER, Arg::kNone, 0),
    VFIO_IOCTL_SPEC(VFIO_GROUP_GET_DEVICE_FD, Arg::kString, 0),
    VFIO_IOCTL_SPEC(VFIO_DEVICE_GET_INFO, Arg::kStruct, sizeof(vfio_device_info)),
    VFIO_IOCTL_SPEC(VFIO_DEVICE_GET_REGION_INFO, Arg::kStruct, sizeof(vfio_region_info)),
    VFIO_IOCTL_SPEC(VFIO_DEVICE_GET_IRQ_INFO, Arg::kStruct, sizeof(vfio_irq_info)),
    VFIO_IOCTL_SPEC(VFIO_DEVICE_SET_IRQS, Arg::kStruct, sizeof(vfio_irq_set)),
    VFIO_IOCTL_SPEC(VFIO_DEVICE_RESET, Arg::kNone, 0),
    VFIO_IOCTL_SPEC(VFIO_IOMMU_GET_INFO, Arg::kStruct, sizeof(vfio_iommu_type1_info)),
    VFIO_IOCTL_SPEC(VFIO_IOMMU_MAP_DMA, Arg::kStruct, sizeof(vfio_iommu_type1_dma_map)),
    VFIO_IOCTL_SPEC(VFIO_IOMMU_UNMAP_DMA, Arg::kStruct, sizeof(vfio_iommu_type1_dma_unmap)),
};
#undef VFIO_IOCTL_SPEC

const IoctlSpec* FindIoctl(unsigned long request) {
  for (const IoctlSpec& spec : kIoctls) {
    if (spec.request == request) return &spec;
  }
  return nullptr;
}

// open(path, flags): a file descriptor (always O_CLOEXEC: a child process must not inherit device access).
Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t flags;
  std::string path;
  Args args(info, "open");
  if (!args.String(0, "path", path) || !args.Int(1, "flags", flags)) return env.Undefined();
  int fd;
  do {
    fd = open(path.c_str(), int(flags) | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    ThrowErrno(env, errno, "open " + path);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  if (!Args(info, "close").Fd(0, "fd", fd)) return env.Undefined();
  // Linux releases the descriptor even when close reports EINTR, so it is never retried.
  if (close(fd) < 0 && errno != EINTR) ThrowErrno(env, errno, "close fd " + std::to_string(fd));
  return env.Undefined();
}

// ioctl(fd, request, arg): the ioctl's return value. `arg` is what the request takes: nothing, a number,
// or a Uint8Array holding the struct (argsz first; the kernel reads and writes it in place), the container
// fd (int32) or a NUL-terminated device name.
Napi::Value Ioctl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t request;
  Args args(info, "ioctl");
  if (!args.Fd(0, "fd", fd) || !args.Int(1, "request", request)) return env.Undefined();
  const IoctlSpec* spec = FindIoctl(static_cast<unsigned long>(request));
  if (spec == nullptr) {
    Napi::RangeError::New(env, "ioctl: request " + std::to_string(request) + " is not a VFIO ioctl")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto fail = [&](const std::string& why) {
    Napi::TypeError::New(env, std::string(spec->name) + ": " + why).ThrowAsJavaScriptException();
    return env.Undefined();
  };
  int ret;
  if (spec->arg == Arg::kNone) {
    do ret = ioctl(fd, spec->request);
    while (ret < 0 && errno == EINTR);
  } else if (spec->arg == Arg::kValue) {
    int64_t value;
    if (!Args(info, spec->name).Int(2, "arg", value)) return env.Undefined();
    do ret = ioctl(fd, spec->request, static_cast<unsigned long>(value));
    while (ret < 0 && errno == EINTR);
  } else {
    Napi::Uint8Array bytes;
    if (!Args(info, spec->name).Uint8Array(2, "arg", bytes)) return env.Undefined();
    uint8_t* data = bytes.Data();
    size_t length = bytes.ByteLength();
    if (spec->arg == Arg::kStruct) {
      if (length < spec->minSize) {
        return fail(std::to_string(length) + " bytes is shorter than the struct (" + std::to_string(spec->minSize) +
                    ")");
      }
      uint32_t argsz;
      memcpy(&argsz, data, sizeof argsz);
      // The kernel trusts argsz for the trailing data: it must not reach past the buffer.
      if (argsz > length) {
        return fail("argsz " + std::to_string(argsz) + " is larger than the buffer (" + std::to_string(length) + ")");
      }
    } else if (spec->arg == Arg::kFdPointer) {
      if (length != sizeof(int32_t)) return fail("the argument must hold one int32 file descriptor");
    } else if (memchr(data, 0, length) == nullptr) {
      return fail("the device name must be NUL-terminated");
    }
    do ret = ioctl(fd, spec->request, data);
    while (ret < 0 && errno == EINTR);
  }
  if (ret < 0) {
    ThrowErrno(env, errno, spec->name);
    return env.Undefined();
  }
  return Napi::Number::New(env, ret);
}

// pread(fd, offset, length): a Buffer of the bytes read (fewer at the end of a region).
Napi::Value Pread(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t offset, length;
  Args args(info, "pread");
  if (!args.Fd(0, "fd", fd) || !args.Int(1, "offset", offset) || !args.Int(2, "length", length)) {
    return env.Undefined();
  }
  if (offset < 0 || length < 0 || length > (1 << 30)) {
    Napi::RangeError::New(
        env, "pread: offset " + std::to_string(offset) + " / length " + std::to_string(length) + " out of range")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<uint8_t> data(static_cast<size_t>(length));
  ssize_t n;
  do n = pread(fd, data.data(), data.size(), off_t(offset));
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    ThrowErrno(env, errno, "pread fd " + std::to_string(fd) + " at " + std::to_string(offset));
    return env.Undefined();
  }
  return Napi::Buffer<uint8_t>::Copy(env, data.data(), size_t(n));
}

// pwrite(fd, offset, data): the number of bytes written.
Napi::Value Pwrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd;
  int64_t offset;
  Napi::Uint8Array data;
  Args args(info, "pwrite");
  if (!args.Fd(0, "fd", fd) || !args.Int(1, "offset", offset) || !args.Uint8Array(2, "data", data))
    return env.Undefined();
  if (offset < 0) {
    args.Range(1, "offset", "(" + std::to_string(offset) + ") is negative");
    return env.Undefined();
  }
  ssize_t n;
  do n = pwrite(fd, data.Data(), data.ByteLength(), off_t(offset));
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    ThrowErrno(env, errno, "pwrite fd " + std::to_string(fd) + " at " + std::to_string(offset));
    return env.Undefined();
  }
  return Napi::Number::New(env, double(n));
}

}  // namespace

// The uapi as this system's header has it, for tests that compare src/vfio/uapi.ts and the TS marshalling.
Napi::Value VfioLayout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object layout = Napi::Object::New(env);

  Napi::Object ioctls = Napi::Object::New(env);
  for (const IoctlSpec& spec : kIoctls) ioctls.Set(spec.name + strlen("VFIO_"), double(spec.request));
  layout.Set("ioctl", ioctls);

  Napi::Object sizes = Napi::Object::New(env);
  sizes.Set("group_status", double(sizeof(vfio_group_status)));
  sizes.Set("device_info", double(sizeof(vfio_device_info)));
  sizes.Set("region_info", double(sizeof(vfio_region_info)));
  sizes.Set("irq_info", double(sizeof(vfio_irq_info)));
  sizes.Set("irq_set", double(sizeof(vfio_irq_set)));
  sizes.Set("iommu_type1_info", double(sizeof(vfio_iommu_type1_info)));
  sizes.Set("iommu_type1_dma_map", double(sizeof(vfio_iommu_type1_dma_map)));
  sizes.Set("iommu_type1_dma_unmap", double(sizeof(vfio_iommu_type1_dma_unmap)));
  layout.Set("size", sizes);

  Napi::Object offsets = Napi::Object::New(env);
#define FIELD(s, f) offsets.Set(#s "." #f, double(offsetof(vfio_##s, f)))
  FIELD(group_status, argsz);
  FIELD(group_status, flags);
  FIELD(device_info, argsz);
  FIELD(device_info, flags);
  FIELD(device_info, num_regions);
  FIELD(device_info, num_irqs);
  FIELD(region_info, argsz);
  FIELD(region_info, flags);
  FIELD(region_info, index);
  FIELD(region_info, size);
  FIELD(region_info, offset);
  FIELD(irq_info, argsz);
  FIELD(irq_info, flags);
  FIELD(irq_info, index);
  FIELD(irq_info, count);
  FIELD(irq_set, argsz);
  FIELD(irq_set, flags);
  FIELD(irq_set, index);
  FIELD(irq_set, start);
  FIELD(irq_set, count);
  FIELD(irq_set, data);
  FIELD(iommu_type1_info, argsz);
  FIELD(iommu_type1_info, flags);
  FIELD(iommu_type1_info, iova_pgsizes);
  FIELD(iommu_type1_dma_map, argsz);
  FIELD(iommu_type1_dma_map, flags);
  FIELD(iommu_type1_dma_map, vaddr);
  FIELD(iommu_type1_dma_map, iova);
  FIELD(iommu_type1_dma_map, size);
  FIELD(iommu_type1_dma_unmap, argsz);
  FIELD(iommu_type1_dma_unmap, flags);
  FIELD(iommu_type1_dma_unmap, iova);
  FIELD(iommu_type1_dma_unmap, size);
#undef FIELD
  layout.Set("offset", offsets);

  Napi::Object constants = Napi::Object::New(env);
#define CONSTANT(name) constants.Set(#name, double(name))
  CONSTANT(VFIO_API_VERSION);
  CONSTANT(VFIO_TYPE1_IOMMU);
  CONSTANT(VFIO_TYPE1v2_IOMMU);
  CONSTANT(VFIO_NOIOMMU_IOMMU);
  CONSTANT(VFIO_GROUP_FLAGS_VIABLE);
  CONSTANT(VFIO_GROUP_FLAGS_CONTAINER_SET);
  CONSTANT(VFIO_DEVICE_FLAGS_RESET);
  CONSTANT(VFIO_DEVICE_FLAGS_PCI);
  CONSTANT(VFIO_DEVICE_FLAGS_PLATFORM);
  CONSTANT(VFIO_DEVICE_FLAGS_AMBA);
  CONSTANT(VFIO_REGION_INFO_FLAG_READ);
  CONSTANT(VFIO_REGION_INFO_FLAG_WRITE);
  CONSTANT(VFIO_REGION_INFO_FLAG_MMAP);
  CONSTANT(VFIO_REGION_INFO_FLAG_CAPS);
  CONSTANT(VFIO_IRQ_INFO_EVENTFD);
  CONSTANT(VFIO_IRQ_INFO_MASKABLE);
  CONSTANT(VFIO_IRQ_INFO_AUTOMASKED);
  CONSTANT(VFIO_IRQ_INFO_NORESIZE);
  CONSTANT(VFIO_IRQ_SET_DATA_NONE);
  CONSTANT(VFIO_IRQ_SET_DATA_BOOL);
  CONSTANT(VFIO_IRQ_SET_DATA_EVENTFD);
  CONSTANT(VFIO_IRQ_SET_ACTION_MASK);
  CONSTANT(VFIO_IRQ_SET_ACTION_UNMASK);
  CONSTANT(VFIO_IRQ_SET_ACTION_TRIGGER);
  CONSTANT(VFIO_IRQ_SET_DATA_TYPE_MASK);
  CONSTANT(VFIO_IRQ_SET_ACTION_TYPE_MASK);
  CONSTANT(VFIO_DMA_MAP_FLAG_READ);
  CONSTANT(VFIO_DMA_MAP_FLAG_WRITE);
  CONSTANT(VFIO_IOMMU_INFO_PGSIZES);
#undef CONSTANT
  layout.Set("constant", constants);
  return layout;
}

Napi::Object VfioInit(Napi::Env env) {
  Napi::Object vfio = Napi::Object::New(env);
  vfio.Set("open", Napi::Function::New(env, Open, "open"));
  vfio.Set("close", Napi::Function::New(env, Close, "close"));
  vfio.Set("ioctl", Napi::Function::New(env, Ioctl, "ioctl"));
  vfio.Set("pread", Napi::Function::New(env, Pread, "pread"));
  vfio.Set("pwrite", Napi::Function::New(env, Pwrite, "pwrite"));
  return vfio;
}

}  // namespace armvirt
