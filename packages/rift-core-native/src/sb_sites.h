// The syscall sites the in-process engine rewrites, and the stubs it writes for them: one
// table of shapes for the library (syscallbuf.c, libc's and the loader's sites at its start-up)
// and for the tracer (tracer.cc, the loader's sites at a new image's first stop, before the
// library is loaded). C and C++ both include it.
//
// The shapes (x86-64 glibc; `nr` a call the engine buffers):
//   mov $nr,%eax; syscall                     7 bytes: a jump and two nops
//   xor %eax,%eax; syscall; cmp $imm32,%rax   10 bytes (read): the cmp runs in the stub
//   mov 8(%rsp),%r9; syscall                  syscall(), and
//   mov $imm32,%edi (or %esi, %edx); syscall  where the number was set before: it is only
//   mov %reg,disp(%reg); syscall (or movups)  known at run time, the stub tests it against
//                                             is_fast and makes any other call itself, in
//                                             place (clone and the rest that need their own
//                                             stack)
// and each only when the instruction before the match is not part of a longer one (a REX or
// operand-size prefix: `41 b8` is mov $imm,%r8d) and the instruction after it is one that
// follows a syscall in libc (a compare or test of the result, a move of it, ret, a register
// cleared).
//
// A stub runs the instructions the jump covered, saves rsp below the red zone, calls the
// engine's entry (rax the number, the arguments in their registers, the result in rax), sets
// rcx and r11 as the syscall instruction leaves them (its return address, the flags) and goes
// back. Re-running a site from its start is harmless: the instructions before the syscall
// load constants or unchanged memory (the tracer rewinds a stopped call to its site's start).
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SB_MAX_NR 512
#define SB_MAX_STUB 128
#define SB_MAX_SITE 16

struct sb_site {
  size_t start, end;  // the bytes the jump replaces, within the text
  size_t pre, post;   // of them, the instructions before the syscall and after it
  int dynamic;        // the number only known at run time (syscall())
};

static inline int sb_is_prefix(uint8_t b) { return (b >= 0x40 && b <= 0x4f) || b == 0x66 || b == 0xf2 || b == 0xf3; }

// Whether the bytes at p start an instruction that follows a syscall in libc: cmp $imm32 of
// rax or eax, test of eax/rax with itself, a move of eax/rax to a register or to memory
// (set_tid_address's result into the thread descriptor), a move between a 64-bit register and
// a global (brk's), neg %eax, ret, mov $imm32,%eax (a result not looked at).
static inline int sb_known_follower(const uint8_t* p) {
  const uint8_t* q = p[0] == 0x48 ? p + 1 : p;
  if (q[0] == 0x3d) return 1;
  if (q[0] == 0x85 && q[1] == 0xc0) return 1;
  if (q[0] == 0x89 && (q[1] & 0x38) == 0) return 1;  // mov %eax to a register or memory
  if (p[0] == 0x48 && (p[1] == 0x89 || p[1] == 0x8b) && (p[2] & 0xc7) == 0x05) return 1;  // mov to or from a global
  if (q[0] == 0xf7 && q[1] == 0xd8) return 1;
  if ((q[0] == 0x31 || q[0] == 0x33) && (q[1] & 0xc0) == 0xc0) return 1;  // xor of two registers
  return p[0] == 0xc3 || p[0] == 0xb8;
}

// The length of the instruction that ends at t[p], if it is a store of a general register
// (mov, 32 or 64 bits) or of an xmm register (movups, movaps) to memory at a base register and
// an 8- or 32-bit displacement: no SIB byte, not rip-relative, so it runs the same anywhere,
// and it changes no register and no flag. 0 otherwise. (p >= 8)
static inline size_t sb_store_before(const uint8_t* t, size_t p) {
  for (size_t disp = 1; disp <= 4; disp += 3) {
    uint8_t mod = disp == 1 ? 0x40 : 0x80;
    // opcode bytes, then modrm, then disp: 89 (mov r32), 48/4c 89 (mov r64), 0f 11 / 0f 29
    for (size_t op = 2; op >= 1; op--) {  // a REX-prefixed form first
      size_t k = op + 1 + disp;
      const uint8_t* i = t + p - k;
      uint8_t modrm = i[op];
      if ((modrm & 0xc0) != mod || (modrm & 7) == 4) continue;
      if (op == 1 && i[0] == 0x89) return k;
      if (op == 2 && (i[0] == 0x48 || i[0] == 0x4c || i[0] == 0x49 || i[0] == 0x4d) && i[1] == 0x89) return k;
      if (op == 2 && i[0] == 0x0f && (i[1] == 0x11 || i[1] == 0x29)) return k;
    }
  }
  return 0;
}

