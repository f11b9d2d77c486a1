{
  "targets": [
    {
      "target_name": "rift_core",
      "sources": ["src/addon.cc", "src/tracer.cc", "src/intercept.cc", "src/inject.cc", "src/vnet.cc", "src/encode.cc", "src/early.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall"]
    },
    {
      "target_name": "rift_syscallbuf",
      "type": "shared_library",
      "sources": ["src/syscallbuf.c"],
      "cflags": ["-O2", "-Wall", "-fPIC", "-fvisibility=hidden", "-fno-stack-protector", "-mno-red-zone"],
      "ldflags": ["-Wl,-z,now"]
    },
    {
      "target_name": "rift_early_hook",
      "type": "none",
      "actions": [
        {
          "action_name": "early_hook_image",
          "inputs": ["src/early_hook.c", "src/early_hook.ld", "src/syscallbuf_abi.h", "src/sb_capture.h", "src/sb_calls.h"],
          "outputs": ["<(PRODUCT_DIR)/rift_early_hook.bin"],
          "action": ["sh", "-c", "cc -O2 -Wall -ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-pic -fno-stack-protector -mno-red-zone -fno-asynchronous-unwind-tables -fcf-protection=none -nostdlib -static -no-pie -Wl,-T,src/early_hook.ld -Wl,--build-id=none -o <(PRODUCT_DIR)/rift_early_hook.elf src/early_hook.c && objcopy -O binary <(PRODUCT_DIR)/rift_early_hook.elf <(PRODUCT_DIR)/rift_early_hook.bin"]
        }
      ]
    }
  ]
}
