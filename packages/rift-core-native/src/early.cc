// The loader's early hook (syscallbuf_abi.h, issue 16): the calls a new image's loader makes
// before the preloaded library's constructor runs (opening, reading, mapping and protecting
// the program's libraries, the thread's set-up), recorded in process instead of at a ptrace
// stop each.
//
//  - At the exec stop (armEarlyHook): the image is dynamic (auxv's AT_BASE), not secure
//    (AT_SECURE: the loader ignores LD_PRELOAD), its loader an x86-64 ELF with room after its
//    text for the jumps to the stubs, and its environment holds the library's configuration
//    with its mark. Nothing is changed yet.
//  - At the image's first syscall stop, in the loader (injectEarlyHook): that call is turned
//    into the mmap of the gadget mapping (RIFT_SB_EARLY_SIZE at RIFT_SB_GADGET_PAGE) and run;
//    at its exit stop (finishEarlyHook) the gadgets, the hook's image (early_hook.c), the
//    stubs, the buffer's header, the loader's patched sites and the mark are written, the
//    buffer registered as the thread's, and the stopped call rewound to its site's start: it
//    runs again, through its stub when its site was patched. Two stops, both of which the
//    call the loader made would have cost anyway.
//  - The library adopts the mapping (the mark) and hands its handler to the hook.
// Any step that fails leaves the image as it was: its calls stop the tracer as before.
//
// The loader's sites are far from the gadget mapping (beyond a rel32 jump): each site jumps to
// a 14-byte absolute jump in the slack after the loader's text (the rest of its last page),
// which goes to the site's stub; the stub jumps back the same way.
#include <elf.h>
#include <fcntl.h>
#include <linux/ptrace.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "sb_sites.h"
#include "syscallbuf_abi.h"
#include "tracer.h"

namespace rift {

static_assert(sizeof(user_regs_struct) == sizeof(EarlyHook::savedRegs), "EarlyHook::savedRegs");
static_assert(sizeof(rift_sb_early) <= RIFT_SB_EARLY_IMAGE_MAX, "rift_sb_early");

static long ptraceCall(long req, pid_t pid, void* addr, void* data) { return syscall(SYS_ptrace, req, pid, addr, data); }

static std::string readFile(const std::string& path, size_t max) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 && out.size() <= max) out.append(buf, size_t(n));
  close(fd);
  return out;
}

// The numbers whose loader sites are patched: those the library records, but not the time
// calls (as the library's patchable_nr). The matcher takes a plain function: the tracer's
// table goes through a variable of the ptrace thread's own (two recordings in one process).
static thread_local const std::vector<bool>* gBuffered;
static int patchableEarly(long nr) {
  return nr >= 0 && nr < SB_MAX_NR && size_t(nr) < gBuffered->size() && (*gBuffered)[size_t(nr)] &&
         nr != SYS_clock_gettime && nr != SYS_gettimeofday && nr != SYS_time;
}