// The site of the syscall instruction at t[p] (t: `len` bytes of text), if it has one of the
// shapes above; `patchable` says which fixed numbers may be.
static inline int sb_match_site(const uint8_t* t, size_t len, size_t p, struct sb_site* s, int (*patchable)(long nr)) {
  static const uint8_t generic[] = {0x4c, 0x8b, 0x4c, 0x24, 0x08};              // mov 8(%rsp),%r9
  static const uint8_t generic_after[] = {0x48, 0x3d, 0x01, 0xf0, 0xff, 0xff};  // cmp $-4095,%rax
  if (p + 12 > len || p < 8) return 0;
  if (t[p - 5] == 0xb8 && !sb_is_prefix(t[p - 6]) && sb_known_follower(t + p + 2)) {
    uint32_t nr;
    memcpy(&nr, t + p - 4, 4);
    if (!patchable((long)nr)) return 0;
    s->start = p - 5, s->end = p + 2, s->pre = 5, s->post = 0, s->dynamic = 0;
    return 1;
  }
  if (t[p - 2] == 0x31 && t[p - 1] == 0xc0 && !sb_is_prefix(t[p - 3]) && t[p + 2] == 0x48 && t[p + 3] == 0x3d) {
    if (!patchable(0)) return 0;
    s->start = p - 2, s->end = p + 8, s->pre = 2, s->post = 6, s->dynamic = 0;
    return 1;
  }
  if (memcmp(t + p - 5, generic, 5) == 0 && memcmp(t + p + 2, generic_after, 6) == 0) {
    s->start = p - 5, s->end = p + 2, s->pre = 5, s->post = 0, s->dynamic = 1;
    return 1;
  }
  // mov $imm32,%edi / %esi / %edx; syscall: the number set before, known at run time
  if ((t[p - 5] == 0xbf || t[p - 5] == 0xbe || t[p - 5] == 0xba) && !sb_is_prefix(t[p - 6]) &&
      sb_known_follower(t + p + 2)) {
    s->start = p - 5, s->end = p + 2, s->pre = 5, s->post = 0, s->dynamic = 1;
    return 1;
  }
  // a store of a register to memory at a base register and displacement; syscall: the number
  // set before (the loader's arch_prctl and set_robust_list); the store runs in the stub
  size_t k = sb_store_before(t, p);
  if (k && !sb_is_prefix(t[p - k - 1]) && sb_known_follower(t + p + 2)) {
    s->start = p - k, s->end = p + 2, s->pre = k, s->post = 0, s->dynamic = 1;
    return 1;
  }
  return 0;
}

static inline uint8_t* sb_emit(uint8_t* s, const void* bytes, size_t n) {
  memcpy(s, bytes, n);
  return s + n;
}
static inline uint8_t* sb_emit_u64(uint8_t* s, uint64_t v) { return sb_emit(s, &v, 8); }

// A jump from `at` (where s will be in the program) to `to`: rel32 when it reaches, else
// jmp *0(%rip) and the address (14 bytes, no register used).
static inline uint8_t* sb_emit_jump(uint8_t* s, uint64_t at, uint64_t to) {
  int64_t d = (int64_t)to - (int64_t)(at + 5);
  if (d > -0x7fff0000LL && d < 0x7fff0000LL) {
    int32_t rel = (int32_t)d;
    *s++ = 0xe9;
    return sb_emit(s, &rel, 4);
  }
  static const uint8_t jmp_abs[] = {0xff, 0x25, 0, 0, 0, 0};  // jmp *0(%rip)
  s = sb_emit(s, jmp_abs, sizeof jmp_abs);
  return sb_emit_u64(s, to);
}

