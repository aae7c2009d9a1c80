// armvirt's native addon: the Unicorn vCPU, host memory and the Linux VFIO/eventfd calls. Everything else
// lives in TypeScript.
#include <napi.h>
#include <unicorn/unicorn.h>

#include <string>

#include "event_fd.h"
#include "host_memory.h"
#include "vcpu.h"
#include "vfio_linux.h"

// armvirt relies on 2.1 behaviour (docs/engine.md): the engine's CP_REG write rebuilds its cached CPU flags,
// which exception entry needs, and counted runs no longer hang.
#if UC_API_MAJOR < 2 || (UC_API_MAJOR == 2 && UC_API_MINOR < 1)
#error "armvirt needs Unicorn >= 2.1 headers: run 'npm run setup'"
#endif

namespace {

// "2.1.1", from the library loaded at run time (not the headers built against).
std::string EngineVersionText() {
  unsigned major = 0, minor = 0;
  uint32_t packed = uc_version(&major, &minor);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string((packed >> 8) & 0xff);
}

Napi::Value UnicornVersion(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("packed", Napi::Number::New(info.Env(), uc_version(nullptr, nullptr)));
  out.Set("text", EngineVersionText());
  return out;
}

// Unicorn's register ids by name, so the TS side never hard-codes enum values of this build.
Napi::Object RegisterIds(Napi::Env env) {
  Napi::Object ids = Napi::Object::New(env);
  ids.Set("X0", int32_t(UC_ARM64_REG_X0));
  ids.Set("X1", int32_t(UC_ARM64_REG_X1));
  ids.Set("X2", int32_t(UC_ARM64_REG_X2));
  ids.Set("X3", int32_t(UC_ARM64_REG_X3));
  ids.Set("X4", int32_t(UC_ARM64_REG_X4));
  ids.Set("X5", int32_t(UC_ARM64_REG_X5));
  ids.Set("X6", int32_t(UC_ARM64_REG_X6));
  ids.Set("X7", int32_t(UC_ARM64_REG_X7));
  ids.Set("X8", int32_t(UC_ARM64_REG_X8));
  ids.Set("X9", int32_t(UC_ARM64_REG_X9));
  ids.Set("X10", int32_t(UC_ARM64_REG_X10));
  ids.Set("X11", int32_t(UC_ARM64_REG_X11));
  ids.Set("X12", int32_t(UC_ARM64_REG_X12));
  ids.Set("X13", int32_t(UC_ARM64_REG_X13));
  ids.Set("X14", int32_t(UC_ARM64_REG_X14));
  ids.Set("X15", int32_t(UC_ARM64_REG_X15));
  ids.Set("X16", int32_t(UC_ARM64_REG_X16));
  ids.Set("X17", int32_t(UC_ARM64_REG_X17));
  ids.Set("X18", int32_t(UC_ARM64_REG_X18));
  ids.Set("X19", int32_t(UC_ARM64_REG_X19));
  ids.Set("X20", int32_t(UC_ARM64_REG_X20));
  ids.Set("X21", int32_t(UC_ARM64_REG_X21));
  ids.Set("X22", int32_t(UC_ARM64_REG_X22));
  ids.Set("X23", int32_t(UC_ARM64_REG_X23));
  ids.Set("X24", int32_t(UC_ARM64_REG_X24));
  ids.Set("X25", int32_t(UC_ARM64_REG_X25));
  ids.Set("X26", int32_t(UC_ARM64_REG_X26));
  ids.Set("X27", int32_t(UC_ARM64_REG_X27));
  ids.Set("X28", int32_t(UC_ARM64_REG_X28));
  ids.Set("X29", int32_t(UC_ARM64_REG_X29));
  ids.Set("X30", int32_t(UC_ARM64_REG_X30));
  ids.Set("SP", int32_t(UC_ARM64_REG_SP));
  ids.Set("PC", int32_t(UC_ARM64_REG_PC));
  ids.Set("NZCV", int32_t(UC_ARM64_REG_NZCV));
  ids.Set("PSTATE", int32_t(UC_ARM64_REG_PSTATE));
  ids.Set("XZR", int32_t(UC_ARM64_REG_XZR));
  ids.Set("FPCR", int32_t(UC_ARM64_REG_FPCR));
  ids.Set("FPSR", int32_t(UC_ARM64_REG_FPSR));
  ids.Set("TPIDR_EL0", int32_t(UC_ARM64_REG_TPIDR_EL0));
  ids.Set("TPIDRRO_EL0", int32_t(UC_ARM64_REG_TPIDRRO_EL0));
  ids.Set("TPIDR_EL1", int32_t(UC_ARM64_REG_TPIDR_EL1));
  ids.Set("ELR_EL0", int32_t(UC_ARM64_REG_ELR_EL0));
  ids.Set("ELR_EL1", int32_t(UC_ARM64_REG_ELR_EL1));
  ids.Set("ELR_EL2", int32_t(UC_ARM64_REG_ELR_EL2));
  ids.Set("ELR_EL3", int32_t(UC_ARM64_REG_ELR_EL3));
  ids.Set("SP_EL0", int32_t(UC_ARM64_REG_SP_EL0));
  ids.Set("SP_EL1", int32_t(UC_ARM64_REG_SP_EL1));
  ids.Set("SP_EL2", int32_t(UC_ARM64_REG_SP_EL2));
  ids.Set("SP_EL3", int32_t(UC_ARM64_REG_SP_EL3));
  ids.Set("TTBR0_EL1", int32_t(UC_ARM64_REG_TTBR0_EL1));
  ids.Set("TTBR1_EL1", int32_t(UC_ARM64_REG_TTBR1_EL1));
  ids.Set("ESR_EL0", int32_t(UC_ARM64_REG_ESR_EL0));
  ids.Set("ESR_EL1", int32_t(UC_ARM64_REG_ESR_EL1));
  ids.Set("ESR_EL2", int32_t(UC_ARM64_REG_ESR_EL2));
  ids.Set("ESR_EL3", int32_t(UC_ARM64_REG_ESR_EL3));
  ids.Set("FAR_EL0", int32_t(UC_ARM64_REG_FAR_EL0));
  ids.Set("FAR_EL1", int32_t(UC_ARM64_REG_FAR_EL1));
  ids.Set("FAR_EL2", int32_t(UC_ARM64_REG_FAR_EL2));
  ids.Set("FAR_EL3", int32_t(UC_ARM64_REG_FAR_EL3));
  ids.Set("PAR_EL1", int32_t(UC_ARM64_REG_PAR_EL1));
  ids.Set("MAIR_EL1", int32_t(UC_ARM64_REG_MAIR_EL1));
  ids.Set("VBAR_EL0", int32_t(UC_ARM64_REG_VBAR_EL0));
  ids.Set("VBAR_EL1", int32_t(UC_ARM64_REG_VBAR_EL1));
  ids.Set("VBAR_EL2", int32_t(UC_ARM64_REG_VBAR_EL2));
  ids.Set("VBAR_EL3", int32_t(UC_ARM64_REG_VBAR_EL3));
  return ids;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  unsigned major = 0, minor = 0;
  uc_version(&major, &minor);
  if (major < 2 || (major == 2 && minor < 1)) {
    Napi::Error error = Napi::Error::New(env, "the Unicorn engine loaded is " + EngineVersionText() +
                                                  ", and armvirt needs 2.1 or newer: run 'npm run setup'");
    error.Set("code", "ARMVIRT_ENGINE_TOO_OLD");
    error.ThrowAsJavaScriptException();
    return exports;
  }
  exports.Set("registerIds", RegisterIds(env));
  exports.Set("Vcpu", armvirt::Vcpu::Init(env));
  exports.Set("allocateHostMemory", Napi::Function::New(env, armvirt::AllocateHostMemory));
  exports.Set("mapSharedFile", Napi::Function::New(env, armvirt::MapSharedFile));
  exports.Set("unmapSharedFile", Napi::Function::New(env, armvirt::UnmapSharedFile));
  exports.Set("hostAddress", Napi::Function::New(env, armvirt::HostAddress));
  exports.Set("vfio", armvirt::VfioInit(env));
  exports.Set("vfioLayout", Napi::Function::New(env, armvirt::VfioLayout));
  armvirt::EventFdInit(env, exports);
  exports.Set("unicornVersion", Napi::Function::New(env, UnicornVersion));
  return exports;
}

}  // namespace

NODE_API_MODULE(armvirt, Init)
