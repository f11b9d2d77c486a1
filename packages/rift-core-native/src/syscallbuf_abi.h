// The syscall buffer's contract between the ptrace engine (tracer.cc) and the preload library
// that records common syscalls inside the traced process (syscallbuf.c). C and C++ both include
// it; keep the two sides in step.
//
// How it works (the idea is rr's syscall buffer):
//  - The tracer's seccomp filter, installed before the program's execve, lets through every
//    syscall made from one fixed page, the library's "untraced gadget". Every other syscall the
//    trace wants stops the tracer (SECCOMP_RET_TRACE).
//  - The library, preloaded, defines read, write, close..., and in its constructor rewrites the
//    syscall instructions of libc (and the loader) for the calls it records into jumps to
//    stubs of its own (rr's monkeypatching). Each runs its syscall through the gadget and
//    appends a record (record_buffer.h's layout, tid and pid left 0) to the calling thread's
//    buffer: no ptrace stop. Its own calls (its buffers, the stubs' page, the mprotects of
//    libc's text) go through the same gadget and are never recorded.
//  - The tracer drains a thread's buffer at each of its ptrace stops, before anything else it
//    records for the thread, so a thread's events keep their order. A full buffer asks for a
//    drain through the magic syscall, as does a thread's first buffered call (registration).
#pragma once
#include <stdint.h>

// Two fixed pages (the tracer's filter must know them before exec): every syscall made from the
// first runs without a stop; the second holds the gadget of the magic syscall, which stops.
#define RIFT_SB_GADGET_PAGE 0x52490000ULL
#define RIFT_SB_UNTRACED_OFFSET 0          // syscall; ret
#define RIFT_SB_TRACED_OFFSET 4096         // syscall; ret, on the second page
// A u32 on the first page, set by the tracer when the program installs a seccomp filter of its
// own: from then on the library makes no call of its own (the program's filter could kill the
// process for one), and each wrapper goes out through libc's syscall().
#define RIFT_SB_OFF_OFFSET 64

// The magic syscall: no kernel has this number; the tracer's filter stops at it and the tracer
// completes it (result 0) without the kernel seeing it. arg0 = operation.
#define RIFT_SB_MAGIC_NR 0x7269
#define RIFT_SB_OP_REGISTER 1  // arg1 = buffer address, arg2 = its size in bytes. Result 1: no
                               // (the thread is exiting), its calls are sent one by one
#define RIFT_SB_OP_FLUSH 2     // the calling thread's buffer is full: drain it. arg1 = 1: the
                               // thread is exiting and unmaps it
#define RIFT_SB_OP_QUIET 3     // arg1 = 1: the thread's next calls are the library's own (not
                               // recorded) until one with arg1 = 0
#define RIFT_SB_OP_CAPTURE 4   // arg1 = a record header (no blobs) of a call too big for the
                               // buffer: the tracer captures its memory the ptrace way

// Environment of a program started with the buffer (added by the tracer at each execve, after
// the call was recorded, and removed by the library at start-up, so the program does not see
// them; a static program, which loads no library, does):
//   LD_PRELOAD=<path of rift_syscallbuf.so>
//   RIFT_SYSCALLBUF=<nr>,<nr>,...;<plan rows>   plan rows as in capturePlan(), 9 ints each
#define RIFT_SB_ENV "RIFT_SYSCALLBUF"
// A recording configuration starts with a mark and a token the tracer may change in the new
// image's environment before the library reads them: '.' nothing more; '!' the tracer mapped
// the gadget pages itself at the image's first stop, with the loader's early hook (below),
// and the library adopts them, if the token is this image's: the first 8 bytes at AT_RANDOM
// (new at each execve), in lower-case hex. A stale environment passed on to another image
// (from /proc/self/environ, by a sandboxed program or one no longer traced) does not make the
// library adopt a mapping that is not there. A passive configuration (empty) has neither.
#define RIFT_SB_MARK_PLAIN '.'
#define RIFT_SB_MARK_EARLY '!'
#define RIFT_SB_TOKEN_LEN 16

