// The vCPU's physical map: pointer mappings (RAM, device memory: the fast path), MMIO mappings that call JS
// (the trapped path), and shadow MMIO chunks that give unmapped physical addresses a defined behaviour
// (region id 0: the VMM reads them as zero or stops, and logs). Shadows are laid lazily, by the engine's
// unmapped-access hook, one aligned 64 KiB chunk (clipped to the gap) at a time: every map change rebuilds
// the engine's dispatch tree at a cost that grows with what is mapped, so a map of only what the guest has
// touched keeps a fast <-> trapped region switch at the engine's own cost. Unicorn 2.1 translates before it
// checks the physical map, so no shadow is needed for MMU-on accesses (native/probes/va_mapped_check.c).
// An instruction fetch from unmapped space is a synchronous external abort in the guest, as on QEMU.
#include <cstring>
#include <iterator>

#include "args.h"
#include "vcpu.h"
#include "vcpu_hooks.h"

namespace armvirt {

namespace {
constexpr uint64_t kAddressSpaceEnd = 0xfffffffffffff000ull;  // exclusive; the last page cannot be mapped
constexpr uint64_t kPage = 0x1000;
constexpr uint64_t kOneTiB = 1ull << 40;
constexpr uint64_t kShadowChunk = 0x10000;

std::string Hex(uint64_t v) {
  char buf[24];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

bool ValidRange(Napi::Env env, uint64_t addr, uint64_t size, const char* what) {
  if (size == 0 || (addr & (kPage - 1)) || (size & (kPage - 1)) || addr >= kOneTiB || size > kOneTiB - addr) {
    Napi::RangeError::New(env, std::string(what) + ": range " + Hex(addr) + "+" + Hex(size) +
                                   " must be non-empty, 4 KiB aligned and below " + Hex(kOneTiB) + " (1 TiB)")
        .ThrowAsJavaScriptException();
    return false;
  }
  return true;
}
}  // namespace

// Lays the shadow chunk that holds `address`: the aligned 64 KiB around it, clipped to its gap. False when
// there is none to lay (the last page of the address space cannot be mapped).
bool Vcpu::LayShadow(uint64_t address) {
  uint64_t start = address & ~(kShadowChunk - 1);
  uint64_t end = start + kShadowChunk;
  if (end == 0 || end > kAddressSpaceEnd) end = kAddressSpaceEnd;
  auto next = mappings_.upper_bound(address);
  if (next != mappings_.end() && next->first < end) end = next->first;
  if (next != mappings_.begin()) {
    auto prev = std::prev(next);
    uint64_t prevEnd = prev->first + prev->second.size;
    if (prevEnd > address) return false;  // mapped after all: not ours to shadow
    if (prevEnd > start) start = prevEnd;
  }
  if (start >= end) return false;
  auto slot = std::make_unique<MmioSlot>(MmioSlot{this, 0, start});
  if (uc_mmio_map(uc_, start, end - start, OnShadowRead, slot.get(), OnShadowWrite, slot.get()) != UC_ERR_OK)
    return false;
  mappings_[start] = Mapping{end - start, true, std::move(slot), {}, nullptr};
  return true;
}

// Removes the shadows in [start, end) so a user mapping can go there (they come back lazily where needed);
// fails on overlap with a user mapping.
bool Vcpu::CarveShadow(Napi::Env env, uint64_t start, uint64_t end) {
  auto it = mappings_.upper_bound(start);
  if (it != mappings_.begin()) --it;
  std::vector<std::pair<uint64_t, uint64_t>> shadows;
  for (; it != mappings_.end() && it->first < end; ++it) {
    uint64_t mEnd = it->first + it->second.size;
    if (mEnd <= start) continue;
    if (!it->second.isShadow) {
      Napi::Error::New(env, "mapping " + Hex(start) + "-" + Hex(end - 1) + " overlaps the mapping at " +
                                Hex(it->first) + "-" + Hex(mEnd - 1))
          .ThrowAsJavaScriptException();
      return false;
    }
    shadows.emplace_back(it->first, mEnd);
  }
  for (auto [sStart, sEnd] : shadows) {
    uc_mem_unmap(uc_, sStart, sEnd - sStart);
    mappings_.erase(sStart);
  }
  return true;
}

// Maps a user region. A region that exactly replaces an existing user mapping (fast <-> trapped switch) does
// not touch the shadows, which keeps the switch at the engine's own cost.
bool Vcpu::MapRange(Napi::Env env, uint64_t addr, uint64_t size, Mapping mapping, void* ptr) {
  auto same = mappings_.find(addr);
  bool replacing = same != mappings_.end() && !same->second.isShadow && same->second.size == size;
  if (replacing) {
    uc_mem_unmap(uc_, addr, size);
    mappings_.erase(same);
  } else if (!CarveShadow(env, addr, addr + size)) {
    return false;
  }
  uc_err err = ptr ? uc_mem_map_ptr(uc_, addr, size, UC_PROT_ALL, ptr)
                   : uc_mmio_map(uc_, addr, size, OnMmioRead, mapping.slot.get(), OnMmioWrite, mapping.slot.get());
  if (err != UC_ERR_OK) return Check(env, err, "mapping " + Hex(addr) + "+" + Hex(size));
  // Device registers can be executed from, as on QEMU (the fetch reads them through the device).
  if (!ptr) uc_mem_protect(uc_, addr, size, UC_PROT_ALL);
  mappings_[addr] = std::move(mapping);
  return true;
}

bool Vcpu::UnmapRange(Napi::Env env, uint64_t addr, uint64_t size) {
  auto it = mappings_.find(addr);
  if (it == mappings_.end() || it->second.isShadow || it->second.size != size) {
    Napi::Error::New(env, "unmap: nothing is mapped exactly at " + Hex(addr) + "+" + Hex(size))
        .ThrowAsJavaScriptException();
    return false;
  }
  uc_mem_unmap(uc_, addr, size);
  mappings_.erase(it);
  return true;
}

// mapPointer(addr, backing: ArrayBuffer, byteOffset, size): guest accesses go straight to the host bytes.
Napi::Value Vcpu::MapPointer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t addr, offset, size;
  Napi::ArrayBuffer buffer;
  Args args(info, "mapPointer");
  if (!args.U64(0, "addr", addr) || !args.ArrayBuffer(1, "backing", buffer) || !args.U64(2, "byteOffset", offset) ||
      !args.U64(3, "size", size) || !EnsureOpen(env) || !ValidRange(env, addr, size, "mapPointer")) {
    return env.Undefined();
  }
  uint8_t* data = static_cast<uint8_t*>(buffer.Data());
  if (offset > buffer.ByteLength() || size > buffer.ByteLength() - offset ||
      ((reinterpret_cast<uintptr_t>(data) + offset) & (kPage - 1))) {
    args.Range(1, "backing",
               "range " + Hex(offset) + "+" + Hex(size) + " is out of bounds or not page aligned (use host memory)");
    return env.Undefined();
  }
  Mapping m{size, false, nullptr, Napi::Persistent(buffer), std::make_unique<GuestMapping>(data, id_, addr)};
  MapRange(env, addr, size, std::move(m), data + offset);
  return env.Undefined();
}

// mapMmio(addr, size, regionId): accesses call the JS read/write handlers with regionId (> 0).
Napi::Value Vcpu::MapMmio(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t addr, size;
  uint32_t regionId;
  Args args(info, "mapMmio");
  if (!args.U64(0, "addr", addr) || !args.U64(1, "size", size) || !args.U32(2, "regionId", regionId) ||
      !EnsureOpen(env) || !ValidRange(env, addr, size, "mapMmio")) {
    return env.Undefined();
  }
  if (regionId == 0) {
    args.Range(2, "regionId", "0 is reserved for unmapped space");
    return env.Undefined();
  }
  Mapping m{size, false, std::make_unique<MmioSlot>(MmioSlot{this, regionId, 0}), {}, nullptr};
  MapRange(env, addr, size, std::move(m), nullptr);
  return env.Undefined();
}

Napi::Value Vcpu::Unmap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t addr, size;
  Args args(info, "unmap");
  if (!args.U64(0, "addr", addr) || !args.U64(1, "size", size) || !EnsureOpen(env)) return env.Undefined();
  UnmapRange(env, addr, size);
  return env.Undefined();
}

