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
  // (posix_spawn): the child runs on this thread's TLS and finds this buffer, but its calls
  // are its own, so they go to the tracer one by one; the owner's next record clears it.
  uint32_t lent;
  uint64_t stack_lo, stack_hi;  // the library's own: the thread's stack (the tracer leaves them)
  uint32_t owner;  // the library's own: the tid of the thread the buffer is for
  uint32_t pad;
};
#define RIFT_SB_HEADER_MAGIC 0x52534231u  // "1BSR"
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
#define RIFT_LEN_FIXED 0
#define RIFT_LEN_ARG 1
#define RIFT_LEN_RET 2
#define RIFT_LEN_ARGPTR_U32 3
#define RIFT_LEN_ARGPTR_U64 4
