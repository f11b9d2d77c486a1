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
#include "vnet.h"

#include <memory>

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
  bool net = false;                              // the virtual network (also on with enabled)
};

// What a native rule decided at entry.
struct NativeAction {
  bool skip = false;
  bool setRet = false;
  int64_t ret = 0;
  bool setArgs = false;  // (delay_enter only marks the call: args unchanged)
  std::vector<std::pair<uint64_t, std::string>> writes;  // applied at exit
  int signal = 0;
  int64_t delayEnterUs = 0, delayExitUs = 0;
  int exitFix = 0;        // post-processing at exit of a call that ran (kStatFix...)
  uint64_t exitAddr = 0;
  uint64_t args[6] = {0};  // with setArgs: the arguments the call runs with
  uint64_t aux[3] = {0};   // what the exit's fix-up needs (the virtual network's)
};

enum : int {
  kFixNone = 0,
  kFixStat,       // stat family: zero the times in the struct at exitAddr
  kFixStatx,      // statx: the same for struct statx
  kFixPidRet,     // a real pid returned (fork, clone, getpgid...): the virtual one instead
  kFixWait,       // wait4: the pid returned virtual; the rusage at exitAddr zeroed
  kFixWaitid,     // waitid: si_pid of the siginfo virtual, its times zeroed; the rusage zeroed
  kFixOpen,       // open/openat of a file the sandbox answers (virtualFile): note the descriptor
  kFixNet,        // a call on a socket of the virtual network (VirtualNet::onExit)
};

// A file whose reads the sandbox answers (what /dev/urandom gives, the CPUs online...).
enum class VirtualFile : uint8_t {
  None,
  Random,      // /dev/urandom: the generator's bytes
  CpuList,     // /sys/devices/system/cpu/online: the sandbox's CPUs
  ProcStat,    // /proc/PID/stat: its ids virtual, its times zero
  ProcStatus,  // /proc/PID/status: its ids virtual
};

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
  // An rdtsc/rdtscp the tracer answers: the sandbox's counter (true), or none (false).
  bool onTsc(pid_t pid, uint64_t& tsc, uint32_t& aux);
  // A new thread or process, before it runs (at its parent's fork, vfork or clone event)
  void onSpawn(pid_t parentPid, pid_t child, bool thread);

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
  std::unique_ptr<VirtualNet> net_;
  int ruleFor_[kMaxNr];
  std::bitset<kMaxNr> want_;
  std::unordered_map<uint64_t, uint64_t> counts_;  // (tid, nr) -> calls seen
  DeterministicOptions det_;
  uint64_t rng_;  // the first process's generator state
  // Each process has its own virtual clock and generator, copied from its parent's at fork:
  // what one process sees then does not depend on how its calls interleave with another's
  // (threads of a process share them)
  struct ProcState {
    int64_t ticks = 0;    // time reads so far
    int64_t sleptNs = 0;  // time it slept: its clock moves on by that too
    int64_t tscReads = 0;  // rdtsc/rdtscp so far
    uint64_t rng = 0;
  };
  std::unordered_map<pid_t, ProcState> procs_;
  ProcState* cur_ = nullptr;  // the process of the call at hand
  ProcState& use(pid_t pid);
  bool virtualSleep(Tracer& t, const SyscallView& v, NativeAction& a);
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
    std::string text;  // a text file's whole content, made at its open
  };
  std::string procText(VirtualFile what, pid_t real);
  bool procPath(Tracer& t, const SyscallView& v, const char* path, NativeAction& a);
  std::unordered_map<uint64_t, OpenVirtual> vfiles_;
};

// Copies bytes below the red zone of a thread stopped at a syscall's entry, for the kernel to
// read in place of the program's argument (a rewritten address or time). Their address, or 0.
uint64_t writeBelowStack(Tracer& t, pid_t tid, const void* data, size_t len);

// Turns the AT_SYSINFO_EHDR auxv entry of a freshly exec'd process into AT_IGNORE, so that libc
// does not find the vDSO and makes real clock_gettime/gettimeofday/time/getcpu syscalls.
// Returns false when the stack could not be walked.
bool hideVdso(Tracer& t, pid_t tid);

}  // namespace rift
