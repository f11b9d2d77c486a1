#include "inject.h"

#include <elf.h>
#include <linux/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rift {

static long xptrace(long req, pid_t pid, void* addr, void* data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}

NativeRules::NativeRules(std::vector<InjectRule> rules, DeterministicOptions det)
    : rules_(std::move(rules)), det_(det) {
  for (auto& r : ruleFor_) r = -1;
  // strace: a later rule naming the same syscall replaces the earlier one
  for (size_t i = 0; i < rules_.size(); i++)
    for (size_t nr = 0; nr < kMaxNr; nr++)
      if (rules_[i].nrs[nr]) ruleFor_[nr] = int(i), want_[nr] = true;
  if (det_.enabled) {
    static const int detNrs[] = {SYS_clock_gettime, SYS_gettimeofday, SYS_time, SYS_getrandom,
                                 SYS_getpid, SYS_getppid, SYS_gettid, SYS_getuid, SYS_getgid,
                                 SYS_geteuid, SYS_getegid, SYS_getresuid, SYS_getresgid,
                                 SYS_uname, SYS_sysinfo, SYS_stat, SYS_fstat, SYS_lstat,
                                 SYS_newfstatat, SYS_statx};
    for (int nr : detNrs) want_[size_t(nr)] = true;
  }
  rng_ = det_.seed ^ 0x9e3779b97f4a7c15ULL;
}

std::vector<int> NativeRules::numbers() const {
  std::vector<int> out;
  for (size_t nr = 0; nr < kMaxNr; nr++)
    if (want_[nr]) out.push_back(int(nr));
  return out;
}

