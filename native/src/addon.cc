// armvirt's native addon: the Unicorn vCPU and host memory. Everything else lives in TypeScript.
#include <napi.h>
#include <unicorn/unicorn.h>

#include "host_memory.h"
#include "vcpu.h"

namespace {

Napi::Value UnicornVersion(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), uc_version(nullptr, nullptr));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Vcpu", armvirt::Vcpu::Init(env));
  exports.Set("allocateHostMemory", Napi::Function::New(env, armvirt::AllocateHostMemory));
  exports.Set("unicornVersion", Napi::Function::New(env, UnicornVersion));
  return exports;
}

}  // namespace

NODE_API_MODULE(armvirt, Init)
