#include "inject.h"

#include <elf.h>
#include <fcntl.h>
#include <linux/ptrace.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace rift {

static long xptrace(long req, pid_t pid, void* addr, void* data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}

// Calls whose arguments name a process or thread by the id the program got from the sandbox
// (its virtual id): which arguments. For kill and wait4 a value below -1 names a process group.
struct PidArgs {
  int nr;
  int8_t args[2];  // -1: none
};
static const PidArgs kPidArgs[] = {
    {SYS_kill, {0, -1}},
    {SYS_tkill, {0, -1}},
    {SYS_tgkill, {0, 1}},
    {SYS_rt_sigqueueinfo, {0, -1}},
    {SYS_rt_tgsigqueueinfo, {0, 1}},
    {SYS_wait4, {0, -1}},
    {SYS_getpgid, {0, -1}},
    {SYS_setpgid, {0, 1}},
    {SYS_getsid, {0, -1}},
    {SYS_prlimit64, {0, -1}},
    {SYS_sched_getaffinity, {0, -1}},
    {SYS_sched_setaffinity, {0, -1}},
    {SYS_sched_getparam, {0, -1}},
    {SYS_sched_setparam, {0, -1}},
    {SYS_sched_getscheduler, {0, -1}},
    {SYS_sched_setscheduler, {0, -1}},
    {SYS_sched_getattr, {0, -1}},
    {SYS_sched_setattr, {0, -1}},
    {SYS_sched_rr_get_interval, {0, -1}},
    {SYS_get_robust_list, {0, -1}},
    {SYS_process_vm_readv, {0, -1}},
    {SYS_process_vm_writev, {0, -1}},
    {SYS_pidfd_open, {0, -1}},
    {SYS_kcmp, {0, 1}},
    {SYS_migrate_pages, {0, -1}},
    {SYS_move_pages, {0, -1}},
};

// Files whose reads the sandbox answers, by the path opened.
static const struct {
  const char* path;
  VirtualFile what;
} kVirtualFiles[] = {
    {"/dev/urandom", VirtualFile::Random},
    {"/dev/random", VirtualFile::Random},
    {"/sys/devices/system/cpu/online", VirtualFile::CpuList},
    {"/sys/devices/system/cpu/possible", VirtualFile::CpuList},
    {"/sys/devices/system/cpu/present", VirtualFile::CpuList},
};

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
                                 SYS_newfstatat, SYS_statx,
                                 // virtual pids
                                 SYS_fork, SYS_vfork, SYS_clone, SYS_clone3, SYS_wait4, SYS_waitid,
                                 SYS_getpgrp, SYS_getpgid, SYS_getsid, SYS_setsid,
                                 // the rest of the clocks and ids
                                 SYS_times, SYS_getrusage, SYS_clock_getres, SYS_sched_getaffinity,
                                 SYS_nanosleep, SYS_clock_nanosleep,
                                 // files the sandbox answers
                                 SYS_open, SYS_openat, SYS_read, SYS_pread64, SYS_close};
    for (int nr : detNrs) want_[size_t(nr)] = true;
    for (const PidArgs& p : kPidArgs) want_[size_t(p.nr)] = true;
  }
  if (det_.enabled || det_.net) {
    net_ = std::make_unique<VirtualNet>();
    for (size_t nr = 0; nr < kMaxNr; nr++)
      if (VirtualNet::handles(nr)) want_[nr] = true;
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
NativeRules::ProcState& NativeRules::use(pid_t pid) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) {
    it = procs_.emplace(pid, ProcState{}).first;
    it->second.rng = rng_;  // a process not spawned under the trace: the launched one
  }
  cur_ = &it->second;
  return it->second;
}

void NativeRules::onSpawn(pid_t parentPid, pid_t child, bool thread) {
  if (!det_.enabled) return;
  virtualId(parentPid);  // the launched program is 1000 even if a thread comes first
  virtualId(child);  // its id in the order its parent made it, before it can ask
  if (thread) return;
  ProcState& parent = use(parentPid);
  ProcState c = parent;
  c.rng = next64();  // its own stream, drawn from the parent's
  procs_[child] = c;
}

