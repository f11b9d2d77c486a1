{
  "targets": [
    {
      "target_name": "rift_core",
      "sources": ["src/addon.cc", "src/tracer.cc", "src/intercept.cc", "src/inject.cc", "src/vnet.cc", "src/encode.cc"],
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
    }
  ]
}
