// Native interception rules: strace-style fault injection (-e inject=...) and the deterministic
// sandbox (--deterministic). They run on the ptrace thread and never round-trip to JavaScript.
#pragma once
#include <sys/types.h>

#include <bitset>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tracer.h"

namespace rift {

constexpr size_t kMaxNr = 1024;

// One -e inject=SET:... rule. `when` is strace's first[..last][+step], counted per thread and
// per syscall number, from 1.
struct InjectRule {
  std::bitset<kMaxNr> nrs;
  bool hasRet = false;   // error= or retval=: the call is skipped and returns `ret`
  int64_t ret = 0;       // -errno for error=
  int signal = 0;        // delivered after the call
  int64_t delayEnterUs = 0, delayExitUs = 0;
  uint64_t first = 1, last = UINT64_MAX, step = 1;
};

struct DeterministicOptions {
  bool enabled = false;
  uint64_t seed = 0;
  int64_t epochNs = 946684800LL * 1000000000LL;  // 2000-01-01T00:00:00Z
  int64_t stepNs = 1000000;                      // virtual time per time-reading call
  int cpus = 4;                                  // CPUs the program is shown (nproc)
};

// What a native rule decided at entry.
struct NativeAction {
  bool skip = false;
  bool setRet = false;
  int64_t ret = 0;
  bool setArgs = false;  // (delay_enter only marks the call: args unchanged)
  std::vector<std::pair<uint64_t, std::string>> writes;  // applied at exit
  int signal = 0;
  int64_t delayExitUs = 0;
  int exitFix = 0;        // post-processing at exit of a call that ran (kStatFix...)
  uint64_t exitAddr = 0;
  uint64_t args[6] = {0};  // with setArgs: the arguments the call runs with
};

enum : int {
  kFixNone = 0,
  kFixStat,       // stat family: zero the times in the struct at exitAddr
  kFixStatx,      // statx: the same for struct statx
  kFixPidRet,     // a real pid returned (fork, clone, getpgid...): the virtual one instead
  kFixWait,       // wait4: the pid returned virtual; the rusage at exitAddr zeroed
  kFixWaitid,     // waitid: si_pid of the siginfo virtual, its times zeroed; the rusage zeroed
  kFixOpen,       // open/openat of a file the sandbox answers (virtualFile): note the descriptor
};

// A file whose reads the sandbox answers (what /dev/urandom gives, the CPUs online...).
enum class VirtualFile : uint8_t { None, Random, CpuList };

class NativeRules {
 public:
  NativeRules(std::vector<InjectRule> rules, DeterministicOptions det);
  // every syscall number a rule may act on (for the seccomp prefilter)
  std::vector<int> numbers() const;
  bool wants(uint64_t nr) const { return nr < kMaxNr && want_[nr]; }
  // At entry. Returns true when a rule acted; `a` says how.
  bool onEntry(Tracer& t, const SyscallView& v, NativeAction& a);
  // At exit of a call that ran and has a pending fix-up.
  void onExit(Tracer& t, const SyscallView& v, const NativeAction& a, ExitDecision& d);
  void onExec(Tracer& t, pid_t tid);
  // A thread or process is gone: its id may be used again by a new one.
  void onGone(pid_t tid);

 private:
  bool injectEntry(const SyscallView& v, NativeAction& a);
  bool detEntry(Tracer& t, const SyscallView& v, NativeAction& a);
  uint64_t next64();
  std::string randomBytes(size_t n);
  int64_t virtualId(pid_t real);
  // the real id behind a virtual one (the program's argument); other values unchanged
  int64_t realId(int64_t id);
  // a real id just reaped by wait4/waitid: its virtual one, and forgets it (the id may return)
  int64_t reapedId(pid_t real, bool forget);
  bool translatePidArgs(const SyscallView& v, NativeAction& a);
  bool virtualRead(Tracer& t, const SyscallView& v, NativeAction& a);
  int64_t tick();  // advances the virtual clock, returns ns since its start

  std::vector<InjectRule> rules_;
  int ruleFor_[kMaxNr];
  std::bitset<kMaxNr> want_;
  std::unordered_map<uint64_t, uint64_t> counts_;  // (tid, nr) -> calls seen
  DeterministicOptions det_;
  uint64_t rng_;
  int64_t ticks_ = 0;
  // real pid/tid -> virtual; a gone id gets a new virtual one if the kernel hands it out again
  struct Vid {
    int64_t vid;
    bool gone;
  };
  std::unordered_map<pid_t, Vid> vids_;
  std::unordered_map<int64_t, pid_t> reals_;  // virtual -> real
  int64_t nextVid_ = 1000;
  // descriptors of files the sandbox answers: (tgid << 32 | fd) -> what, and how far read
  struct OpenVirtual {
    VirtualFile what;
    uint64_t offset;
  };
  std::unordered_map<uint64_t, OpenVirtual> vfiles_;
};

// Turns the AT_SYSINFO_EHDR auxv entry of a freshly exec'd process into AT_IGNORE, so that libc
// does not find the vDSO and makes real clock_gettime/gettimeofday/time/getcpu syscalls.
// Returns false when the stack could not be walked.
bool hideVdso(Tracer& t, pid_t tid);

}  // namespace rift
