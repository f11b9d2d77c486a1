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
};

enum : int { kFixNone = 0, kFixStat = 1, kFixStatx = 2 };

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

 private:
  bool injectEntry(const SyscallView& v, NativeAction& a);
  bool detEntry(Tracer& t, const SyscallView& v, NativeAction& a);
  uint64_t next64();
  std::string randomBytes(size_t n);
  int64_t virtualId(pid_t real);
  int64_t tick();  // advances the virtual clock, returns ns since its start

  std::vector<InjectRule> rules_;
  int ruleFor_[kMaxNr];
  std::bitset<kMaxNr> want_;
  std::unordered_map<uint64_t, uint64_t> counts_;  // (tid, nr) -> calls seen
  DeterministicOptions det_;
  uint64_t rng_;
  int64_t ticks_ = 0;
  std::unordered_map<pid_t, int64_t> vids_;
  int64_t nextVid_ = 1000;
};

// Turns the AT_SYSINFO_EHDR auxv entry of a freshly exec'd process into AT_IGNORE, so that libc
// does not find the vDSO and makes real clock_gettime/gettimeofday/time/getcpu syscalls.
// Returns false when the stack could not be walked.
bool hideVdso(Tracer& t, pid_t tid);

}  // namespace rift
