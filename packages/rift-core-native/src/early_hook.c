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

static inline long gadget_call(uint64_t at, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  long ret;
  register long r10 __asm__("r10") = a3;
  register long r8 __asm__("r8") = a4;
  register long r9 __asm__("r9") = a5;
  __asm__ volatile("call *%[fn]"
                   : "=a"(ret)
                   : [fn] "r"(at), "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}
#define UNTRACED(nr, a0, a1, a2, a3, a4, a5)                                                                 \
  gadget_call(RIFT_SB_GADGET_PAGE + RIFT_SB_UNTRACED_OFFSET, nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), \
              (long)(a4), (long)(a5))
#define TRACED(nr, a0, a1, a2, a3, a4, a5)                                                                 \
  gadget_call(RIFT_SB_GADGET_PAGE + RIFT_SB_TRACED_OFFSET, nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), \
              (long)(a4), (long)(a5))

// The call as the loader's own instruction would make it (this page is not the gadget's: it
// stops the tracer when the trace wants it).
static long plain_syscall(long nr, const long* a) {
  long ret;
  register long r10 __asm__("r10") = a[3];
  register long r8 __asm__("r8") = a[4];
  register long r9 __asm__("r9") = a[5];
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
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
  long n;
  if (!is_error && r->atExit && r->lenFrom == RIFT_LEN_RET) {  // the kernel has just written them
    memcpy(dst, (const void*)addr, want);
    n = (long)want;
  } else {
    int nul;
    n = read_bounded(addr, dst, want, 0, &nul);
  }
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

// The stubs' call target (sb_sites.h): rax the number, rdi rsi rdx r10 r8 r9 the arguments,
// the result in rax; every other register is kept, the flags and xmm0-15 too (the
// library's rift_sb_entry).
__asm__(
    ".text\n"
    ".globl rift_early_entry\n"
    ".type rift_early_entry,@function\n"
    "rift_early_entry:\n"
    "  pushfq\n"
    "  cld\n"
    "  push %rbp\n"
    "  mov %rsp,%rbp\n"
    "  push %rdi\n"
    "  push %rsi\n"
    "  push %rdx\n"
    "  push %r10\n"
    "  push %r8\n"
    "  push %r9\n"
    "  and $-16,%rsp\n"
    "  sub $256,%rsp\n"
    "  movups %xmm0,0(%rsp)\n  movups %xmm1,16(%rsp)\n  movups %xmm2,32(%rsp)\n  movups %xmm3,48(%rsp)\n"
    "  movups %xmm4,64(%rsp)\n  movups %xmm5,80(%rsp)\n  movups %xmm6,96(%rsp)\n  movups %xmm7,112(%rsp)\n"
    "  movups %xmm8,128(%rsp)\n  movups %xmm9,144(%rsp)\n  movups %xmm10,160(%rsp)\n  movups %xmm11,176(%rsp)\n"
    "  movups %xmm12,192(%rsp)\n  movups %xmm13,208(%rsp)\n  movups %xmm14,224(%rsp)\n  movups %xmm15,240(%rsp)\n"
    "  sub $48,%rsp\n"
    "  mov %rdi,0(%rsp)\n"
    "  mov %rsi,8(%rsp)\n"
    "  mov %rdx,16(%rsp)\n"
    "  mov %r10,24(%rsp)\n"
    "  mov %r8,32(%rsp)\n"
    "  mov %r9,40(%rsp)\n"
    "  mov %rax,%rdi\n"
    "  mov %rsp,%rsi\n"
    "  call rift_early_hook\n"
    "  add $48,%rsp\n"
    "  movups 0(%rsp),%xmm0\n  movups 16(%rsp),%xmm1\n  movups 32(%rsp),%xmm2\n  movups 48(%rsp),%xmm3\n"
    "  movups 64(%rsp),%xmm4\n  movups 80(%rsp),%xmm5\n  movups 96(%rsp),%xmm6\n  movups 112(%rsp),%xmm7\n"
    "  movups 128(%rsp),%xmm8\n  movups 144(%rsp),%xmm9\n  movups 160(%rsp),%xmm10\n  movups 176(%rsp),%xmm11\n"
    "  movups 192(%rsp),%xmm12\n  movups 208(%rsp),%xmm13\n  movups 224(%rsp),%xmm14\n  movups 240(%rsp),%xmm15\n"
    "  lea -48(%rbp),%rsp\n"
    "  pop %r9\n"
    "  pop %r8\n"
    "  pop %r10\n"
    "  pop %rdx\n"
    "  pop %rsi\n"
    "  pop %rdi\n"
    "  pop %rbp\n"
    "  popfq\n"
    "  ret\n"
    ".size rift_early_entry, .-rift_early_entry\n");
