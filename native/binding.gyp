{
  "targets": [
    {
      "target_name": "armvirt",
      "sources": [
        "src/addon.cc",
        "src/vcpu.cc",
        "src/vcpu_memory.cc",
        "src/vcpu_hooks.cc",
        "src/vcpu_exceptions.cc",
        "src/vcpu_debug.cc",
        "src/deadline_timer.cc",
        "src/host_memory.cc",
        "src/vfio_linux.cc",
        "src/event_fd.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<!@(node ../scripts/unicorn-flags.mjs include)"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["<!@(node ../scripts/unicorn-flags.mjs libraries)", "-lpthread"]
    }
  ]
}
