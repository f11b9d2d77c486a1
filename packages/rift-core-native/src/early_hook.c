// The loader's early hook (syscallbuf_abi.h, "The loader's early hook"): the code behind the
// stubs the tracer writes for ld.so's syscall sites at a new image's first stop, before the
// preloaded library exists. It records the loader's calls (opening, reading and mapping the
// program's libraries) in the buffer format the library writes (record_buffer.h), without a
// ptrace stop. Once the library's constructor has run, it sets `hook` and every stub goes to
// the library's own handler, which knows threads, signals and the rest.
//
// Freestanding: no libc, no relocations (linked at its fixed address by early_hook.ld and
// flattened with objcopy), no data outside struct rift_sb_early (the image is written as it
// is; the tracer fills in the configuration). Until the library takes over only the loader
// runs here, on the image's one thread: a call of any other thread (a library's constructor
// that starts one) goes to the tracer the ptrace way.
#include <stddef.h>
#include <stdint.h>

#include "syscallbuf_abi.h"
#include "sb_calls.h"

#define NR_READ 0
#define NR_GETPID 39
#define NR_GETTID 186
#define NR_CLOCK_GETTIME 228
#define NR_PROCESS_VM_READV 310
#define E_FAULT 14
#define STRING_CAP (1 << 20)  // as the tracer's kStringCap
#define MONOTONIC 1

long rift_early_hook(long nr, const long* args);
extern char rift_early_entry[];

__attribute__((section(".rift_header"), used)) struct rift_sb_early rift_early = {
    .magic = RIFT_SB_EARLY_MAGIC,
    .entry = (uint64_t)rift_early_entry,
};

// The compiler may call these for copies and clears.
void* memcpy(void* d, const void* s, size_t n) {
  uint8_t* dd = d;
  const uint8_t* ss = s;
  while (n--) *dd++ = *ss++;
  return d;
}
void* memset(void* d, int c, size_t n) {
  uint8_t* dd = d;
  while (n--) *dd++ = (uint8_t)c;
  return d;
}


struct ts {
  long sec, nsec;
};
static int64_t now_ns(void) {
  struct ts t = {0, 0};
  UNTRACED(NR_CLOCK_GETTIME, MONOTONIC, &t, 0, 0, 0, 0);
  return (int64_t)t.sec * 1000000000LL + t.nsec;
}

struct iov {
  const void* base;
  size_t len;
};
// Our own memory, read without faulting: bytes read, or -errno when none could be.
static long safe_read(uint64_t addr, void* dst, size_t len) {
  if (len == 0) return 0;
  struct iov l = {dst, len}, r = {(const void*)addr, len};
  long pid = UNTRACED(NR_GETPID, 0, 0, 0, 0, 0, 0);
  return UNTRACED(NR_PROCESS_VM_READV, pid, &l, 1, &r, 1, 0);
}

static void put_u32(uint8_t* p, uint32_t v) { memcpy(p, &v, 4); }

static void put_blob_header(uint8_t* p, uint8_t arg, uint8_t flags, uint8_t kind, uint32_t fullLen, uint32_t len) {
  p[0] = arg, p[1] = flags, p[2] = kind, p[3] = 0;
  put_u32(p + 4, 0);
  put_u32(p + 8, fullLen);
  put_u32(p + 12, len);
}

#define SB_ROW struct rift_sb_early_row
#include "sb_capture.h"

// One row's blob at *cur; returns the end.
static uint8_t* capture_row(uint8_t* hdr, const struct rift_sb_early_row* r, const long* a, long ret, int is_error) {
  uint8_t flags = r->atExit ? RIFT_BLOB_EXIT : 0;
  uint8_t arg = (uint8_t)r->arg, kind = (uint8_t)r->kind;
  uint64_t addr = (uint64_t)a[r->arg];
  uint8_t* dst = hdr + 16;
  if (r->kind == RIFT_CAPTURE_CSTRING) {
    size_t cap = r->max < 0 ? STRING_CAP : (size_t)r->max;
    if (addr == 0) {
      put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, kind, E_FAULT, 0);
      return dst;
    }
    int nul;
    long n = read_bounded(addr, dst, cap + 1, 1, &nul);
    if (n < 0) {
      put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, kind, (uint32_t)-n, 0);
      return dst;
    }
    if (!nul && (size_t)n > cap) {
      put_blob_header(hdr, arg, flags | RIFT_BLOB_TRUNCATED, kind, (uint32_t)n, (uint32_t)cap);
      return dst + cap;
    }
    put_blob_header(hdr, arg, flags, kind, (uint32_t)n, (uint32_t)n);
    return dst + n;
  }
  int64_t full = buffer_length(r, a, ret, 0);
  size_t want = kept_length(r, full);
  if (addr == 0 && full > 0) {
    put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, kind, E_FAULT, 0);
    return dst;
  }
  long n = read_row(r, is_error, addr, dst, want);
  if (n < 0) {
    put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, kind, (uint32_t)-n, 0);
    return dst;
  }
  put_blob_header(hdr, arg, (uint8_t)(flags | ((size_t)n < (size_t)full ? RIFT_BLOB_TRUNCATED : 0)), kind, (uint32_t)full,
                  (uint32_t)n);
  return dst + n;
}