// The loader's early hook (issue 16). Before the library's constructor runs, the loader
// (ld.so) opens, reads and maps the program's libraries with syscall instructions of its own.
// At the new image's first syscall stop the tracer maps RIFT_SB_EARLY_SIZE bytes at
// RIFT_SB_GADGET_PAGE (the two gadget pages, then the hook's code, the stubs, one buffer),
// writes the hook there (early_hook.c, flattened at build time), rewrites ld.so's syscall
// sites of known shapes (sb_sites.h) into jumps to stubs that call it, and registers the
// buffer as the thread's. The hook records those calls as the library does. The library finds
// the mark '!' in its configuration, adopts the buffer as the main thread's and sets `hook`:
// from then on the stubs call the library's own handler.
#define RIFT_SB_EARLY_OFFSET 0x2000         // the hook's image: struct rift_sb_early first
#define RIFT_SB_EARLY_IMAGE_MAX 0x6000      // its room, up to the stubs
#define RIFT_SB_EARLY_STUBS_OFFSET 0x8000   // the stubs of ld.so's sites
#define RIFT_SB_EARLY_STUBS_SIZE 0x8000
#define RIFT_SB_EARLY_BUFFER_OFFSET 0x10000 // the main thread's buffer (RIFT_SB_BUFFER_SIZE)
#define RIFT_SB_EARLY_SIZE (0x10000 + 256 * 1024)
#define RIFT_SB_EARLY_MAGIC 0x52534245u     // "EBSR"
#define RIFT_SB_EARLY_ROWS 256
struct rift_sb_early_row {
  int32_t nr, arg, atExit, kind, lenFrom, lenArg, max, onError, scale;
};
struct rift_sb_early {
  uint32_t magic;    // RIFT_SB_EARLY_MAGIC (the image's)
  uint32_t nrows;    // rows used (the tracer's)
  uint64_t entry;    // the stubs' call target (the image's): rax the number, args in registers
  uint64_t hook;     // 0, or the library's handler, long (*)(long nr, const long* args)
  uint64_t buffer;   // the buffer (the tracer's)
  uint32_t owner;    // the thread the buffer is for (the tracer's)
  uint32_t pad;
  uint8_t is_fast[512];  // the calls recorded (the tracer's, from the configuration)
  struct rift_sb_early_row rows[RIFT_SB_EARLY_ROWS];
};

// Buffer header, at the start of each thread's buffer. Records follow from kHeaderSize.
// Written by the thread (head, busy) and by the tracer while the thread is stopped (tail, and
// the reset head = tail = 0). A record's first u32 (its length) is written last: 0 = not yet
// complete, and the tracer stops there.
struct rift_sb_header {
  uint32_t magic;  // RIFT_SB_HEADER_MAGIC
  uint32_t size;   // whole buffer, header included
  uint64_t head;   // end of the records written (offset from the buffer start)
  uint64_t tail;   // end of the records the tracer has taken
  uint32_t busy;   // a record is being written (a signal came in the middle): no reset
  // Set by the tracer at the thread's vfork, or clone sharing its memory but not its TLS
  // (posix_spawn, a raw clone): the child runs on this thread's TLS and finds this buffer, but
  // its calls are its own, so they go to the tracer one by one (a record checks the caller's
  // tid while it is set). RIFT_SB_LENT_VFORK: the parent waits for the child, and the owner's
  // next record clears it; RIFT_SB_LENT_SHARED: the child runs beside the owner (a thread made
  // by a raw clone without CLONE_SETTLS), for good.
  uint32_t lent;
  uint64_t stack_lo, stack_hi;  // the library's own: the thread's stack (the tracer leaves them)
  uint32_t owner;  // the library's own: the tid of the thread the buffer is for
  // Where the thread is in a buffered call, for the tracer's signal-delivery stop (a signal that
  // comes inside a wrapper is placed by it: before the call, or at its exit, its record written
  // or still to come): (nr << 2) | RIFT_SB_STAGE_*. Written by the thread only; a wrapper puts
  // back the value it found (a signal handler's calls nest).
  uint32_t stage;
};
#define RIFT_SB_STAGE_OUT 0       // not in a wrapper
#define RIFT_SB_STAGE_ENTERED 1   // in the wrapper of call nr, which is not made yet
#define RIFT_SB_STAGE_MADE 2      // call nr made (or in the kernel), its record not written yet
#define RIFT_SB_STAGE_RECORDED 3  // its record being published, or published (the tracer tells
                                  // which: an unfinished record left in the buffer)
#define RIFT_SB_HEADER_MAGIC 0x52534231u  // "1BSR"
#define RIFT_SB_LENT_VFORK 1u
#define RIFT_SB_LENT_SHARED 2u
#define RIFT_SB_HEADER_SIZE 56
#define RIFT_SB_BUFFER_SIZE (256 * 1024)

// The parts of record_buffer.h's format the library writes (tracer.cc checks they agree).
#define RIFT_RECORD_HEADER 104
#define RIFT_REC_SYSCALL 1
#define RIFT_SC_BUFFERED 64  // syscall record flag: recorded in process by the syscall buffer
#define RIFT_SC_VDSO 256     // with it: a time read the vDSO answered (no syscall was made)
#define RIFT_BLOB_EXIT 1
#define RIFT_BLOB_FAULT 2
#define RIFT_BLOB_TRUNCATED 4
#define RIFT_CAPTURE_CSTRING 0
#define RIFT_CAPTURE_BUFFER 1
#define RIFT_CAPTURE_WHEN 7  // a guard: the plan row after it only for calls whose argument has a value
#define RIFT_LEN_FIXED 0
#define RIFT_LEN_ARG 1
#define RIFT_LEN_RET 2
#define RIFT_LEN_ARGPTR_U32 3
#define RIFT_LEN_ARGPTR_U64 4