uint64_t NativeRules::next64() {
  uint64_t z = (cur_->rng += 0x9e3779b97f4a7c15ULL);
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

// rift itself: the launched program's parent
static constexpr int64_t kRiftVid = 999;

int64_t NativeRules::virtualId(pid_t real) {
  if (real == getpid()) return kRiftVid;
  auto it = vids_.find(real);
  if (it != vids_.end() && !it->second.gone) return it->second.vid;
  // first seen, or a gone process's id handed out again by the kernel
  int64_t v = nextVid_++;
  vids_[real] = {v, false};
  reals_[v] = real;
  return v;
}

int64_t NativeRules::realId(int64_t id) {
  if (id == kRiftVid) return getpid();
  auto it = reals_.find(id);
  // not one the sandbox handed out (a pid read from /proc, say): passed on as it is
  return it == reals_.end() ? id : it->second;
}

int64_t NativeRules::reapedId(pid_t real, bool forget) {
  auto it = vids_.find(real);
  if (it == vids_.end()) return virtualId(real);
  int64_t v = it->second.vid;
  if (forget) it->second.gone = true;  // reaped: the kernel may give the id to a new process
  return v;
}

void NativeRules::onGone(pid_t tid) {
  // a thread's id is free again once it has exited; a process's only once reaped (wait4 still
  // returns it, see reapedId)
  auto it = vids_.find(tid);
  if (it != vids_.end() && !it->second.gone && tid != 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", tid);
    if (access(path, F_OK) != 0) it->second.gone = true;
  }
}

// A path under /proc naming a process: self, thread-self, or a number, which the program has
// from the sandbox (a virtual id: the path is rewritten to the real one). The stat and status
// files of a process or thread are answered with its ids virtual (procText).
bool NativeRules::procPath(Tracer& t, const SyscallView& v, const char* path, NativeAction& a) {
  const char* rest = path + 6;
  pid_t real = 0;
  std::string realPrefix;
  if (strncmp(rest, "self", 4) == 0 && (rest[4] == '/' || !rest[4])) {
    real = v.pid;
    rest += 4;
  } else if (strncmp(rest, "thread-self", 11) == 0 && (rest[11] == '/' || !rest[11])) {
    real = v.tid;
    rest += 11;
  } else if (*rest >= '1' && *rest <= '9') {
    char* end;
    long id = strtol(rest, &end, 10);
    if (*end != '/' && *end) return false;
    real = pid_t(realId(id));
    if (real != id) realPrefix = "/proc/" + std::to_string(real);
    rest = end;
  } else {
    return false;
  }
  // /proc/PID/task/TID/...
  if (strncmp(rest, "/task/", 6) == 0 && rest[6] >= '1' && rest[6] <= '9') {
    char* end;
    long id = strtol(rest + 6, &end, 10);
    if (*end == '/' || !*end) {
      pid_t tid = pid_t(realId(id));
      if (tid != id) {
        if (realPrefix.empty()) realPrefix = std::string(path, size_t(rest - path));
        realPrefix += "/task/" + std::to_string(tid);
        rest = end;
      }
      real = tid;
    }
  }
  bool changed = false;
  if (!realPrefix.empty()) {
    std::string full = realPrefix + rest;
    uint64_t at = writeBelowStack(t, v.tid, full.c_str(), full.size() + 1);
    if (!at) return false;
    a.args[v.nr == SYS_openat ? 1 : 0] = at;
    a.setArgs = changed = true;
  }
  const char* leaf = strrchr(rest, '/');
  if (leaf && (strcmp(leaf, "/stat") == 0 || strcmp(leaf, "/status") == 0) && (leaf == rest || strncmp(rest, "/task/", 6) == 0)) {
    a.exitFix = kFixOpen;
    a.exitAddr = uint64_t(strcmp(leaf, "/stat") == 0 ? VirtualFile::ProcStat : VirtualFile::ProcStatus);
    a.aux[0] = uint64_t(real);
    return true;
  }
  return changed;
}

// /proc/PID/stat or status of a real process or thread, its ids made virtual (and in stat its
// CPU times and start time zero, as times and getrusage show).
std::string NativeRules::procText(VirtualFile what, pid_t real) {
  std::string path = "/proc/" + std::to_string(real) + (what == VirtualFile::ProcStat ? "/stat" : "/status");
  std::ifstream f(path);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto vid = [&](long id) -> long { return id > 0 ? long(virtualId(pid_t(id))) : id; };
  if (what == VirtualFile::ProcStat) {
    size_t close = text.rfind(')');
    if (close == std::string::npos) return text;
    std::string head = text.substr(0, close + 1), tail = text.substr(close + 2);
    size_t open = head.find(' ');
    head = std::to_string(vid(strtol(head.c_str(), nullptr, 10))) + head.substr(open);
    std::vector<std::string> fields;  // from field 3 (state) on
    size_t pos = 0;
    while (pos <= tail.size()) {
      size_t sp = tail.find(' ', pos);
      if (sp == std::string::npos) sp = tail.size();
      fields.push_back(tail.substr(pos, sp - pos));
      pos = sp + 1;
    }
    // 1-based field numbers of proc(5): ppid 4, pgrp 5, session 6, tpgid 8 are ids; utime 14,
    // stime 15, cutime 16, cstime 17, starttime 22 are times
    for (int n : {4, 5, 6, 8})
      if (size_t(n - 3) < fields.size()) fields[n - 3] = std::to_string(vid(strtol(fields[n - 3].c_str(), nullptr, 10)));
    for (int n : {14, 15, 16, 17, 22})
      if (size_t(n - 3) < fields.size()) fields[n - 3] = "0";
    std::string out = head;
    for (auto& x : fields) out += " " + x;
    return out;
  }
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    size_t colon = line.find(':');
    std::string key = colon == std::string::npos ? "" : line.substr(0, colon);
    if (key == "Tgid" || key == "Pid" || key == "PPid" || key == "NStgid" || key == "NSpid" || key == "NSpgid" || key == "NSsid") {
      std::string ids = line.substr(colon + 1), rewritten;
      size_t p = 0;
      while (p < ids.size()) {
        size_t q = ids.find_first_not_of(" \t", p);
        if (q == std::string::npos) break;
        size_t e = ids.find_first_of(" \t", q);
        if (e == std::string::npos) e = ids.size();
        rewritten += "\t" + std::to_string(vid(strtol(ids.substr(q, e - q).c_str(), nullptr, 10)));
        p = e;
      }
      line = key + ":" + rewritten;
    } else if (key == "TracerPid") {
      line = "TracerPid:\t0";  // the sandbox is not there
    }
    out += line + "\n";
  }
  return out;
}