// splitmix64: small, fast, and the same sequence on every machine for a given seed
uint64_t NativeRules::next64() {
  uint64_t z = (rng_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string NativeRules::randomBytes(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t r = next64();
    memcpy(&s[i], &r, std::min<size_t>(8, n - i));
  }
  return s;
}

int64_t NativeRules::virtualId(pid_t real) {
  auto it = vids_.find(real);
  if (it != vids_.end()) return it->second;
  int64_t v = nextVid_++;
  vids_[real] = v;
  return v;
}

int64_t NativeRules::tick() { return ticks_++ * det_.stepNs; }

bool NativeRules::onEntry(Tracer& t, const SyscallView& v, NativeAction& a) {
  if (!wants(v.nr)) return false;
  if (ruleFor_[v.nr] >= 0 && injectEntry(v, a)) return true;
  if (det_.enabled) return detEntry(t, v, a);
  return false;
}

bool NativeRules::injectEntry(const SyscallView& v, NativeAction& a) {
  const InjectRule& r = rules_[size_t(ruleFor_[v.nr])];
  uint64_t n = ++counts_[(uint64_t(uint32_t(v.tid)) << 32) | v.nr];
  if (n < r.first || n > r.last || (n - r.first) % r.step) return false;
  if (r.delayEnterUs > 0) {
    struct timespec ts = {time_t(r.delayEnterUs / 1000000), long(r.delayEnterUs % 1000000) * 1000};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
  }
  // a delay changes no result: rewriting the arguments unchanged is what marks the call injected
  if (r.delayEnterUs > 0 || r.delayExitUs > 0) a.setArgs = true;
  if (r.hasRet) {
    a.skip = true;
    a.setRet = true;
    a.ret = r.ret;
  }
  a.signal = r.signal;
  a.delayExitUs = r.delayExitUs;
  return true;
}

static std::string timespecBytes(int64_t ns, bool usec) {
  int64_t v[2] = {ns / 1000000000LL, usec ? (ns % 1000000000LL) / 1000 : ns % 1000000000LL};
  return std::string(reinterpret_cast<const char*>(v), 16);
}

static std::string utsField(const char* s) {
  std::string f(65, '\0');
  memcpy(&f[0], s, strlen(s));
  return f;
}

static pid_t parentOf(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE* f = fopen(path, "re");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  const char* p = strrchr(buf, ')');
  int ppid = 0;
  if (p && sscanf(p + 2, "%*c %d", &ppid) == 1) return ppid;
  return 0;
}

bool NativeRules::detEntry(Tracer& t, const SyscallView& v, NativeAction& a) {
  (void)t;
  auto ret = [&](int64_t r) {
    a.skip = true;
    a.setRet = true;
    a.ret = r;
    return true;
  };
  switch (v.nr) {
    case SYS_clock_gettime: {
      int64_t clk = int64_t(int32_t(v.args[0]));
      int64_t base;
      if (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE || clk == 8 /* REALTIME_ALARM */ || clk == 11 /* TAI */)
        base = det_.epochNs;
      else if (clk == CLOCK_MONOTONIC || clk == CLOCK_MONOTONIC_RAW || clk == CLOCK_MONOTONIC_COARSE ||
               clk == CLOCK_BOOTTIME || clk == 9 /* BOOTTIME_ALARM */)
        base = 1000LL * 1000000000LL;
      else if (clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID || clk < 0)
        base = 0;
      else
        return false;  // unknown clock: the kernel answers (EINVAL)
      if (v.args[1]) a.writes.push_back({v.args[1], timespecBytes(base + tick(), false)});
      else tick();
      return ret(0);
    }
    case SYS_gettimeofday:
      if (v.args[0]) a.writes.push_back({v.args[0], timespecBytes(det_.epochNs + tick(), true)});
      else tick();
      if (v.args[1]) a.writes.push_back({v.args[1], std::string(8, '\0')});
      return ret(0);
    case SYS_time: {
      int64_t sec = (det_.epochNs + tick()) / 1000000000LL;
      if (v.args[0]) a.writes.push_back({v.args[0], std::string(reinterpret_cast<const char*>(&sec), 8)});
      return ret(sec);
    }
    case SYS_getrandom: {
      size_t len = size_t(std::min<uint64_t>(v.args[1], 1 << 20));
      if (len && v.args[0]) a.writes.push_back({v.args[0], randomBytes(len)});
      return ret(int64_t(len));
    }
    case SYS_getpid: return ret(virtualId(v.pid));
    case SYS_gettid: return ret(virtualId(v.tid));
    case SYS_getppid: {
      pid_t pp = parentOf(v.pid);
      // the launched program's parent is rift itself
      if (pp == 0 || pp == getpid()) return ret(999);
      return ret(virtualId(pp));
    }
    case SYS_getuid: case SYS_geteuid: case SYS_getgid: case SYS_getegid:
      return ret(1000);
    case SYS_getresuid: case SYS_getresgid: {
      uint32_t id = 1000;
      for (int i = 0; i < 3; i++)
        if (v.args[i]) a.writes.push_back({v.args[i], std::string(reinterpret_cast<const char*>(&id), 4)});
      return ret(0);
    }
    case SYS_uname: {
      if (!v.args[0]) return ret(-EFAULT);
      std::string u = utsField("Linux") + utsField("rift") + utsField("6.1.0-rift") +
                      utsField("#1 SMP PREEMPT_DYNAMIC rift") + utsField("x86_64") + utsField("(none)");
      a.writes.push_back({v.args[0], u});
      return ret(0);
    }
    case SYS_sysinfo: {
      if (!v.args[0]) return ret(-EFAULT);
      uint8_t si[112] = {0};
      int64_t uptime = 1000 + tick() / 1000000000LL;
      uint64_t totalram = 4ULL << 30, freeram = 2ULL << 30;
      uint16_t procs = 100;
      uint32_t unit = 1;
      memcpy(si + 0, &uptime, 8);
      memcpy(si + 32, &totalram, 8);
      memcpy(si + 40, &freeram, 8);
      memcpy(si + 80, &procs, 2);
      memcpy(si + 104, &unit, 4);
      a.writes.push_back({v.args[0], std::string(reinterpret_cast<const char*>(si), sizeof si)});
      return ret(0);
    }
    case SYS_stat: case SYS_fstat: case SYS_lstat:
      a.exitFix = kFixStat;
      a.exitAddr = v.args[1];
      return true;
    case SYS_newfstatat:
      a.exitFix = kFixStat;
      a.exitAddr = v.args[2];
      return true;
    case SYS_statx:
      a.exitFix = kFixStatx;
      a.exitAddr = v.args[4];
      return true;
  }
  return false;
}

void NativeRules::onExit(Tracer& t, const SyscallView& v, const NativeAction& a, ExitDecision& d) {
  (void)t;
  if (v.ret != 0 || !a.exitAddr) return;
  // struct stat: st_atim, st_mtim, st_ctim at 72..120; struct statx: stx_atime, stx_btime,
  // stx_ctime, stx_mtime at 64..128
  if (a.exitFix == kFixStat) d.writes.push_back({a.exitAddr + 72, std::string(48, '\0')});
  else if (a.exitFix == kFixStatx) d.writes.push_back({a.exitAddr + 64, std::string(64, '\0')});
}

// Walks the new stack of a process stopped at PTRACE_EVENT_EXEC: rsp -> argc, argv[], NULL,
// envp[], NULL, auxv pairs up to AT_NULL. Calls fn(type, address of the pair, value).
template <typename F>
static bool walkAuxv(Tracer& t, pid_t tid, F fn) {
  struct user_regs_struct regs;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  uint64_t p = regs.rsp;
  uint64_t argc = 0;
  if (t.readMemory(tid, p, &argc, 8) != 8 || argc > (1 << 20)) return false;
  p += 8 * (argc + 2);  // past argc, argv[] and its NULL
  uint64_t buf[64];
  // envp[] up to its NULL
  for (int guard = 0; guard < 100000; guard++) {
    ssize_t n = t.readMemory(tid, p, buf, sizeof buf);
    if (n < 8) return false;
    size_t k = size_t(n) / 8, i = 0;
    while (i < k && buf[i]) i++;
    p += 8 * i;
    if (i < k) break;
  }
  p += 8;
  for (int i = 0; i < 256; i++, p += 16) {
    uint64_t pair[2];
    if (t.readMemory(tid, p, pair, 16) != 16) return false;
    if (pair[0] == AT_NULL) return true;
    if (!fn(pair[0], p, pair[1])) return true;
  }
  return false;
}

bool hideVdso(Tracer& t, pid_t tid) {
  bool ok = false;
  bool walked = walkAuxv(t, tid, [&](uint64_t type, uint64_t at, uint64_t) {
    if (type != AT_SYSINFO_EHDR) return true;
    uint64_t ignore = AT_IGNORE;
    ok = t.writeMemory(tid, at, &ignore, 8) == 8;
    return false;
  });
  if (!walked || !ok) t.emitWarning(tid, "noVdso: could not hide the vDSO of this process (auxv not found)");
  return walked && ok;
}

void NativeRules::onExec(Tracer& t, pid_t tid) {
  if (!det_.enabled) return;
  // AT_RANDOM: the 16 bytes libc seeds its stack protector and pointer guard from
  walkAuxv(t, tid, [&](uint64_t type, uint64_t, uint64_t value) {
    if (type != AT_RANDOM) return true;
    std::string r = randomBytes(16);
    t.writeMemory(tid, value, r.data(), 16);
    return false;
  });
}

}  // namespace rift
