// The capture rules both in-process recorders follow (syscallbuf.c, the library; early_hook.c,
// the loader's freestanding hook): how long a plan row's memory is, what is kept of it, how much
// room its blob may take, and reading it without faulting. The same rules as the tracer's
// lengthOf and readBounded (tracer.cc). Before including it, define SB_ROW (the row's struct
// type: fields arg, atExit, kind, lenFrom, lenArg, max, onError, scale), STRING_CAP, and
// `static long safe_read(uint64_t addr, void* dst, size_t len)` (-errno when nothing could be
// read).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "syscallbuf_abi.h"

#define SB_EFAULT 14

// Bytes at addr, page by page when a C string (one that ends just before an unmapped page is
// still read).
static long read_bounded(uint64_t addr, uint8_t* dst, size_t cap, int cstring, int* saw_nul) {
  size_t got = 0;
  *saw_nul = 0;
  while (got < cap) {
    uint64_t a = addr + got;
    size_t chunk = cstring ? 4096 - (a & 4095) : cap - got;
    if (chunk > cap - got) chunk = cap - got;
    long n = safe_read(a, dst + got, chunk);
    if (n <= 0) {
      if (got == 0) return n < 0 ? n : -SB_EFAULT;
      break;
    }
    if (cstring)
      for (long i = 0; i < n; i++)  // not memchr: the early hook has no libc
        if (dst[got + (size_t)i] == 0) {
          *saw_nul = 1;
          return (long)(got + (size_t)i);
        }
    got += (size_t)n;
    if ((size_t)n < chunk) break;
  }
  return (long)got;
}

// The bytes of buffer row `r` at addr, up to want: the count, or -errno when none could be read.
// An exit buffer as long as the result is copied (the kernel has just written it); anything
// else is read the safe way: a call's success does not say it read its input (a write to
// /dev/null of a bad pointer succeeds). The includer declares memcpy.
static long read_row(const SB_ROW* r, int is_error, uint64_t addr, uint8_t* dst, size_t want) {
  if (!is_error && r->atExit && r->lenFrom == RIFT_LEN_RET) {
    memcpy(dst, (const void*)addr, want);
    return (long)want;
  }
  int nul;
  return read_bounded(addr, dst, want, 0, &nul);
}

// A buffer row's length from the plan: the bytes there are, 0..INT32_MAX. `bound`: a length
// behind a pointer is not read, an upper bound stands for it.
static int64_t buffer_length(const SB_ROW* r, const long* a, long ret, int bound) {
  int64_t full = 0;
  switch (r->lenFrom) {
    case RIFT_LEN_FIXED: full = r->max < 0 ? 0 : r->max; break;
    case RIFT_LEN_ARG: full = (int64_t)a[r->lenArg] * r->scale; break;
    case RIFT_LEN_RET: full = (int64_t)ret * r->scale; break;
    case RIFT_LEN_ARGPTR_U32: {
      uint32_t v = 0;
      if (bound) full = 8 * 65536;
      else if (a[r->lenArg] && safe_read((uint64_t)a[r->lenArg], &v, 4) == 4) full = (int64_t)v * r->scale;
      break;
    }
    case RIFT_LEN_ARGPTR_U64: {
      uint64_t v = 0;
      if (bound) full = 8 * 65536;
      else if (a[r->lenArg] && safe_read((uint64_t)a[r->lenArg], &v, 8) == 8) full = (int64_t)v;
      break;
    }
  }
  if (full < 0) full = 0;
  if (full > 0x7fffffff) full = 0x7fffffff;
  return full;
}

// The bytes of a buffer row kept: a fixed-size struct whole, anything else up to max.
static size_t kept_length(const SB_ROW* r, int64_t full) {
  int64_t max = r->lenFrom == RIFT_LEN_FIXED ? -1 : r->max;
  return (size_t)(max >= 0 && full > max ? max : full);
}

// The most bytes row `r` may add, so a record's room can be reserved before it is written.
static int64_t row_bound(const SB_ROW* r, const long* a, long ret) {
  if (r->kind == RIFT_CAPTURE_CSTRING) return 16 + (r->max < 0 ? STRING_CAP : r->max) + 1;
  return 16 + (int64_t)kept_length(r, buffer_length(r, a, ret, 1));
}