// mappings(): [{ base, size, kind: 'pointer' | 'mmio' | 'shadow', region }]: what the engine has, for tests.
Napi::Value Vcpu::Mappings(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array out = Napi::Array::New(env);
  uint32_t i = 0;
  for (auto& [base, m] : mappings_) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("base", Napi::BigInt::New(env, base));
    o.Set("size", Napi::BigInt::New(env, m.size));
    o.Set("kind", m.isShadow ? "shadow" : (m.slot ? "mmio" : "pointer"));
    if (m.slot) o.Set("region", m.slot->regionId);
    out.Set(i++, o);
  }
  return out;
}

// readMemory(addr, length): Buffer, by guest physical address.
Napi::Value Vcpu::ReadMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t addr;
  uint32_t length;
  Args args(info, "readMemory");
  if (!args.U64(0, "addr", addr) || !args.U32(1, "length", length) || !EnsureOpen(env)) return env.Undefined();
  Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::New(env, length);
  if (env.IsExceptionPending()) return env.Undefined();  // too large to allocate
  if (!Check(env, uc_mem_read(uc_, addr, out.Data(), length), "reading guest memory at " + Hex(addr)))
    return env.Undefined();
  return out;
}

// writeMemory(addr, bytes: Uint8Array)
Napi::Value Vcpu::WriteMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t addr;
  Napi::Uint8Array bytes;
  Args args(info, "writeMemory");
  if (!args.U64(0, "addr", addr) || !args.Uint8Array(1, "bytes", bytes) || !EnsureOpen(env)) return env.Undefined();
  Check(env, uc_mem_write(uc_, addr, bytes.Data(), bytes.ByteLength()), "writing guest memory at " + Hex(addr));
  return env.Undefined();
}

}  // namespace armvirt
