// rift_syscallbuf.so: the in-process engine. Loaded into a traced program with LD_PRELOAD, it
// records the common calls the tracer hands it (RIFT_SYSCALLBUF) without a ptrace stop: it
// defines libc's wrappers for them (read, write, close, ...), and at start-up rewrites libc's
// own syscall instructions for them into calls of its own (see "libc's own syscall
// instructions" below); each call runs through a syscall instruction the tracer's seccomp
// filter lets through, and a record goes to the thread's buffer, which the tracer drains at
// the thread's next ptrace stop. See syscallbuf_abi.h.
//
// Why not a seccomp trap: the tracee is ptraced, so a SIGSYS costs a signal-delivery stop of
// the tracer, as much as the ptrace stop it would save. The loader's calls before the
// constructor runs are recorded by the tracer's early hook (early.cc, early_hook.c), whose
// mapping and buffer the constructor adopts (adopt_early_mapping). Calls that neither a
// wrapper nor a patched site sees (libc's own start-up before the constructor, other
// libraries' and runtimes' own syscall instructions, sites of shapes the patcher does not
// know) still stop the tracer and are recorded the ptrace way: nothing is missed, only slower.
//
// Rules of this file: a wrapper or a patched site makes its call through the gadget and calls
// nothing that may make another, and reads memory the kernel did not just touch through
// process_vm_readv, so a bad pointer is recorded as a fault and crashes nothing, unless the
// memory is known to be mapped and readable (known_readable: the main thread's live stack, the
// brk heap, the images loaded at start-up).
#define _GNU_SOURCE
// node-gyp builds with _FILE_OFFSET_BITS=64, which renames pread to pread64 and so on: this
// file defines both names itself
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "syscallbuf_abi.h"
#include "sb_calls.h"
#include "sb_sites.h"

#define MAX_NR 512
#define MAX_ROWS 8
#define STRING_CAP (1 << 20)  // as the tracer's kStringCap

struct plan_row {
  int arg, atExit, kind, lenFrom, lenArg, max, onError, scale;
  // a guarded row (after a When row): read only when argument guardArg is guardValue
  int guarded, guardArg;
  uint32_t guardValue;
};
// whether row r is read for a call with arguments a
static inline int row_applies(const struct plan_row* r, const long* a) {
  return !r->guarded || (uint32_t)a[r->guardArg] == r->guardValue;
}

static unsigned char is_fast[MAX_NR];
static int nfast;
static struct plan_row plan[MAX_NR][MAX_ROWS];
static unsigned char nrows[MAX_NR];
// The plan's guarded rows (a When row, then the capture it guards: fcntl's lock structure for
// its lock commands) the library reads itself when it can (a C string or a buffer, not read
// both before and after the call: the library reads after it); a call whose argument has the
// value of another guard is made as a traced call (the tracer reads what the row says).
#define MAX_GUARDS 64
static struct { int nr, arg; uint32_t value; } guards[MAX_GUARDS];
static int nguards;
static unsigned char guarded[MAX_NR];
// a call of nr whose argument arg is value goes to the tracer: false when no room is left
static int leave_to_tracer(int nr, int arg, uint32_t value) {
  if (nguards >= MAX_GUARDS) return 0;
  guards[nguards].nr = nr;
  guards[nguards].arg = arg;
  guards[nguards++].value = value;
  guarded[nr] = 1;
  return 1;
}
static inline int to_tracer(long nr, const long* a) {
  if (!guarded[nr]) return 0;
  for (int i = 0; i < nguards; i++)
    if (guards[i].nr == nr && (uint32_t)a[guards[i].arg] == guards[i].value) return 1;
  return 0;
}
static int enabled;           // the gadget is mapped: wrappers record
static volatile int detached; // registration failed: no tracer, calls run unrecorded
// Each thread's buffer, found through a pthread key: no TLS of the library's own, which would
// change the size of the TLS block the loader maps for every thread (a recording would then
// show mmaps of other sizes than a run without the library).
static pthread_key_t buf_key;

// libc's own time functions (the vDSO behind them), for the library's timestamps and for its
// wrappers of the same names below; found once, at start-up or at a wrapper's first call.
static int (*real_clock_gettime)(clockid_t, struct timespec*);
static int (*real_gettimeofday)(struct timeval*, void*);
static time_t (*real_time)(time_t*);
static void find_time_functions(void) {
  if (!real_clock_gettime) real_clock_gettime = (int (*)(clockid_t, struct timespec*))dlsym(RTLD_NEXT, "clock_gettime");
  if (!real_gettimeofday) real_gettimeofday = (int (*)(struct timeval*, void*))dlsym(RTLD_NEXT, "gettimeofday");
  if (!real_time) real_time = (time_t(*)(time_t*))dlsym(RTLD_NEXT, "time");
}

static inline int64_t now_ns(void) {
  struct timespec ts;
  real_clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: the buffer is off when the vDSO is hidden
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// ---- memory known to be readable -----------------------------------------------------------
//
// process_vm_readv costs 1.5 us here (a plain syscall 0.24 us), more than the rest of a
// buffered write. Most buffers a program hands the kernel are on its stack, in its brk heap or
// in its own image, which stay mapped and readable: those are copied directly.
//  - the main thread's stack from the caller's frame up to the stack's top, when the frame is on
//    that stack (not a signal stack or a coroutine's);
//  - the brk heap, from the break when the library loaded to libc's current break (__curbrk,
//    which libc's sbrk keeps: reading it makes no syscall);
//  - the readable segments of the images loaded at start-up, which are never unloaded.
// A program that takes read access away from any of it (munmap, mprotect without PROT_READ,
// through the wrappers below) turns all of this off: every read then asks the kernel.
#define MAX_IMAGE_SEGMENTS 64
static uint64_t heap_lo;
static struct { uint64_t lo, hi; } segments[MAX_IMAGE_SEGMENTS];
static int nsegments;
static volatile int ranges_off;
static uint64_t main_stack_lo, main_stack_hi;  // the main thread's, from start-up
extern void* __libc_stack_end;
extern void* __curbrk;

// libc's break: 0 until its first sbrk
static uint64_t heap_hi(void) { return (uint64_t)__atomic_load_n(&__curbrk, __ATOMIC_RELAXED); }

static int within(uint64_t addr, uint64_t end, uint64_t lo, uint64_t hi) { return addr >= lo && end <= hi; }

static int known_readable(const struct rift_sb_header* h, uint64_t addr, size_t len) {
  uint64_t end = addr + len;
  if (ranges_off || end < addr) return 0;
  uint64_t frame = (uint64_t)__builtin_frame_address(0);
  if (h && h->stack_hi && within(frame, frame, h->stack_lo, h->stack_hi) && within(addr, end, frame, h->stack_hi)) return 1;
  if (heap_lo && within(addr, end, heap_lo, heap_hi())) return 1;
  for (int i = 0; i < nsegments; i++)
    if (within(addr, end, segments[i].lo, segments[i].hi)) return 1;
  return 0;
}

// Whether [addr, addr + len) meets memory known_readable relies on (not the stack: a program
// does not unmap the stack it runs on).
static int overlaps_known(uint64_t addr, size_t len) {
  uint64_t end = addr + len;
  if (heap_lo && addr < heap_hi() && end > heap_lo) return 1;
  for (int i = 0; i < nsegments; i++)
    if (addr < segments[i].hi && end > segments[i].lo) return 1;
  return 0;
}

static int add_segments(struct dl_phdr_info* info, size_t size, void* data) {
  (void)size, (void)data;
  for (int i = 0; i < info->dlpi_phnum && nsegments < MAX_IMAGE_SEGMENTS; i++) {
    const ElfW(Phdr)* ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_R)) continue;
    segments[nsegments].lo = info->dlpi_addr + ph->p_vaddr;
    segments[nsegments].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
    nsegments++;
  }
  return 0;
}