void Tracer::armEarlyHook(pid_t tid, ThreadState& st) {
  earlyHooks_.erase(st.pid);
  if (!sbActive_ || st.sbSandboxed) return;
  if (!earlyLoaded_) {
    // the image next to the library, its header filled in with the configuration once
    earlyLoaded_ = true;
    // RIFT_SB_NO_EARLY=1 turns it off (to compare); so does RIFT_SB_NO_PATCH=1, which leaves
    // libc and the loader as they are
    const char* off = getenv("RIFT_SB_NO_EARLY");
    const char* noPatch = getenv("RIFT_SB_NO_PATCH");
    size_t slash = opts_.sbLibrary.rfind('/');
    std::string image = (off && *off) || (noPatch && *noPatch) || slash == std::string::npos
                            ? std::string()
                            : readFile(opts_.sbLibrary.substr(0, slash + 1) + "rift_early_hook.bin", RIFT_SB_EARLY_IMAGE_MAX);
    if (image.size() >= sizeof(rift_sb_early) && image.size() <= RIFT_SB_EARLY_IMAGE_MAX) {
      rift_sb_early e;
      memcpy(&e, image.data(), sizeof e);
      bool ok = e.magic == RIFT_SB_EARLY_MAGIC;
      for (size_t nr = 0; ok && nr < sizeof e.is_fast; nr++) e.is_fast[nr] = nr < bufferedNrs_.size() && bufferedNrs_[nr];
      // the plan rows: "<nr>,...;<rows of 9 ints>"
      size_t semi = opts_.sbConfig.find(';');
      e.nrows = 0;
      if (semi != std::string::npos) {
        const char* p = opts_.sbConfig.c_str() + semi + 1;
        bool skip = false;  // the row after a guard
        while (ok && *p) {
          long v[9];
          for (int i = 0; i < 9; i++) {
            char* end;
            v[i] = strtol(p, &end, 10);
            if (end == p) ok = false;
            p = *end == ',' ? end + 1 : end;
          }
          // a guarded row (fcntl's lock structure for its lock commands): the hook does not test
          // guards, so it leaves that syscall to the tracer (the loader does not make it but in
          // secure mode); the library tests them (syscallbuf.c's to_tracer)
          if (ok && v[3] == int(CaptureKind::When) && v[0] >= 0 && size_t(v[0]) < sizeof e.is_fast) {
            e.is_fast[v[0]] = 0;
            skip = true;
            continue;
          }
          if (skip) {
            skip = false;
            continue;
          }
          if (!ok || e.nrows >= RIFT_SB_EARLY_ROWS) {
            ok = false;
            break;
          }
          e.rows[e.nrows++] = rift_sb_early_row{int32_t(v[0]), int32_t(v[1]), int32_t(v[2]), int32_t(v[3]), int32_t(v[4]),
                                                int32_t(v[5]), int32_t(v[6]), int32_t(v[7]), v[8] > 0 ? int32_t(v[8]) : 1};
        }
      }
      if (ok) {
        memcpy(&image[0], &e, sizeof e);
        earlyImage_ = image;
      }
    }
  }
  if (earlyImage_.empty()) return;
  // auxv: the loader's base (0: a static program) and AT_SECURE (LD_PRELOAD ignored)
  std::string auxv = readFile("/proc/" + std::to_string(tid) + "/auxv", 1 << 16);
  uint64_t base = 0, secure = 0, random = 0;
  for (size_t at = 0; at + 16 <= auxv.size(); at += 16) {
    uint64_t kv[2];
    memcpy(kv, auxv.data() + at, 16);
    if (kv[0] == AT_BASE) base = kv[1];
    if (kv[0] == AT_SECURE) secure = kv[1];
    if (kv[0] == AT_RANDOM) random = kv[1];
  }
  if (!base || secure || !random) return;
  Elf64_Ehdr eh;
  if (readMemory(tid, base, &eh, sizeof eh) != ssize_t(sizeof eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
      eh.e_phnum == 0 || eh.e_phnum > 64)
    return;
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  size_t phBytes = ph.size() * sizeof(Elf64_Phdr);
  if (readMemory(tid, base + eh.e_phoff, ph.data(), phBytes) != ssize_t(phBytes)) return;
  EarlyHook hook;
  hook.randomAddr = random;
  uint64_t nextLoad = ~0ULL;
  for (const Elf64_Phdr& p : ph) {
    if (p.p_type != PT_LOAD) continue;
    if ((p.p_flags & PF_X) && !hook.textHi) {
      hook.textLo = base + p.p_vaddr;
      hook.textHi = hook.textLo + p.p_memsz;
    } else if (hook.textHi && base + p.p_vaddr >= hook.textHi && base + p.p_vaddr < nextLoad) {
      nextLoad = base + p.p_vaddr;
    }
  }
  if (!hook.textHi || hook.textHi - hook.textLo > (64u << 20)) return;
  // its build id (a GNU note), by which its sites found once are kept for the next images
  for (const Elf64_Phdr& p : ph) {
    if (p.p_type != PT_NOTE || p.p_memsz > 4096 || !hook.loaderId.empty()) continue;
    std::vector<uint8_t> notes(p.p_memsz);
    if (readMemory(tid, base + p.p_vaddr, notes.data(), notes.size()) != ssize_t(notes.size())) continue;
    for (size_t at = 0; at + 12 <= notes.size();) {
      uint32_t nameSize, descSize, type;
      memcpy(&nameSize, &notes[at], 4);
      memcpy(&descSize, &notes[at + 4], 4);
      memcpy(&type, &notes[at + 8], 4);
      size_t name = at + 12, desc = name + ((nameSize + 3) & ~3u), next = desc + ((descSize + 3) & ~3u);
      if (next > notes.size()) break;
      if (type == NT_GNU_BUILD_ID && nameSize == 4 && memcmp(&notes[name], "GNU", 4) == 0 && descSize >= 8 && descSize <= 64)
        hook.loaderId = std::string(reinterpret_cast<const char*>(&notes[desc]), descSize) + ":" +
                        std::to_string(hook.textLo - base) + ":" + std::to_string(hook.textHi - hook.textLo);
      at = next;
    }
  }
  // the configuration's mark: the environment's last variables (addPreloadEnv puts it last)
  struct user_regs_struct regs;
  if (ptraceCall(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return;
  uint64_t argc = 0;
  if (readMemory(tid, regs.rsp, &argc, 8) != 8 || argc > (1u << 20)) return;
  uint64_t envp = regs.rsp + 8 * (argc + 2);
  std::vector<uint64_t> env;
  for (uint64_t chunk[64]; env.size() < 65536;) {
    if (readMemory(tid, envp + 8 * env.size(), chunk, sizeof chunk) <= 0) return;
    size_t i = 0;
    while (i < 64 && chunk[i]) env.push_back(chunk[i++]);
    if (i < 64) break;
  }
  static const std::string kWant = std::string(RIFT_SB_ENV) + "=" + RIFT_SB_MARK_PLAIN + std::string(RIFT_SB_TOKEN_LEN, '0');
  for (size_t i = env.size(); i-- > 0 && !hook.markAddr;) {
    char head[64];
    if (readMemory(tid, env[i], head, kWant.size()) == ssize_t(kWant.size()) && memcmp(head, kWant.data(), kWant.size()) == 0)
      hook.markAddr = env[i] + kWant.size() - 1 - RIFT_SB_TOKEN_LEN;
  }
  if (!hook.markAddr) return;
  // room for the jumps to the stubs: the rest of the text's last page, unless the next
  // segment begins in it
  uint64_t slackHi = (hook.textHi + 4095) & ~4095ULL;
  if (nextLoad < slackHi) return;
  hook.stage = 1;
  earlyHooks_[st.pid] = hook;
}

bool Tracer::injectEarlyHook(pid_t tid, ThreadState& st, uint64_t nr) {
  auto it = earlyHooks_.find(st.pid);
  if (it == earlyHooks_.end() || it->second.stage != 1) return false;
  EarlyHook& eh = it->second;
  eh.stage = 0;  // one chance: the image's first stop
  struct user_regs_struct regs;
  if (nr == RIFT_SB_MAGIC_NR || ptraceCall(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  if (regs.rip < eh.textLo + 2 || regs.rip > eh.textHi || regs.orig_rax != nr) return false;  // not the loader's
  memcpy(eh.savedRegs, &regs, sizeof regs);
  regs.orig_rax = SYS_mmap;
  regs.rdi = RIFT_SB_GADGET_PAGE;
  regs.rsi = RIFT_SB_EARLY_SIZE;
  regs.rdx = PROT_READ | PROT_WRITE | PROT_EXEC;
  regs.r10 = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
  regs.r8 = uint64_t(-1);
  regs.r9 = 0;
  if (ptraceCall(PTRACE_SETREGS, tid, nullptr, &regs) != 0) return false;
  eh.stage = 2;
  eh.tid = tid;
  // its exit stop comes next (finishEarlyHook): nothing of it is recorded
  ptraceCall(PTRACE_SYSCALL, tid, nullptr, nullptr);
  return true;
}

bool Tracer::finishEarlyHook(pid_t tid, ThreadState& st, int64_t rval) {
  if (earlyHooks_.empty()) return false;
  auto it = earlyHooks_.find(st.pid);
  if (it == earlyHooks_.end() || it->second.stage != 2 || it->second.tid != tid) return false;
  EarlyHook eh = it->second;
  earlyHooks_.erase(it);
  struct user_regs_struct regs;
  memcpy(&regs, eh.savedRegs, sizeof regs);
  uint64_t stoppedAt = regs.rip - 2;  // the stopped call's syscall instruction
  uint64_t resumeAt = stoppedAt;
  if (uint64_t(rval) == RIFT_SB_GADGET_PAGE && installEarlyHook(tid, eh, stoppedAt, resumeAt)) {
    st.sbAddr = RIFT_SB_GADGET_PAGE + RIFT_SB_EARLY_BUFFER_OFFSET;
    st.sbRegistered = true;
  }
  // the stopped call again, from its site's start when the site was patched
  regs.rip = resumeAt;
  regs.rax = regs.orig_rax;
  ptraceCall(PTRACE_SETREGS, tid, nullptr, &regs);
  resume(tid, st, 0);
  return true;
}

// Detaching at the injected mmap's exit stop: the loader's call goes back as it was, to run
// again untraced (the mapping stays, unused: the library, finding no tracer, maps nothing).
void Tracer::abandonEarlyHook(pid_t tid, ThreadState& st) {
  auto it = earlyHooks_.find(st.pid);
  if (it == earlyHooks_.end() || it->second.stage != 2 || it->second.tid != tid) return;
  struct user_regs_struct regs;
  memcpy(&regs, it->second.savedRegs, sizeof regs);
  earlyHooks_.erase(it);
  regs.rip -= 2;
  regs.rax = regs.orig_rax;
  ptraceCall(PTRACE_SETREGS, tid, nullptr, &regs);
}

// Writes the mapping's contents, patches the loader and sets the mark; false when nothing was
// written (no buffer to register).
bool Tracer::installEarlyHook(pid_t tid, const EarlyHook& eh, uint64_t stoppedAt, uint64_t& resumeAt) {
  const uint64_t page = RIFT_SB_GADGET_PAGE;
  std::vector<uint8_t> area(RIFT_SB_EARLY_BUFFER_OFFSET + RIFT_SB_HEADER_SIZE, 0);
  static const uint8_t gadget[] = {0x0f, 0x05, 0xc3};  // syscall; ret
  memcpy(&area[RIFT_SB_UNTRACED_OFFSET], gadget, sizeof gadget);
  memcpy(&area[RIFT_SB_TRACED_OFFSET], gadget, sizeof gadget);
  memcpy(&area[RIFT_SB_EARLY_OFFSET], earlyImage_.data(), earlyImage_.size());
  auto* e = reinterpret_cast<rift_sb_early*>(&area[RIFT_SB_EARLY_OFFSET]);
  e->buffer = page + RIFT_SB_EARLY_BUFFER_OFFSET;
  e->owner = uint32_t(tid);
  rift_sb_header h = {};
  h.magic = RIFT_SB_HEADER_MAGIC;
  h.size = RIFT_SB_BUFFER_SIZE;
  h.head = h.tail = RIFT_SB_HEADER_SIZE;
  h.owner = uint32_t(tid);
  memcpy(&area[RIFT_SB_EARLY_BUFFER_OFFSET], &h, sizeof h);

  // the loader's sites (found in its text, or kept from an image of the same loader): stubs in
  // the mapping, absolute jumps to them in the text's slack
  std::vector<EarlySite> found;
  const std::vector<EarlySite>* known = nullptr;
  auto kept = eh.loaderId.empty() ? earlySites_.end() : earlySites_.find(eh.loaderId);
  if (kept != earlySites_.end()) {
    known = &kept->second;
  } else {
    std::vector<uint8_t> text(eh.textHi - eh.textLo);
    if (readMemory(tid, eh.textLo, text.data(), text.size()) == ssize_t(text.size())) {
      gBuffered = &bufferedNrs_;
      for (size_t p = 0; p + 1 < text.size(); p++) {
        if (text[p] != 0x0f || text[p + 1] != 0x05) continue;
        sb_site st;
        if (!sb_match_site(text.data(), text.size(), p, &st, patchableEarly)) continue;
        EarlySite site = {st.start, st.end, st.pre, st.post, p, st.dynamic, {}};
        memcpy(site.bytes, &text[st.start], st.end - st.start);
        found.push_back(site);
        p = st.end - 1;
      }
      if (!eh.loaderId.empty()) earlySites_[eh.loaderId] = found;
    }
    known = &found;
  }
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> sites;
  uint64_t slackLo = eh.textHi, slackHi = (eh.textHi + 4095) & ~4095ULL;
  std::vector<uint8_t> jumps;
  size_t stoppedSite = ~size_t(0);  // the stopped call's site among them
  size_t stubUsed = 0;
  const uint64_t isFast = page + RIFT_SB_EARLY_OFFSET + offsetof(rift_sb_early, is_fast);
  for (const EarlySite& site : *known) {
    uint64_t jumpAt = slackLo + jumps.size();
    if (jumpAt + 14 > slackHi || stubUsed + SB_MAX_STUB > RIFT_SB_EARLY_STUBS_SIZE) break;
    sb_site st = {site.start, site.end, site.pre, site.post, site.dynamic};
    uint64_t stubAt = page + RIFT_SB_EARLY_STUBS_OFFSET + stubUsed;
    uint8_t* stub = &area[RIFT_SB_EARLY_STUBS_OFFSET + stubUsed];
    uint8_t* end = sb_emit_stub(stub, stubAt, site.bytes, &st, eh.textLo + st.end, isFast, e->entry);
    stubUsed = (size_t(end - &area[RIFT_SB_EARLY_STUBS_OFFSET]) + 15) & ~size_t(15);
    uint8_t jump[16];
    size_t n = size_t(sb_emit_jump(jump, jumpAt, stubAt) - jump);
    jumps.insert(jumps.end(), jump, jump + n);
    std::vector<uint8_t> bytes(st.end - st.start);
    sb_site_jump(bytes.data(), &st, eh.textLo + st.start, jumpAt);
    if (stoppedAt == eh.textLo + site.syscallAt) stoppedSite = sites.size();
    sites.emplace_back(eh.textLo + st.start, std::move(bytes));
  }
  // only the bytes that are not zero already (a new anonymous mapping): the gadgets, the
  // image, the stubs, the buffer's header
  struct iovec local[5], remote[5];
  const size_t parts[5][2] = {{RIFT_SB_UNTRACED_OFFSET, sizeof gadget},
                              {RIFT_SB_TRACED_OFFSET, sizeof gadget},
                              {RIFT_SB_EARLY_OFFSET, earlyImage_.size()},
                              {RIFT_SB_EARLY_STUBS_OFFSET, stubUsed},
                              {RIFT_SB_EARLY_BUFFER_OFFSET, RIFT_SB_HEADER_SIZE}};
  size_t total = 0;
  for (int i = 0; i < 5; i++) {
    local[i] = {&area[parts[i][0]], parts[i][1]};
    remote[i] = {reinterpret_cast<void*>(page + parts[i][0]), parts[i][1]};
    total += parts[i][1];
  }
  resumeAt = stoppedAt;
  if (process_vm_writev(tid, local, 5, remote, 5, 0) != ssize_t(total)) return false;
  // the text is read-only to the program: /proc/PID/mem writes it, as a debugger does. The
  // jumps first, then the sites: a site written works, one not written stops as before (the
  // stopped call resumes at its site's start only if its site was written)
  int mem = open(("/proc/" + std::to_string(tid) + "/mem").c_str(), O_RDWR | O_CLOEXEC);
  if (mem >= 0) {
    bool ok = jumps.empty() || pwrite(mem, jumps.data(), jumps.size(), off_t(slackLo)) == ssize_t(jumps.size());
    for (size_t i = 0; ok && i < sites.size(); i++) {
      const std::vector<uint8_t>& b = sites[i].second;
      ok = pwrite(mem, b.data(), b.size(), off_t(sites[i].first)) == ssize_t(b.size());
      if (ok && i == stoppedSite) resumeAt = sites[i].first;
    }
    close(mem);
  }
  // the mark, and the token that ties it to this image. Without them the library does not
  // adopt the mapping (it fails to map its own there, and records nothing in this image), but
  // the loader's patched sites record into the buffer all the same: it is registered.
  uint8_t random[RIFT_SB_TOKEN_LEN / 2];
  if (readMemory(tid, eh.randomAddr, random, sizeof random) != ssize_t(sizeof random)) return true;
  char mark[1 + RIFT_SB_TOKEN_LEN];
  mark[0] = RIFT_SB_MARK_EARLY;
  for (size_t i = 0; i < sizeof random; i++) {
    mark[1 + 2 * i] = "0123456789abcdef"[random[i] >> 4];
    mark[2 + 2 * i] = "0123456789abcdef"[random[i] & 15];
  }
  writeMemory(tid, eh.markAddr, mark, sizeof mark);
  return true;
}

}  // namespace rift