// The time-stamp counter: a 1 GHz counter on the virtual clock (1000 s since boot), CPU 0 in
// rdtscp's TSC_AUX.
bool NativeRules::onTsc(pid_t pid, uint64_t& tsc, uint32_t& aux) {
  if (!det_.enabled) return false;
  use(pid);
  // 1 us more at each read, apart from the clock's steps: a loop waiting for the counter to move
  // sees it move, and the clocks read the same whether or not libc reads the counter
  tsc = uint64_t(1000LL * 1000000000LL + cur_->ticks * det_.stepNs + cur_->sleptNs + ++cur_->tscReads * 1000);
  aux = 0;
  return true;
}

// Rewrites the arguments that name processes (kPidArgs) from virtual ids to real ones.
bool NativeRules::translatePidArgs(const SyscallView& v, NativeAction& a) {
  for (const PidArgs& p : kPidArgs) {
    if (uint64_t(p.nr) != v.nr) continue;
    bool changed = false;
    for (int8_t i : p.args) {
      if (i < 0) continue;
      int64_t id = int64_t(int32_t(v.args[i]));
      int64_t real = id;
      if (id > 0) real = realId(id);
      else if (id < -1 && (v.nr == SYS_kill || v.nr == SYS_wait4)) real = -realId(-id);
      if (real != id) {
        a.args[i] = uint64_t(real);
        changed = true;
      }
    }
    a.setArgs = a.setArgs || changed;
    return changed;
  }
  return false;
}

static uint64_t fdKey(pid_t tgid, uint64_t fd) { return (uint64_t(uint32_t(tgid)) << 32) | uint32_t(fd); }