static void put_record_header(uint8_t* p, long nr, const long* a, long ret, int64_t t0, int64_t t1) {
  uint16_t kind = RIFT_REC_SYSCALL;
  memcpy(p + 4, &kind, 2);
  memset(p + 8, 0, 8);  // tid, pid: the tracer's
  memcpy(p + 16, &t0, 8);
  int64_t v[10] = {nr, a[0], a[1], a[2], a[3], a[4], a[5], ret, t1 - t0, RIFT_SC_BUFFERED};
  memcpy(p + 24, v, sizeof v);
}

static long magic(long op, long a1) {
  if (*(volatile uint32_t*)(RIFT_SB_GADGET_PAGE + RIFT_SB_OFF_OFFSET)) return -38;
  return TRACED(RIFT_SB_MAGIC_NR, op, a1, 0, 0, 0, 0);
}

// Appends the record of one completed call (the library's record(), for one thread and no
// signal handler: no reservation races).
static void record(long nr, const long* a, long ret, int64_t t0, int64_t t1) {
  struct rift_sb_early* e = &rift_early;
  struct rift_sb_header* h = (struct rift_sb_header*)e->buffer;
  int is_error = ret < 0 && ret >= -4095;
  int64_t need = 8 + RIFT_RECORD_HEADER;
  for (uint32_t i = 0; i < e->nrows; i++) {
    const struct rift_sb_early_row* r = &e->rows[i];
    if (r->nr == nr && (!r->atExit || !is_error || r->onError)) need += row_bound(r, a, ret);
  }
  need = (need + 7) & ~7;
  if (need > RIFT_SB_BUFFER_SIZE - RIFT_SB_HEADER_SIZE) {
    uint8_t rec[RIFT_RECORD_HEADER];
    put_record_header(rec, nr, a, ret, t0, t1);
    magic(RIFT_SB_OP_CAPTURE, (long)rec);  // captured the ptrace way
    return;
  }
  if (h->head + (uint64_t)need > h->size) magic(RIFT_SB_OP_FLUSH, 0);  // drained: head back at the start
  if (h->head + (uint64_t)need > h->size) return;
  h->busy++;
  uint8_t* slot = (uint8_t*)h + h->head;
  put_u32(slot, 0);  // not complete until its length is written
  h->head += (uint64_t)need;
  uint8_t* start = slot + 8;
  uint8_t* cur = start + RIFT_RECORD_HEADER;
  uint16_t nblobs = 0;
  put_record_header(start, nr, a, ret, t0, t1);
  for (int pass = 0; pass < 2; pass++)
    for (uint32_t i = 0; i < e->nrows; i++) {
      const struct rift_sb_early_row* r = &e->rows[i];
      if (r->nr != nr || r->atExit != pass || (pass && is_error && !r->onError)) continue;
      cur = capture_row(cur, r, a, ret, is_error);
      nblobs++;
    }
  uint32_t rec_len = (uint32_t)(cur - start);
  put_u32(start, rec_len);
  memcpy(start + 6, &nblobs, 2);
  put_u32(slot + 4, rec_len);
  uint64_t used = (8 + rec_len + 7) & ~7ULL;
  h->head -= (uint64_t)need - used;
  if ((h->stage & 3) == RIFT_SB_STAGE_MADE) h->stage |= RIFT_SB_STAGE_RECORDED;
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  __atomic_store_n((uint32_t*)slot, (uint32_t)used, __ATOMIC_RELEASE);
  h->busy--;
}

// A patched site's call: the raw result, as the syscall instruction returns it.
__attribute__((used)) long rift_early_hook(long nr, const long* args) {
  struct rift_sb_early* e = &rift_early;
  if (e->hook) return ((long (*)(long, const long*))e->hook)(nr, args);
  if ((unsigned long)nr >= sizeof e->is_fast || !e->is_fast[nr] || !e->buffer ||
      *(volatile uint32_t*)(RIFT_SB_GADGET_PAGE + RIFT_SB_OFF_OFFSET) ||
      (uint32_t)UNTRACED(NR_GETTID, 0, 0, 0, 0, 0, 0) != e->owner)
    return plain_syscall(nr, args);
  long a[6] = {args[0], args[1], args[2], args[3], args[4], args[5]};
  // the buffer's stage word, as the library keeps it (a signal's place among the calls)
  volatile uint32_t* stage = &((struct rift_sb_header*)e->buffer)->stage;
  uint32_t outer = *stage;
  *stage = ((uint32_t)nr << 2) | RIFT_SB_STAGE_ENTERED;
  int64_t t0 = now_ns();
  long ret = UNTRACED(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  int64_t t1 = now_ns();
  *stage = ((uint32_t)nr << 2) | RIFT_SB_STAGE_MADE;
  record(nr, a, ret, t0, t1);
  *stage = outer;
  return ret;
}

// The stubs' call target (sb_sites.h, sb_calls.h): rift_early_hook above.
__asm__(RIFT_SB_ENTRY_ASM(rift_early_entry, rift_early_hook, ""));