// At start-up, in the main thread, once the gadget is there: the calls are the library's own,
// not the program's (libc's getrlimit or sbrk would be recorded as the program's).
static void find_known_ranges(void) {
  dl_iterate_phdr(add_segments, NULL);
  long brk = UNTRACED(SYS_brk, 0, 0, 0, 0, 0, 0);
  heap_lo = brk > 0 ? (uint64_t)brk : 0;
  struct rlimit rl;
  // the main stack grows down from near __libc_stack_end, at most the stack limit
  if (UNTRACED(SYS_prlimit64, 0, RLIMIT_STACK, 0, &rl, 0, 0) == 0 && rl.rlim_cur != RLIM_INFINITY && __libc_stack_end &&
      (uint64_t)__libc_stack_end > rl.rlim_cur) {
    main_stack_hi = (uint64_t)__libc_stack_end;
    main_stack_lo = main_stack_hi - rl.rlim_cur;
  }
}

// The calling thread's stack, for a new buffer: the main thread's; [0, 0) for the others, whose
// bounds only pthread_getattr_np knows, which allocates and makes calls of its own.
static void thread_stack(struct rift_sb_header* h) {
  h->owner = (uint32_t)UNTRACED(SYS_gettid, 0, 0, 0, 0, 0, 0);
  int main_thread = h->owner == (uint32_t)UNTRACED(SYS_getpid, 0, 0, 0, 0, 0, 0);
  h->stack_lo = main_thread ? main_stack_lo : 0;
  h->stack_hi = main_thread ? main_stack_hi : 0;
}

// Reads our own memory without faulting: -errno when nothing at all could be read.
static long safe_read(uint64_t addr, void* dst, size_t len) {
  if (len == 0) return 0;
  if (known_readable(pthread_getspecific(buf_key), addr, len)) {
    memcpy(dst, (const void*)addr, len);
    return (long)len;
  }
  struct iovec l = {dst, len}, r = {(void*)addr, len};
  long pid = UNTRACED(SYS_getpid, 0, 0, 0, 0, 0, 0);
  return UNTRACED(SYS_process_vm_readv, pid, &l, 1, &r, 1, 0);
}

// ---- records ------------------------------------------------------------------------------

// A record is built in place in the buffer; `cur` is where the next byte goes.
struct builder {
  uint8_t* start;
  uint8_t* cur;
  uint16_t nblobs;
};

static void put_blob_header(uint8_t* p, uint8_t arg, uint8_t flags, uint8_t kind, uint32_t index,
                            uint32_t fullLen, uint32_t len) {
  p[0] = arg; p[1] = flags; p[2] = kind; p[3] = 0;
  memcpy(p + 4, &index, 4);
  memcpy(p + 8, &fullLen, 4);
  memcpy(p + 12, &len, 4);
}

#define SB_ROW struct plan_row
#include "sb_capture.h"

static void capture_row(struct builder* b, const struct plan_row* r, const long* a, long ret, int is_error) {
  uint8_t flags = r->atExit ? RIFT_BLOB_EXIT : 0;
  uint8_t arg = (uint8_t)r->arg;
  uint64_t addr = (uint64_t)a[r->arg];
  uint8_t* hdr = b->cur;
  uint8_t* dst = hdr + 16;
  b->nblobs++;
  if (r->kind == RIFT_CAPTURE_CSTRING) {
    size_t cap = r->max < 0 ? STRING_CAP : (size_t)r->max;
    if (addr == 0) {
      put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, (uint8_t)r->kind, 0, EFAULT, 0);
      b->cur = dst;
      return;
    }
    int nul;
    long n = read_bounded(addr, dst, cap + 1, 1, &nul);
    if (n < 0) {
      put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, (uint8_t)r->kind, 0, (uint32_t)-n, 0);
      b->cur = dst;
    } else if (!nul && (size_t)n > cap) {
      put_blob_header(hdr, arg, flags | RIFT_BLOB_TRUNCATED, (uint8_t)r->kind, 0, (uint32_t)n, (uint32_t)cap);
      b->cur = dst + cap;
    } else {
      put_blob_header(hdr, arg, flags, (uint8_t)r->kind, 0, (uint32_t)n, (uint32_t)n);
      b->cur = dst + n;
    }
    return;
  }
  // a buffer: its length from the plan, bounded by max (a fixed-size struct is whole)
  int64_t full = buffer_length(r, a, ret, 0);
  size_t want = kept_length(r, full);
  if (addr == 0 && full > 0) {
    put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, (uint8_t)r->kind, 0, EFAULT, 0);
    b->cur = dst;
    return;
  }
  long n = read_row(r, is_error, addr, dst, want);
  if (n < 0) {
    put_blob_header(hdr, arg, flags | RIFT_BLOB_FAULT, (uint8_t)r->kind, 0, (uint32_t)-n, 0);
    b->cur = dst;
    return;
  }
  put_blob_header(hdr, arg, (uint8_t)(flags | ((size_t)n < (size_t)full ? RIFT_BLOB_TRUNCATED : 0)), (uint8_t)r->kind,
                  0, (uint32_t)full, (uint32_t)n);
  b->cur = dst + n;
}