// read/pread64 of a descriptor the sandbox answers: skipped, the bytes given here.
bool NativeRules::virtualRead(Tracer& t, const SyscallView& v, NativeAction& a) {
  (void)t;
  auto it = vfiles_.find(fdKey(v.pid, v.args[0]));
  if (it == vfiles_.end()) return false;
  OpenVirtual& f = it->second;
  size_t count = size_t(std::min<uint64_t>(v.args[2], 1 << 20));
  std::string bytes;
  if (f.what == VirtualFile::Random) {
    bytes = randomBytes(count);
  } else {
    uint64_t off = v.nr == SYS_pread64 ? v.args[3] : f.offset;
    if (off < f.text.size()) bytes = f.text.substr(size_t(off), count);
    if (v.nr == SYS_read) f.offset += bytes.size();
  }
  if (!bytes.empty() && v.args[1]) a.writes.push_back({v.args[1], bytes});
  a.skip = a.setRet = true;
  a.ret = int64_t(bytes.size());
  return true;
}

int64_t NativeRules::tick() { return cur_->ticks++ * det_.stepNs + cur_->sleptNs; }

uint64_t writeBelowStack(Tracer& t, pid_t tid, const void* data, size_t len) {
  struct user_regs_struct r;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &r) != 0) return 0;
  uint64_t at = (r.rsp - 128 - 512) & ~uint64_t(15);
  return t.writeMemory(tid, at, data, len) == ssize_t(len) ? at : 0;
}

// The virtual clock a sleep's clock reads from (base ns at the start of the run), or -1.
static int64_t virtualBase(int64_t clk, int64_t epochNs) {
  if (clk == CLOCK_REALTIME || clk == CLOCK_REALTIME_COARSE || clk == 8 || clk == 11) return epochNs;
  if (clk == CLOCK_MONOTONIC || clk == CLOCK_MONOTONIC_RAW || clk == CLOCK_MONOTONIC_COARSE || clk == CLOCK_BOOTTIME || clk == 9)
    return 1000LL * 1000000000LL;
  return -1;
}

// nanosleep and clock_nanosleep: the program sleeps as long as it asked (really), and the
// virtual clock moves on by as much. A deadline on a virtual clock (TIMER_ABSTIME) is turned
// into the time left until it, or the kernel would compare it with the real clock.
bool NativeRules::virtualSleep(Tracer& t, const SyscallView& v, NativeAction& a) {
  bool clockCall = v.nr == SYS_clock_nanosleep;
  uint64_t reqAt = v.args[clockCall ? 2 : 0];
  int64_t req[2];
  if (!reqAt || t.readMemory(v.tid, reqAt, req, 16) != 16 || req[1] < 0 || req[1] >= 1000000000LL || req[0] < 0) return false;
  int64_t ns = req[0] * 1000000000LL + req[1];
  if (clockCall && (v.args[1] & TIMER_ABSTIME)) {
    int64_t base = virtualBase(int64_t(int32_t(v.args[0])), det_.epochNs);
    if (base < 0) return false;  // a CPU clock: the kernel's
    int64_t now = base + cur_->ticks * det_.stepNs + cur_->sleptNs;
    int64_t left = std::max<int64_t>(0, ns - now);
    int64_t rel[2] = {left / 1000000000LL, left % 1000000000LL};
    uint64_t at = writeBelowStack(t, v.tid, rel, 16);
    if (!at) return false;
    a.args[1] = v.args[1] & ~uint64_t(TIMER_ABSTIME);
    a.args[2] = at;
    a.setArgs = true;
    ns = left;
  }
  cur_->sleptNs += ns;
  return a.setArgs;
}

bool NativeRules::onEntry(Tracer& t, const SyscallView& v, NativeAction& a) {
  if (!wants(v.nr)) return false;
  use(v.pid);
  memcpy(a.args, v.args, sizeof a.args);
  if (ruleFor_[v.nr] >= 0 && injectEntry(v, a)) return true;
  if (net_ && VirtualNet::handles(v.nr) && net_->onEntry(t, v, a)) {
    a.exitFix = kFixNet;
    return true;
  }
  if (det_.enabled) return detEntry(t, v, a);
  return false;
}

