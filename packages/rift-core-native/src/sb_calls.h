// What both in-process recorders (syscallbuf.c, the library; early_hook.c, the loader's
// freestanding hook) make their calls with: the gadget's call, a syscall instruction of their
// own text, and the entry the patched sites' stubs call. Built with -mno-red-zone (a call
// pushes its return address where a leaf function may keep data).
#pragma once
#include <stdint.h>

#include "syscallbuf_abi.h"

// syscall(nr, a0..a5) through one of the two gadgets: the kernel's calling convention puts the
// number in rax and the fourth argument in r10.
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
#define UNTRACED(nr, a0, a1, a2, a3, a4, a5) \
  gadget_call(RIFT_SB_GADGET_PAGE + RIFT_SB_UNTRACED_OFFSET, nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5))
#define TRACED(nr, a0, a1, a2, a3, a4, a5) \
  gadget_call(RIFT_SB_GADGET_PAGE + RIFT_SB_TRACED_OFFSET, nr, (long)(a0), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5))

// A syscall instruction of the recorder's own text (not the gadget's page): the call made as
// the program's code would have made it, stopping the tracer when the trace wants it.
static inline long plain_syscall(long nr, const long* a) {
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

// The entry a patched site's stub calls in place of `syscall` (top level: __asm__(RIFT_SB_ENTRY_ASM(
// name, its C handler, ".hidden name\n" or "")): rax the number, rdi rsi rdx r10 r8 r9 the
// arguments, the result in rax; every other register is kept (rcx and r11 are the syscall
// instruction's own), the flags too, and xmm0-15, which compiled code may hold across an inline
// syscall. The stub has moved rsp below the caller's red zone; the stack is aligned here for C,
// `hook(nr, args)` gets the six arguments in memory. The direction flag is cleared for C and
// restored by popfq.
#define RIFT_SB_ENTRY_ASM(entry, hook, visibility) \
    ".text\n" \
    ".globl " #entry "\n" \
    visibility \
    ".type " #entry ",@function\n" \
    #entry ":\n" \
    "  pushfq\n" \
    "  cld\n" \
    "  push %rbp\n" \
    "  mov %rsp,%rbp\n" \
    "  push %rdi\n" \
    "  push %rsi\n" \
    "  push %rdx\n" \
    "  push %r10\n" \
    "  push %r8\n" \
    "  push %r9\n" \
    "  and $-16,%rsp\n" \
    "  sub $256,%rsp\n" \
    "  movups %xmm0,0(%rsp)\n  movups %xmm1,16(%rsp)\n  movups %xmm2,32(%rsp)\n  movups %xmm3,48(%rsp)\n" \
    "  movups %xmm4,64(%rsp)\n  movups %xmm5,80(%rsp)\n  movups %xmm6,96(%rsp)\n  movups %xmm7,112(%rsp)\n" \
    "  movups %xmm8,128(%rsp)\n  movups %xmm9,144(%rsp)\n  movups %xmm10,160(%rsp)\n  movups %xmm11,176(%rsp)\n" \
    "  movups %xmm12,192(%rsp)\n  movups %xmm13,208(%rsp)\n  movups %xmm14,224(%rsp)\n  movups %xmm15,240(%rsp)\n" \
    "  sub $48,%rsp\n" \
    "  mov %rdi,0(%rsp)\n" \
    "  mov %rsi,8(%rsp)\n" \
    "  mov %rdx,16(%rsp)\n" \
    "  mov %r10,24(%rsp)\n" \
    "  mov %r8,32(%rsp)\n" \
    "  mov %r9,40(%rsp)\n" \
    "  mov %rax,%rdi\n" \
    "  mov %rsp,%rsi\n" \
    "  call " #hook "\n" \
    "  add $48,%rsp\n" \
    "  movups 0(%rsp),%xmm0\n  movups 16(%rsp),%xmm1\n  movups 32(%rsp),%xmm2\n  movups 48(%rsp),%xmm3\n" \
    "  movups 64(%rsp),%xmm4\n  movups 80(%rsp),%xmm5\n  movups 96(%rsp),%xmm6\n  movups 112(%rsp),%xmm7\n" \
    "  movups 128(%rsp),%xmm8\n  movups 144(%rsp),%xmm9\n  movups 160(%rsp),%xmm10\n  movups 176(%rsp),%xmm11\n" \
    "  movups 192(%rsp),%xmm12\n  movups 208(%rsp),%xmm13\n  movups 224(%rsp),%xmm14\n  movups 240(%rsp),%xmm15\n" \
    "  lea -48(%rbp),%rsp\n" \
    "  pop %r9\n" \
    "  pop %r8\n" \
    "  pop %r10\n" \
    "  pop %rdx\n" \
    "  pop %rsi\n" \
    "  pop %rdi\n" \
    "  pop %rbp\n" \
    "  popfq\n" \
    "  ret\n" \
    ".size " #entry ", .-" #entry "\n"