// The stub of a site (`site`: its original bytes), written at s and run at `at`, ending in a
// jump back to `back` (the end of the site); `is_fast` the address of the engine's table of
// buffered numbers (SB_MAX_NR bytes), `entry` its entry.
static inline uint8_t* sb_emit_stub(uint8_t* s, uint64_t at, const uint8_t* site, const struct sb_site* st, uint64_t back,
                                    uint64_t is_fast, uint64_t entry) {
  uint8_t* s0 = s;
  uint64_t syscall_end = back - st->post;  // the address after the site's syscall instruction
  static const uint8_t below_red_zone[] = {0x48, 0x8d, 0x64, 0x24, 0x80};                    // lea -128(%rsp),%rsp
  static const uint8_t above_red_zone[] = {0x48, 0x8d, 0xa4, 0x24, 0x80, 0x00, 0x00, 0x00};  // lea 128(%rsp),%rsp
  static const uint8_t call_r11[] = {0x41, 0xff, 0xd3};                                       // call *%r11
  static const uint8_t movabs_r11[] = {0x49, 0xbb};                                           // movabs $imm64,%r11
  static const uint8_t movabs_rcx[] = {0x48, 0xb9};                                           // movabs $imm64,%rcx
  static const uint8_t flags_r11[] = {0x9c, 0x41, 0x5b};  // pushfq; pop %r11 (below the red zone still)
  uint8_t *ja = NULL, *je = NULL, *jmp = NULL;
  s = sb_emit(s, site, st->pre);
  if (st->dynamic) {
    static const uint8_t cmp_max[] = {0x48, 0x3d, (SB_MAX_NR - 1) & 0xff, (SB_MAX_NR - 1) >> 8, 0, 0};  // cmp $MAX_NR-1,%rax
    static const uint8_t test_fast[] = {0x41, 0x80, 0x3c, 0x03, 0x00};  // cmpb $0,(%r11,%rax)
    s = sb_emit(s, cmp_max, sizeof cmp_max);
    *s++ = 0x77;  // ja plain
    ja = s++;
    s = sb_emit(s, movabs_r11, 2);
    s = sb_emit_u64(s, is_fast);
    s = sb_emit(s, test_fast, sizeof test_fast);
    *s++ = 0x74;  // je plain
    je = s++;
  }
  s = sb_emit(s, below_red_zone, sizeof below_red_zone);
  s = sb_emit(s, movabs_r11, 2);
  s = sb_emit_u64(s, entry);
  s = sb_emit(s, call_r11, sizeof call_r11);
  s = sb_emit(s, movabs_rcx, 2);
  s = sb_emit_u64(s, syscall_end);
  s = sb_emit(s, flags_r11, sizeof flags_r11);
  s = sb_emit(s, above_red_zone, sizeof above_red_zone);
  if (st->dynamic) {
    *s++ = 0xeb;  // jmp after
    jmp = s++;
    *ja = (uint8_t)(s - (ja + 1));
    *je = (uint8_t)(s - (je + 1));
    *s++ = 0x0f;  // plain: syscall
    *s++ = 0x05;
    *jmp = (uint8_t)(s - (jmp + 1));
  }
  s = sb_emit(s, site + (st->end - st->start - st->post), st->post);
  return sb_emit_jump(s, at + (uint64_t)(s - s0), back);
}

// The bytes that replace a site: a jump (rel32) from `at` to `to`, nops for the rest (never run).
static inline void sb_site_jump(uint8_t* out, const struct sb_site* st, uint64_t at, uint64_t to) {
  int32_t rel = (int32_t)((int64_t)to - (int64_t)(at + 5));
  out[0] = 0xe9;
  memcpy(out + 1, &rel, 4);
  for (size_t i = 5; i < st->end - st->start; i++) out[i] = 0x90;
}