bool NativeRules::injectEntry(const SyscallView& v, NativeAction& a) {
  const InjectRule& r = rules_[size_t(ruleFor_[v.nr])];
  uint64_t n = ++counts_[(uint64_t(uint32_t(v.tid)) << 32) | v.nr];
  if (n < r.first || n > r.last || (n - r.first) % r.step) return false;
  a.delayEnterUs = r.delayEnterUs;  // the thread waits at its stop, the others go on
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
  auto ret = [&](int64_t r) {
    a.skip = true;
    a.setRet = true;
    a.ret = r;
    return true;
  };
  // arguments naming processes: the real ids behind the virtual ones
  bool translated = translatePidArgs(v, a);
  switch (v.nr) {
    case SYS_fork: case SYS_vfork: case SYS_clone: case SYS_clone3: case SYS_getpgrp: case SYS_setsid:
    case SYS_getpgid: case SYS_getsid:
      a.exitFix = kFixPidRet;
      return true;
    case SYS_wait4:
      a.exitFix = kFixWait;
      a.exitAddr = v.args[3];
      return true;
    case SYS_waitid: {
      int idtype = int(v.args[0]);
      int64_t id = int64_t(int32_t(v.args[1]));
      if ((idtype == P_PID || idtype == P_PGID) && id > 0 && realId(id) != id) {
        a.args[1] = uint64_t(realId(id));
        a.setArgs = true;
      }
      a.exitFix = kFixWaitid;
      a.exitAddr = v.args[2];
      return true;
    }
    case SYS_times: {
      // clock ticks (USER_HZ, 100 a second) since a boot 1000 s before the run; no CPU time used
      int64_t ticks = (1000LL * 1000000000LL + tick()) / 10000000LL;
      if (v.args[0]) a.writes.push_back({v.args[0], std::string(32, '\0')});
      return ret(ticks);
    }
    case SYS_getrusage: {
      int who = int(v.args[0]);
      if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != 1 /* RUSAGE_THREAD */) return false;
      if (!v.args[1]) return ret(-EFAULT);
      a.writes.push_back({v.args[1], std::string(144, '\0')});  // struct rusage: nothing used
      return ret(0);
    }
    case SYS_clock_getres: {
      int64_t clk = int64_t(int32_t(v.args[0]));
      int64_t ns;
      if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE) ns = 4000000;  // a 250 Hz tick
      else if ((clk >= 0 && clk <= 11 && clk != 10) || clk < 0) ns = 1;
      else return false;  // unknown clock: EINVAL from the kernel
      if (v.args[1]) a.writes.push_back({v.args[1], timespecBytes(ns, false)});
      return ret(0);
    }
    case SYS_sched_getaffinity: {
      // det_.cpus CPUs, 0 to cpus-1 (nproc, os.cpu_count through the mask); 8 bytes of mask, as
      // a kernel with up to 64 CPUs copies
      uint64_t len = v.args[1];
      if (len < 8 || (len & 7)) return ret(-EINVAL);
      uint64_t mask = det_.cpus >= 64 ? ~0ULL : (1ULL << det_.cpus) - 1;
      if (!v.args[2]) return ret(-EFAULT);
      a.writes.push_back({v.args[2], std::string(reinterpret_cast<const char*>(&mask), 8)});
      return ret(8);
    }
    case SYS_open: case SYS_openat: {
      char path[64] = {0};
      uint64_t at = v.args[v.nr == SYS_openat ? 1 : 0];
      if (!at || t.readMemory(v.tid, at, path, sizeof path - 1) <= 0) return false;
      for (auto& f : kVirtualFiles)
        if (strcmp(path, f.path) == 0) {
          a.exitFix = kFixOpen;
          a.exitAddr = uint64_t(f.what);
          return true;
        }
      if (strncmp(path, "/proc/", 6) == 0) return procPath(t, v, path, a) || translated;
      return translated;
    }
    case SYS_read: case SYS_pread64:
      return !vfiles_.empty() && virtualRead(t, v, a);
    case SYS_nanosleep: case SYS_clock_nanosleep:
      return virtualSleep(t, v, a) || translated;
    case SYS_close:
      if (!vfiles_.empty()) vfiles_.erase(fdKey(v.pid, v.args[0]));
      return false;
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
  return translated;
}