static void put_record_header(uint8_t* p, long nr, const long* a, long ret, int64_t t0, int64_t t1, int64_t flags) {
  uint16_t kind = RIFT_REC_SYSCALL;
  memcpy(p + 4, &kind, 2);
  memset(p + 8, 0, 8);  // tid, pid: filled in by the tracer
  memcpy(p + 16, &t0, 8);
  int64_t v[10] = {nr, a[0], a[1], a[2], a[3], a[4], a[5], ret, t1 - t0, flags};
  memcpy(p + 24, v, sizeof v);
}

// The tracer's word on the gadget page (RIFT_SB_OFF_OFFSET): the program sandboxed itself.
static inline int sandboxed(void) {
  return enabled && *(volatile uint32_t*)(RIFT_SB_GADGET_PAGE + RIFT_SB_OFF_OFFSET) != 0;
}

// The magic syscall; never once the program is sandboxed (its filter could kill the process).
static long magic(long op, long a1, long a2) {
  if (sandboxed()) return -ENOSYS;
  return TRACED(RIFT_SB_MAGIC_NR, op, a1, a2, 0, 0, 0);
}

static struct rift_sb_header* thread_buffer(void) {
  struct rift_sb_header* h = pthread_getspecific(buf_key);
  if (h || detached) return h;
  void* p = (void*)UNTRACED(SYS_mmap, 0, RIFT_SB_BUFFER_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if ((unsigned long)p > -4096UL) return NULL;
  h = p;
  h->magic = RIFT_SB_HEADER_MAGIC;
  h->size = RIFT_SB_BUFFER_SIZE;
  h->head = h->tail = RIFT_SB_HEADER_SIZE;
  thread_stack(h);
  long r = magic(RIFT_SB_OP_REGISTER, (long)h, RIFT_SB_BUFFER_SIZE);
  if (r != 0) {
    // 1: this thread is exiting (its calls go to the tracer one by one); else no tracer
    // (detached): calls still run, nothing is recorded
    if (r != 1) detached = 1;
    UNTRACED(SYS_munmap, p, RIFT_SB_BUFFER_SIZE, 0, 0, 0, 0);
    return NULL;
  }
  pthread_setspecific(buf_key, h);
  return h;
}

// ---- where the thread is in a buffered call (the header's stage word) ----------------------
// The tracer reads it at a signal-delivery stop to place the signal among the buffered calls:
// before the call (entered), at its exit (made, or its record being published). Written only
// by the thread (not by a vfork child on its TLS); the compiler keeps the stores in program
// order around the call (the gadget's asm clobbers memory). A wrapper puts back the word it
// found: a signal handler's buffered calls, inside another one's wrapper, leave it as it was.
static inline uint32_t* stage_word(void) {
  struct rift_sb_header* h = pthread_getspecific(buf_key);
  return h && !__atomic_load_n(&h->lent, __ATOMIC_RELAXED) ? &h->stage : NULL;
}
static inline void set_stage(uint32_t* w, long nr, uint32_t phase) {
  if (w) __atomic_store_n(w, ((uint32_t)nr << 2) | phase, __ATOMIC_RELAXED);
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}
static inline void put_stage(uint32_t* w, uint32_t v) {
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
  if (w) __atomic_store_n(w, v, __ATOMIC_RELAXED);
}
// made -> recorded, just before the record is published (the tracer then finds it unfinished
// in the buffer, or taken: which of the two tells whether it comes after the signal)
static inline void stage_recorded(struct rift_sb_header* h) {
  uint32_t v = __atomic_load_n(&h->stage, __ATOMIC_RELAXED);
  if ((v & 3) == RIFT_SB_STAGE_MADE) __atomic_store_n(&h->stage, v | RIFT_SB_STAGE_RECORDED, __ATOMIC_RELAXED);
  __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

// Appends the record of one completed call to the thread's buffer. Room is reserved first (a
// signal handler's own call may land in the middle and append after it), the length written
// last. A record too big for the buffer goes to the tracer through the magic syscall, which
// captures it the ptrace way.
static void record(long nr, const long* a, long ret, int64_t t0, int64_t t1, int64_t flags) {
  struct rift_sb_header* h = thread_buffer();
  int is_error = ret < 0 && ret >= -4095;
  int64_t need = 8 + RIFT_RECORD_HEADER;
  for (int i = 0; i < nrows[nr]; i++) {
    const struct plan_row* r = &plan[nr][i];
    if (row_applies(r, a) && (!r->atExit || !is_error || r->onError)) need += row_bound(r, a, ret);
  }
  need = (need + 7) & ~7;
  uint32_t lent = h ? __atomic_load_n(&h->lent, __ATOMIC_ACQUIRE) : 0;
  if (lent) {
    // a vfork child, or a raw clone's thread, on its parent's TLS: its calls go to the tracer,
    // under its own tid. The owner's first record after a vfork takes the buffer back; a
    // thread beside it keeps it lent (each record then asks for the caller's tid).
    if ((uint32_t)UNTRACED(SYS_gettid, 0, 0, 0, 0, 0, 0) != h->owner) goto direct;
    if (lent & RIFT_SB_LENT_VFORK) __atomic_and_fetch(&h->lent, ~RIFT_SB_LENT_VFORK, __ATOMIC_RELEASE);
  }
  if (!h || need > RIFT_SB_BUFFER_SIZE - RIFT_SB_HEADER_SIZE) goto direct;
  if (h->head + need > h->size) {
    if (magic(RIFT_SB_OP_FLUSH, 0, 0) != 0) {
      detached = 1;
      return;
    }
  }
  __atomic_add_fetch(&h->busy, 1, __ATOMIC_SEQ_CST);
  // reserve [off, off + need): a compare-and-swap, as a signal handler's record may be reserved
  // between the test and the store
  uint64_t off = __atomic_load_n(&h->head, __ATOMIC_SEQ_CST);
  do {
    if (off + need > h->size) {  // still full: a record below this one is unfinished
      __atomic_sub_fetch(&h->busy, 1, __ATOMIC_SEQ_CST);
      goto direct;
    }
    // the slot's length says "not complete" before the slot is published: the buffer is reused
    // after each drain, and the old bytes there must not pass for a finished record if the
    // thread is stopped in the middle of this one
    __atomic_store_n((uint32_t*)((uint8_t*)h + off), 0, __ATOMIC_SEQ_CST);
  } while (!__atomic_compare_exchange_n(&h->head, &off, off + (uint64_t)need, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
  uint8_t* slot = (uint8_t*)h + off;
  struct builder b = {slot + 8, slot + 8 + RIFT_RECORD_HEADER, 0};
  put_record_header(b.start, nr, a, ret, t0, t1, flags);
  for (int i = 0; i < nrows[nr]; i++) {
    const struct plan_row* r = &plan[nr][i];
    if (!r->atExit && row_applies(r, a)) capture_row(&b, r, a, ret, is_error);
  }
  for (int i = 0; i < nrows[nr]; i++) {
    const struct plan_row* r = &plan[nr][i];
    if (r->atExit && (!is_error || r->onError) && row_applies(r, a)) capture_row(&b, r, a, ret, is_error);
  }
  uint32_t rec_len = (uint32_t)(b.cur - b.start);
  memcpy(b.start, &rec_len, 4);
  memcpy(b.start + 6, &b.nblobs, 2);
  memcpy(slot + 4, &rec_len, 4);
  // give back the room not used, unless a nested record was reserved after this one meanwhile
  uint64_t used = (8 + rec_len + 7) & ~7ULL;
  uint64_t expect = off + (uint64_t)need;
  uint32_t slot_len = (uint32_t)need;
  // Where the next slot would begin once the room is given back, a slot word of 0 first: a
  // tracer that read the head before it was given back, and this slot after it was published,
  // reads on past it; the bytes there are an older record's when the buffer has been reused
  // (a duplicate event, or a "malformed record" that would distrust the buffer). need - used
  // is a multiple of 8, so the word is inside this reservation.
  if (used < (uint64_t)need) __atomic_store_n((uint32_t*)(slot + used), 0, __ATOMIC_SEQ_CST);
  if (__atomic_compare_exchange_n(&h->head, &expect, off + used, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
    slot_len = (uint32_t)used;
  stage_recorded(h);
  __atomic_store_n((uint32_t*)slot, slot_len, __ATOMIC_RELEASE);  // complete: the tracer may take it
  __atomic_sub_fetch(&h->busy, 1, __ATOMIC_SEQ_CST);
  return;
direct:;
  if (detached) return;
  uint8_t rec[RIFT_RECORD_HEADER];
  put_record_header(rec, nr, a, ret, t0, t1, flags);
  if (magic(RIFT_SB_OP_CAPTURE, (long)rec, 0) != 0) detached = 1;
  if (h && !__atomic_load_n(&h->lent, __ATOMIC_RELAXED)) stage_recorded(h);
}

// A thread's buffer goes with it: drained, then unmapped. The tracer refuses it another, so
// its last calls (after the key destructors) go to the tracer one by one.
static void on_thread_exit(void* p) {
  if (sandboxed()) return;  // the tracer drains it at the thread's exit; it stays mapped
  magic(RIFT_SB_OP_FLUSH, 1, 0);
  UNTRACED(SYS_munmap, p, RIFT_SB_BUFFER_SIZE, 0, 0, 0, 0);
}

// ---- libc's own syscall instructions ------------------------------------------------------
//
// The wrappers above catch the calls a program makes through libc's exported functions; libc
// also makes calls of its own (opendir and readdir's getdents64, stdio's fcntl and close, the
// generic syscall()), which would stop the tracer. At start-up, before any other thread
// exists, the library rewrites the syscall instructions of libc (and of the loader, for
// dlopen) whose shape it recognises exactly into jumps to a stub of their own, as rr does
// (its Monkeypatcher): the stub runs the instructions the jump covered, calls rift_sb_entry
// (the call recorded as a wrapper records it) and jumps back. A site of a call that is not
// buffered, or of a shape not listed below, is left as it is and stops the tracer as before.
// The patches are in the process's memory: a fork keeps them, an execve drops them (the new
// image loads the library again).
//
// The shapes, and the stubs, are sb_sites.h's (the tracer patches the loader's sites with the
// same table before the library is loaded: the loader's early hook).

#define STUB_AREA_SIZE (64 * 1024)
#define MAX_STUB SB_MAX_STUB
static size_t stub_used;
static int npatched;

// Room for the stubs, in the library's own text (page-aligned, int3-filled): the loader maps
// the library next to libc, within a rel32 jump of it, and a mapping of its own would change
// where the program's later mappings go (a runtime that reserves big ranges at addresses of
// its choosing, as V8 does, could then take another path than in a replay).
__asm__(
    ".pushsection .text.rift_stubs,\"ax\",@progbits\n"
    ".balign 4096\n"
    ".globl rift_sb_stubs\n"
    ".hidden rift_sb_stubs\n"
    "rift_sb_stubs:\n"
    ".fill 65536,1,0xcc\n"
    ".balign 4096\n"
    ".popsection\n");
extern uint8_t rift_sb_stubs[];
static uint8_t* const stub_area = rift_sb_stubs;

extern char rift_sb_entry[];

// The syscall a stub stands for, in place of `syscall` (sb_calls.h): rift_sb_hook below.
__asm__(RIFT_SB_ENTRY_ASM(rift_sb_entry, rift_sb_hook, ".hidden rift_sb_entry\n"));


// A patched site's call (rift_sb_entry): recorded as a wrapper records it, the raw result
// returned as the syscall instruction returns it (libc's code after the site sets errno).
__attribute__((used, visibility("hidden"))) long rift_sb_hook(long nr, const long* args) {
  if (!enabled || detached || sandboxed() || (unsigned long)nr >= MAX_NR || !is_fast[nr] || to_tracer(nr, args)) return plain_syscall(nr, args);
  long a[6] = {args[0], args[1], args[2], args[3], args[4], args[5]};
  if (nr == SYS_munmap && overlaps_known((uint64_t)a[0], (size_t)a[1])) ranges_off = 1;
  if (nr == SYS_mprotect && !(a[2] & PROT_READ) && overlaps_known((uint64_t)a[0], (size_t)a[1])) ranges_off = 1;
  if (nr == SYS_mmap && (a[3] & MAP_FIXED) && overlaps_known((uint64_t)a[0], (size_t)a[1])) ranges_off = 1;
  int saved = errno;
  uint32_t* stage = stage_word();
  uint32_t outer = stage ? *stage : 0;
  set_stage(stage, nr, RIFT_SB_STAGE_ENTERED);
  int64_t t0 = now_ns();
  long ret = UNTRACED(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
  set_stage(stage, nr, RIFT_SB_STAGE_MADE);
  int64_t t1 = now_ns();
  record(nr, a, ret, t0, t1, RIFT_SC_BUFFERED);
  errno = saved;
  put_stage(stage, outer);
  return ret;
}

// Whether a site of call `nr` is patched: a buffered call, but not the time calls libc makes
// when the vDSO cannot answer (the library's own clock goes through them).
static int patchable_nr(long nr) {
  return nr >= 0 && nr < MAX_NR && is_fast[nr] && nr != SYS_clock_gettime && nr != SYS_gettimeofday && nr != SYS_time;
}

static int within_rel32(uint64_t from, uint64_t to) {
  int64_t d = (int64_t)to - (int64_t)from;
  return d > -0x7fff0000LL && d < 0x7fff0000LL;
}

// Patches every site of the executable segment [lo, hi) of a loaded image.
static void patch_segment(uint64_t lo, uint64_t hi) {
  uint64_t page_lo = lo & ~4095ULL, page_hi = (hi + 4095) & ~4095ULL;
  if (!within_rel32((uint64_t)stub_area, lo) || !within_rel32((uint64_t)stub_area + STUB_AREA_SIZE, hi)) return;
  if (UNTRACED(SYS_mprotect, page_lo, page_hi - page_lo, PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0, 0) != 0) return;
  uint8_t* t = (uint8_t*)lo;
  size_t len = hi - lo;
  for (size_t p = 0; p + 1 < len; p++) {
    if (t[p] != 0x0f || t[p + 1] != 0x05) continue;
    struct sb_site st;
    if (!sb_match_site(t, len, p, &st, patchable_nr)) continue;
    if (stub_used + MAX_STUB > STUB_AREA_SIZE) break;
    uint8_t* stub = stub_area + stub_used;
    uint8_t* end = sb_emit_stub(stub, (uint64_t)stub, t + st.start, &st, lo + st.end, (uint64_t)is_fast, (uint64_t)rift_sb_entry);
    stub_used = (size_t)(end - stub_area + 15) & ~(size_t)15;
    uint8_t jump[SB_MAX_SITE];
    sb_site_jump(jump, &st, lo + st.start, (uint64_t)stub);
    memcpy(t + st.start, jump, st.end - st.start);
    npatched++;
    p = st.end - 1;
  }
  UNTRACED(SYS_mprotect, page_lo, page_hi - page_lo, PROT_READ | PROT_EXEC, 0, 0, 0);
}

static int patch_image(struct dl_phdr_info* info, size_t size, void* data) {
  (void)size, (void)data;
  const char* name = info->dlpi_name ? info->dlpi_name : "";
  const char* base = strrchr(name, '/');
  base = base ? base + 1 : name;
  if (strcmp(base, "libc.so.6") != 0 && strcmp(base, "ld-linux-x86-64.so.2") != 0) return 0;
  for (int i = 0; i < info->dlpi_phnum; i++) {
    const ElfW(Phdr)* ph = &info->dlpi_phdr[i];
    if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X))
      patch_segment(info->dlpi_addr + ph->p_vaddr, info->dlpi_addr + ph->p_vaddr + ph->p_memsz);
  }
  return 0;
}

// In the constructor, the program's only thread: no other can be running the bytes changed.
// RIFT_SB_NO_PATCH in the environment (a test's or a user's) leaves libc as it is.
static void patch_libc(void) {
  if (UNTRACED(SYS_mprotect, stub_area, STUB_AREA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, 0, 0, 0) != 0) return;
  dl_iterate_phdr(patch_image, NULL);
  UNTRACED(SYS_mprotect, stub_area, STUB_AREA_SIZE, PROT_READ | PROT_EXEC, 0, 0, 0);
}

// ---- start-up -----------------------------------------------------------------------------

static int parse_config(const char* s) {
  // "<nr>,<nr>,...;<row ints>,..." (rows of 9: nr arg atExit kind lenFrom lenArg max onError scale)
  char* end;
  while (*s && *s != ';') {
    long nr = strtol(s, &end, 10);
    if (end == s || nr < 0 || nr >= MAX_NR) return -1;
    is_fast[nr] = 1;
    nfast++;
    s = *end == ',' ? end + 1 : end;
  }
  if (*s != ';') return -1;
  s++;
  int guard = -1;          // the row after a When row: guarded by it (argument, value)
  long guardArg = 0, guardValue = 0;
  while (*s) {
    long v[9];
    for (int i = 0; i < 9; i++) {
      v[i] = strtol(s, &end, 10);
      if (end == s) return -1;
      s = *end == ',' ? end + 1 : end;
    }
    if (v[0] < 0 || v[0] >= MAX_NR || v[1] < 0 || v[1] > 5) return -1;
    if (v[3] == RIFT_CAPTURE_WHEN) {
      // on the argument itself (v[5] 0), equal (v[6] 0): the only guards the library tests
      if (v[5] != 0 || v[6] != 0) return -1;
      guard = (int)v[0];
      guardArg = v[1];
      guardValue = v[4];
      continue;
    }
    int isGuarded = guard == (int)v[0];
    guard = -1;
    if (v[5] < 0 || v[5] > 5) return -1;
    struct plan_row r = {(int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5], (int)v[6], (int)v[7], v[8] > 0 ? (int)v[8] : 1,
                         isGuarded, (int)guardArg, (uint32_t)guardValue};
    int readable = r.kind == RIFT_CAPTURE_CSTRING || r.kind == RIFT_CAPTURE_BUFFER;
    if (isGuarded && (!readable || nrows[v[0]] >= MAX_ROWS)) {
      if (!leave_to_tracer((int)v[0], (int)guardArg, (uint32_t)guardValue)) is_fast[v[0]] = 0;
      continue;
    }
    if (!readable || nrows[v[0]] >= MAX_ROWS) return -1;
    plan[v[0]][nrows[v[0]]++] = r;
  }
  // a guard whose rows read one argument both before and after the call (fcntl's F_GETLK): the
  // library reads after the call only, so such calls go to the tracer
  for (int nr = 0; nr < MAX_NR; nr++)
    for (int i = 0; i < nrows[nr]; i++)
      for (int j = i + 1; j < nrows[nr]; j++) {
        const struct plan_row *x = &plan[nr][i], *y = &plan[nr][j];
        if (x->guarded && y->guarded && x->guardArg == y->guardArg && x->guardValue == y->guardValue &&
            x->arg == y->arg && x->atExit != y->atExit && !leave_to_tracer(nr, x->guardArg, x->guardValue))
          is_fast[nr] = 0;
      }
  return 0;
}

// The program must not see the variables the tracer added (its environment is recorded, and
// what it passes on to its children is its own): the tracer adds them again at each execve.
static void clean_environment(void) {
  unsetenv(RIFT_SB_ENV);
  const char* pre = getenv("LD_PRELOAD");
  if (!pre) return;
  const char* rest = strpbrk(pre, ": ");
  if (!strstr(pre, "rift_syscallbuf.so") || (rest && strstr(rest, "rift_syscallbuf.so"))) return;
  if (!rest) {
    unsetenv("LD_PRELOAD");
    return;
  }
  while (*rest == ':' || *rest == ' ') rest++;
  if (*rest) setenv("LD_PRELOAD", rest, 1);
  else unsetenv("LD_PRELOAD");
}

// A replay (an empty configuration: the library loaded passive): the program's time reads
// through the wrappers below go to the kernel, where the replay answers them from the recording.
static int passive;

// Whether a mark's token is this image's: the first bytes at AT_RANDOM, in lower-case hex.
static int this_image(const char* token) {
  const uint8_t* random = (const uint8_t*)getauxval(AT_RANDOM);
  if (!random) return 0;
  for (int i = 0; i < RIFT_SB_TOKEN_LEN / 2; i++)
    if (token[2 * i] != "0123456789abcdef"[random[i] >> 4] || token[2 * i + 1] != "0123456789abcdef"[random[i] & 15]) return 0;
  return 1;
}

// The tracer's mapping (syscallbuf_abi.h, the loader's early hook): its buffer, which holds
// the loader's calls so far and is registered, becomes the main thread's, and the hook's stubs
// in the loader call this library's handler from now on. No call of the library's own, no
// stop: the calls it made to map and register its own are not needed.
static void adopt_early_mapping(void) {
  struct rift_sb_early* e = (struct rift_sb_early*)(RIFT_SB_GADGET_PAGE + RIFT_SB_EARLY_OFFSET);
  if (e->magic != RIFT_SB_EARLY_MAGIC || pthread_key_create(&buf_key, on_thread_exit) != 0) return;
  find_known_ranges();
  struct rift_sb_header* h = (struct rift_sb_header*)e->buffer;
  thread_stack(h);
  pthread_setspecific(buf_key, h);
  enabled = 1;
  const char* no_patch = getenv("RIFT_SB_NO_PATCH");
  if (!no_patch || !*no_patch) patch_libc();
  __atomic_store_n(&e->hook, (uint64_t)rift_sb_hook, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void rift_syscallbuf_init(void) {
  find_time_functions();
  const char* cfg = getenv(RIFT_SB_ENV);
  if (!cfg) return;
  // the mark of a recording configuration: '!' and this image's token, the tracer mapped the
  // gadget pages at the image's first stop, with the loader's early hook and this thread's
  // buffer in them
  int early = 0;
  if ((*cfg == RIFT_SB_MARK_PLAIN || *cfg == RIFT_SB_MARK_EARLY) && strnlen(cfg, 1 + RIFT_SB_TOKEN_LEN) == 1 + RIFT_SB_TOKEN_LEN) {
    early = *cfg == RIFT_SB_MARK_EARLY && this_image(cfg + 1);
    cfg += 1 + RIFT_SB_TOKEN_LEN;
  }
  passive = !*cfg;
  int ok = parse_config(cfg) == 0;
  clean_environment();
  if (!ok || nfast == 0) return;
  if (early) {
    adopt_early_mapping();
    return;
  }
  // The gadget pages are mapped by calls of libc's that the tracer would record as the
  // program's: they are made quiet first (the magic syscall goes out through libc's syscall(),
  // as the gadget does not exist yet; without a rift tracer it fails with ENOSYS).
  if (syscall(RIFT_SB_MAGIC_NR, RIFT_SB_OP_QUIET, 1, 0) != 0) return;
  void* page = mmap((void*)RIFT_SB_GADGET_PAGE, 8192, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  int ready = 0;
  if (page == (void*)RIFT_SB_GADGET_PAGE) {
    static const uint8_t gadget[] = {0x0f, 0x05, 0xc3};  // syscall; ret
    memcpy((uint8_t*)page + RIFT_SB_UNTRACED_OFFSET, gadget, sizeof gadget);
    memcpy((uint8_t*)page + RIFT_SB_TRACED_OFFSET, gadget, sizeof gadget);
    ready = mprotect(page, 8192, PROT_READ | PROT_EXEC) == 0;
  }
  syscall(RIFT_SB_MAGIC_NR, RIFT_SB_OP_QUIET, 0, 0);
  if (!ready || pthread_key_create(&buf_key, on_thread_exit) != 0) return;
  find_known_ranges();
  enabled = 1;
  const char* no_patch = getenv("RIFT_SB_NO_PATCH");
  if (!no_patch || !*no_patch) patch_libc();
}

// ---- the wrappers -------------------------------------------------------------------------

// One buffered call: run it through the gadget, record it, return as libc does (-1 and errno).
// A call the trace does not want from here (not in the configuration: a -e filter left it out),
// and every call once the program has a seccomp filter of its own, goes out through libc's
// syscall(), as the program's libc would have made it.
static long buffered(long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  long args[6] = {a0, a1, a2, a3, a4, a5};
  if (!enabled || detached || sandboxed() || nr < 0 || nr >= MAX_NR || !is_fast[nr] || to_tracer(nr, args)) {
    // made here, as libc's wrapper would (not through libc's syscall(), whose patched site
    // would test the number again): the cheapest way for a call the trace does not want
    long ret = plain_syscall(nr, args);
    if (ret < 0 && ret >= -4095) {
      errno = (int)-ret;
      return -1;
    }
    return ret;
  }
  long a[6] = {a0, a1, a2, a3, a4, a5};
  uint32_t* stage = stage_word();
  uint32_t outer = stage ? *stage : 0;
  set_stage(stage, nr, RIFT_SB_STAGE_ENTERED);
  int64_t t0 = now_ns();
  long ret = UNTRACED(nr, a0, a1, a2, a3, a4, a5);
  set_stage(stage, nr, RIFT_SB_STAGE_MADE);
  int64_t t1 = now_ns();
  int saved = errno;
  record(nr, a, ret, t0, t1, RIFT_SC_BUFFERED);
  put_stage(stage, outer);
  if (ret < 0 && ret >= -4095) {
    errno = (int)-ret;
    return -1;
  }
  errno = saved;
  return ret;
}

#define EXPORT __attribute__((visibility("default")))
#define B(nr, ...) buffered(nr, __VA_ARGS__)
// An int argument as glibc passes it: in the low half of the register, the upper half zero (the
// raw argument values are recorded, and must be what they are without the library)
#define I(x) ((long)(unsigned int)(x))

EXPORT ssize_t read(int fd, void* buf, size_t n) { return B(SYS_read, I(fd), (long)buf, (long)n, 0, 0, 0); }
EXPORT ssize_t write(int fd, const void* buf, size_t n) { return B(SYS_write, I(fd), (long)buf, (long)n, 0, 0, 0); }
EXPORT ssize_t pread64(int fd, void* buf, size_t n, off_t off) { return B(SYS_pread64, I(fd), (long)buf, (long)n, off, 0, 0); }
EXPORT ssize_t pread(int fd, void* buf, size_t n, off_t off) { return B(SYS_pread64, I(fd), (long)buf, (long)n, off, 0, 0); }
EXPORT ssize_t pwrite64(int fd, const void* buf, size_t n, off_t off) { return B(SYS_pwrite64, I(fd), (long)buf, (long)n, off, 0, 0); }
EXPORT ssize_t pwrite(int fd, const void* buf, size_t n, off_t off) { return B(SYS_pwrite64, I(fd), (long)buf, (long)n, off, 0, 0); }
EXPORT off_t lseek(int fd, off_t off, int whence) { return B(SYS_lseek, I(fd), off, I(whence), 0, 0, 0); }
EXPORT off_t lseek64(int fd, off_t off, int whence) { return B(SYS_lseek, I(fd), off, I(whence), 0, 0, 0); }
EXPORT int close(int fd) { return (int)B(SYS_close, I(fd), 0, 0, 0, 0, 0); }
EXPORT int dup(int fd) { return (int)B(SYS_dup, I(fd), 0, 0, 0, 0, 0); }
EXPORT int dup2(int fd, int to) { return (int)B(SYS_dup2, I(fd), I(to), 0, 0, 0, 0); }
EXPORT int dup3(int fd, int to, int flags) { return (int)B(SYS_dup3, I(fd), I(to), I(flags), 0, 0, 0); }
EXPORT pid_t getpid(void) { return (pid_t)B(SYS_getpid, 0, 0, 0, 0, 0, 0); }
EXPORT pid_t getppid(void) { return (pid_t)B(SYS_getppid, 0, 0, 0, 0, 0, 0); }
EXPORT pid_t gettid(void) { return (pid_t)B(SYS_gettid, 0, 0, 0, 0, 0, 0); }
EXPORT uid_t getuid(void) { return (uid_t)B(SYS_getuid, 0, 0, 0, 0, 0, 0); }
EXPORT uid_t geteuid(void) { return (uid_t)B(SYS_geteuid, 0, 0, 0, 0, 0, 0); }
EXPORT gid_t getgid(void) { return (gid_t)B(SYS_getgid, 0, 0, 0, 0, 0, 0); }
EXPORT gid_t getegid(void) { return (gid_t)B(SYS_getegid, 0, 0, 0, 0, 0, 0); }
EXPORT ssize_t getrandom(void* buf, size_t n, unsigned flags) { return B(SYS_getrandom, (long)buf, (long)n, I(flags), 0, 0, 0); }
EXPORT int sched_yield(void) { return (int)B(SYS_sched_yield, 0, 0, 0, 0, 0, 0); }
EXPORT mode_t umask(mode_t m) { return (mode_t)B(SYS_umask, m, 0, 0, 0, 0, 0); }
EXPORT int chdir(const char* p) { return (int)B(SYS_chdir, (long)p, 0, 0, 0, 0, 0); }
EXPORT int fchdir(int fd) { return (int)B(SYS_fchdir, I(fd), 0, 0, 0, 0, 0); }
EXPORT int unlink(const char* p) { return (int)B(SYS_unlink, (long)p, 0, 0, 0, 0, 0); }
EXPORT int mkdir(const char* p, mode_t m) { return (int)B(SYS_mkdir, (long)p, m, 0, 0, 0, 0); }
EXPORT int access(const char* p, int mode) { return (int)B(SYS_access, (long)p, I(mode), 0, 0, 0, 0); }
EXPORT ssize_t readlink(const char* p, char* buf, size_t n) { return B(SYS_readlink, (long)p, (long)buf, (long)n, 0, 0, 0); }
EXPORT int fsync(int fd) { return (int)B(SYS_fsync, I(fd), 0, 0, 0, 0, 0); }
EXPORT int fdatasync(int fd) { return (int)B(SYS_fdatasync, I(fd), 0, 0, 0, 0, 0); }
EXPORT int ftruncate(int fd, off_t len) { return (int)B(SYS_ftruncate, I(fd), len, 0, 0, 0, 0); }
EXPORT int ftruncate64(int fd, off_t len) { return (int)B(SYS_ftruncate, I(fd), len, 0, 0, 0, 0); }
EXPORT int munmap(void* p, size_t n) {
  if (overlaps_known((uint64_t)p, n)) ranges_off = 1;
  return (int)B(SYS_munmap, (long)p, (long)n, 0, 0, 0, 0);
}
EXPORT int mprotect(void* p, size_t n, int prot) {
  if (!(prot & PROT_READ) && overlaps_known((uint64_t)p, n)) ranges_off = 1;
  return (int)B(SYS_mprotect, (long)p, (long)n, I(prot), 0, 0, 0);
}
EXPORT int madvise(void* p, size_t n, int advice) { return (int)B(SYS_madvise, (long)p, (long)n, I(advice), 0, 0, 0); }
EXPORT int connect(int fd, const struct sockaddr* a, socklen_t n) { return (int)B(SYS_connect, I(fd), (long)a, n, 0, 0, 0); }
EXPORT ssize_t sendto(int fd, const void* buf, size_t n, int flags, const struct sockaddr* a, socklen_t an) {
  return B(SYS_sendto, I(fd), (long)buf, (long)n, I(flags), (long)a, an);
}
EXPORT int ioctl(int fd, unsigned long req, ...) {
  va_list ap;
  va_start(ap, req);
  long arg = va_arg(ap, long);
  va_end(ap);
  return (int)B(SYS_ioctl, I(fd), (long)req, arg, 0, 0, 0);
}
// the stat family: newfstatat(2), as glibc 2.33 and later make it (fstat of a negative
// descriptor fails with EBADF before any call)
static const char empty_path[] = "";
EXPORT int fstatat(int dirfd, const char* p, struct stat* st, int flags) {
  return (int)B(SYS_newfstatat, I(dirfd), (long)p, (long)st, I(flags), 0, 0);
}
EXPORT int fstatat64(int dirfd, const char* p, struct stat64* st, int flags) { return fstatat(dirfd, p, (struct stat*)st, flags); }
EXPORT int stat(const char* p, struct stat* st) { return fstatat(AT_FDCWD, p, st, 0); }
EXPORT int stat64(const char* p, struct stat64* st) { return fstatat(AT_FDCWD, p, (struct stat*)st, 0); }
EXPORT int lstat(const char* p, struct stat* st) { return fstatat(AT_FDCWD, p, st, AT_SYMLINK_NOFOLLOW); }
EXPORT int lstat64(const char* p, struct stat64* st) { return fstatat(AT_FDCWD, p, (struct stat*)st, AT_SYMLINK_NOFOLLOW); }
EXPORT int fstat(int fd, struct stat* st) {
  if (fd < 0) {
    errno = EBADF;
    return -1;
  }
  return fstatat(fd, empty_path, st, AT_EMPTY_PATH);
}
EXPORT int fstat64(int fd, struct stat64* st) { return fstat(fd, (struct stat*)st); }
// open and openat: glibc passes a mode only when the flags need one (O_CREAT, O_TMPFILE)
#define NEEDS_MODE(f) (((f) & O_CREAT) || ((f) & O_TMPFILE) == O_TMPFILE)
static int open_mode(int flags, va_list ap) { return NEEDS_MODE(flags) ? va_arg(ap, int) : 0; }
// openat(2) of dirfd, or of AT_FDCWD for open(2): what glibc's four entry points make
#define OPEN_BODY(dirfd)                                             \
  va_list ap;                                                        \
  va_start(ap, flags);                                               \
  int mode = open_mode(flags, ap);                                   \
  va_end(ap);                                                        \
  return (int)B(SYS_openat, I(dirfd), (long)p, I(flags), I(mode), 0, 0);
#define OPENAT(fn) EXPORT int fn(int dirfd, const char* p, int flags, ...) { OPEN_BODY(dirfd) }
#define OPEN(fn) EXPORT int fn(const char* p, int flags, ...) { OPEN_BODY(AT_FDCWD) }
OPENAT(openat)
OPENAT(openat64)
OPEN(open)
OPEN(open64)

// ---- time ---------------------------------------------------------------------------------
//
// clock_gettime, gettimeofday and time make no syscall: the vDSO answers them in the process,
// so neither engine would see them and a replay could not give the program its recorded time.
// The wrappers below let libc's vDSO answer as usual and record the answer, flagged vdso (no
// kernel entry: readers that show syscalls, as strace, leave them out). In a replay they ask
// the kernel instead, and the replay answers with the recorded value. Calls libc makes to its
// own clock inside other functions are not seen (they are not interposed).
static inline int recording(long nr) { return enabled && !detached && !sandboxed() && is_fast[nr]; }

// (the stage word: the read made, then as the wrapper found it)
static void record_time(long nr, long a0, long a1, long ret, int64_t t0, uint32_t* stage, uint32_t outer) {
  set_stage(stage, nr, RIFT_SB_STAGE_MADE);
  long a[6] = {a0, a1, 0, 0, 0, 0};
  int saved = errno;
  record(nr, a, ret, t0, now_ns(), RIFT_SC_BUFFERED | RIFT_SC_VDSO);
  errno = saved;
  put_stage(stage, outer);
}
#define TIME_STAGE(nr)                      \
  uint32_t* stage = stage_word();           \
  uint32_t outer = stage ? *stage : 0;      \
  set_stage(stage, nr, RIFT_SB_STAGE_ENTERED)

EXPORT int clock_gettime(clockid_t id, struct timespec* ts) {
  if (passive) return (int)syscall(SYS_clock_gettime, id, ts);
  if (!real_clock_gettime) find_time_functions();
  if (!recording(SYS_clock_gettime)) return real_clock_gettime(id, ts);
  TIME_STAGE(SYS_clock_gettime);
  int64_t t0 = now_ns();
  int r = real_clock_gettime(id, ts);
  record_time(SYS_clock_gettime, I(id), (long)ts, r == 0 ? 0 : -errno, t0, stage, outer);
  return r;
}

EXPORT int gettimeofday(struct timeval* tv, void* tz) {
  if (passive) return (int)syscall(SYS_gettimeofday, tv, tz);
  if (!real_gettimeofday) find_time_functions();
  if (!recording(SYS_gettimeofday)) return real_gettimeofday(tv, tz);
  TIME_STAGE(SYS_gettimeofday);
  int64_t t0 = now_ns();
  int r = real_gettimeofday(tv, tz);
  record_time(SYS_gettimeofday, (long)tv, (long)tz, r == 0 ? 0 : -errno, t0, stage, outer);
  return r;
}

EXPORT time_t time(time_t* t) {
  if (passive) return (time_t)syscall(SYS_time, t);
  if (!real_time) find_time_functions();
  if (!recording(SYS_time)) return real_time(t);
  TIME_STAGE(SYS_time);
  int64_t t0 = now_ns();
  time_t r = real_time(t);
  record_time(SYS_time, (long)t, 0, (long)r, t0, stage, outer);
  return r;
}