void NativeRules::onExit(Tracer& t, const SyscallView& v, const NativeAction& a, ExitDecision& d) {
  if (a.setArgs) {
    // The kernel keeps argument registers across a call: the program gets its own back (a
    // rewritten pid or address left there is not its), and a restarted call comes in again
    // with them, to be rewritten again
    struct user_regs_struct r;
    if (xptrace(PTRACE_GETREGS, v.tid, nullptr, &r) == 0) {
      r.rdi = v.args[0], r.rsi = v.args[1], r.rdx = v.args[2], r.r10 = v.args[3], r.r8 = v.args[4], r.r9 = v.args[5];
      xptrace(PTRACE_SETREGS, v.tid, nullptr, &r);
    }
  }
  switch (a.exitFix) {
    case kFixStat: case kFixStatx:
      if (v.ret != 0 || !a.exitAddr) return;
      // struct stat: st_atim, st_mtim, st_ctim at 72..120; struct statx: stx_atime, stx_btime,
      // stx_ctime, stx_mtime at 64..128
      if (a.exitFix == kFixStat) d.writes.push_back({a.exitAddr + 72, std::string(48, '\0')});
      else d.writes.push_back({a.exitAddr + 64, std::string(64, '\0')});
      return;
    case kFixPidRet:
      if (v.ret > 0) {
        d.setRet = true;
        // a child made by this call has its id since its spawn event, and keeps it even when it
        // is already gone by this exit (a short thread): reapedId does not hand out a new one
        bool spawner = v.nr == SYS_fork || v.nr == SYS_vfork || v.nr == SYS_clone || v.nr == SYS_clone3;
        d.ret = spawner ? reapedId(pid_t(v.ret), false) : virtualId(pid_t(v.ret));
      }
      return;
    case kFixWait:
      if (v.ret > 0) {
        d.setRet = true;
        d.ret = reapedId(pid_t(v.ret), true);
        if (a.exitAddr) d.writes.push_back({a.exitAddr, std::string(144, '\0')});  // rusage
      }
      return;
    case kFixWaitid: {
      if (v.ret != 0) return;
      // siginfo_t of a child: si_pid at 16, si_utime and si_stime at 32 and 40
      int32_t pid = 0;
      if (a.exitAddr && t.readMemory(v.tid, a.exitAddr + 16, &pid, 4) == 4 && pid > 0) {
        int32_t vid = int32_t(reapedId(pid, !(a.args[3] & WNOWAIT)));
        d.writes.push_back({a.exitAddr + 16, std::string(reinterpret_cast<const char*>(&vid), 4)});
        d.writes.push_back({a.exitAddr + 32, std::string(16, '\0')});
      }
      if (a.args[4]) d.writes.push_back({a.args[4], std::string(144, '\0')});
      return;
    }
    case kFixOpen:
      if (v.ret >= 0) {
        VirtualFile what = VirtualFile(a.exitAddr);
        std::string text;
        if (what == VirtualFile::CpuList) text = det_.cpus > 1 ? "0-" + std::to_string(det_.cpus - 1) + "\n" : "0\n";
        else if (what == VirtualFile::ProcStat || what == VirtualFile::ProcStatus) text = procText(what, pid_t(a.aux[0]));
        vfiles_[fdKey(v.pid, uint64_t(v.ret))] = {what, 0, std::move(text)};
      }
      return;
    case kFixNet:
      net_->onExit(t, v, a, d);
      return;
  }
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
  use(tid);  // (after exec the thread is its process's leader)
  // AT_RANDOM: the 16 bytes libc seeds its stack protector and pointer guard from
  walkAuxv(t, tid, [&](uint64_t type, uint64_t, uint64_t value) {
    if (type != AT_RANDOM) return true;
    std::string r = randomBytes(16);
    t.writeMemory(tid, value, r.data(), 16);
    return false;
  });
}

}  // namespace rift
