// The ptrace engine. It knows mechanisms (launch, attach, follow, stops, memory, detach), not
// syscalls: which memory to read for which syscall number comes from a CapturePlan built in
// TypeScript, and what to do to a syscall comes from an Interceptor.
#pragma once
#include <signal.h>
#include <sys/types.h>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "record_buffer.h"

namespace rift {

// FdData: not memory but the bytes a call moved inside the kernel from the regular file behind
// descriptor argument `arg` (copy_file_range, sendfile, splice), read back from it at exit;
// `lenArg` is the argument holding the source's loff_t pointer (see Tracer::capture).
// Pointee: the memory a pointer field of the struct at argument `arg` points to (the field at
// `ptrOff`, or with kPointeeIsArg the argument itself; its length the unsigned `lenSize`-byte
// field at `lenOff` of the struct at argument `lenBase` (-1: at `arg`) times `scale`, or with
// lenSize 0 a C string), into blob `index` of that argument. When: not a capture but a guard
// (see CaptureSpec::when). Both from @rift/events' pointees.ts, which holds what they mean.
// MsgHdrVec: an array of elements `scale` bytes long, each a struct msghdr followed by more
// (struct mmsghdr), as many as lengthOf says (1024 at most); element j's parts are blob indexes
// j << 16 | part, the parts as MsgHdr's (0 the element whole, 1 name, 2 control, 3 + i iovecs),
// its data bounded by the u32 at `lenOff` of the element when lenOff is set (>= 0: msg_len).
// FdLink: at exit, what /proc/PID/fd/N links to for the descriptors a call made (socket:[INODE]):
// N the return value (lenFrom Ret), or each of the `scale` ints (2 at most) behind argument
// lenArg's pointer, the j-th kept on argument arg + j (socketpair's pair).
enum class CaptureKind : int32_t { CString = 0, Buffer = 1, IoVec = 2, StringArray = 3, MsgHdr = 4, FdData = 5, Pointee = 6, When = 7, MsgHdrVec = 8, FdLink = 9 };
// ArgI32: the argument's low 32 bits, an int (a count the kernel takes as int: garbage in the
// register's high half does not count, a negative one is no bytes)
enum class LengthFrom : int32_t { Fixed = 0, Arg = 1, Ret = 2, ArgPtrU32 = 3, ArgPtrU64 = 4, ArgI32 = 5 };

struct CaptureSpec {
  int arg = 0;
  bool atExit = false;
  CaptureKind kind = CaptureKind::Buffer;
  LengthFrom lenFrom = LengthFrom::Fixed;
  int lenArg = 0;
  int64_t max = -1;      // bytes to keep; -1 = whole (content that replay must reproduce)
  bool onError = false;  // also capture when the syscall failed
  int64_t scale = 1;     // length unit in bytes (element size of an array of structs)
  // Pointee: where the pointer and the length are in the struct, the blob index written
  uint32_t ptrOff = 0, lenOff = 0, lenSize = 0, index = 0;
  int lenBase = -1;
  // >= 0: the struct is not at the argument but where the pointer at this offset of the
  // argument's struct points (bpf's info struct, whose own fields point to more)
  int via = -1;
  // and `hops` more times through the same offset of each struct reached (a linked list)
  uint32_t hops = 0;
  // the memory is `count` pointers to C strings: the array as blob `index`, string j as
  // blob index + 1 + j (each bounded by `max`)
  bool strings = false;
  bool fixedLen = false;  // the memory is lenOff bytes long (an int the kernel writes back)
  // the plan's When rows before this one: captured only when each holds (a selector:
  // setsockopt's option name, bpf's command, a field of bpf's attribute)
  struct Guard {
    int arg;
    int off;  // -1: the argument's low 32 bits; else the u32 at that offset of its struct
    uint32_t value;
    bool atLeast;  // holds when it is value or more (unsigned), else only when equal
  };
  std::vector<Guard> when;
};

constexpr uint32_t kPointeeIsArg = 0xffff;  // a Pointee's ptrOff: the argument is the pointer
constexpr uint32_t kPointeeAtSp = 0x8000;   // a Pointee's ptrOff bit: at the stack pointer + the rest

using CapturePlan = std::vector<std::vector<CaptureSpec>>;  // indexed by syscall number

struct TracerOptions {
  // launch
  std::vector<std::string> argv;  // as the program sees it (argv[0] as the user typed it)
  std::string exe;                // the resolved executable to execve (default argv[0])
  std::vector<std::string> env;
  std::string cwd;
  int stdinFd = 0, stdoutFd = 1, stderrFd = 2;
  bool noAslr = false;
  bool noVdso = false;
  // rdtsc and rdtscp fault (prctl PR_SET_TSC, PR_TSC_SIGSEGV, set in the launched child before
  // its execve; inherited by its threads and children, kept across execve): the tracer answers
  // each at its SIGSEGV stop and records the value (REC_TSC), as rr does
  bool trapTsc = false;
  // trace the children a traced process makes (fork, vfork, clone: its threads too); off,
  // strace's default without -f: the first process's first thread alone
  bool follow = true;
  // attach
  std::vector<pid_t> pids;
  // common
  CapturePlan plan;
  std::vector<int> seccompNrs;  // empty with useSeccomp=false: stop at every syscall
  bool useSeccomp = false;
  bool seccompAll = false;      // the filter stops at every syscall (the syscall buffer's own
                                // calls and those it records excepted)
  // The syscall buffer (syscallbuf_abi.h), for a launched command: the library's path and its
  // configuration (RIFT_SYSCALLBUF). No library: off. An empty configuration: passive, the
  // library is loaded and records nothing (a replay of a recording made with it).
  std::string sbLibrary;
  std::string sbConfig;
  bool riftCalls = false;       // keep the loader's calls that load the library (SC_RIFT); by
                                // default they are left out: the program did not make them
  int cpu = -1;                 // pin the ptrace thread (and a launched child) to this CPU
  bool pinChild = true;
  // The CPUs a launched child would be allowed without the pin: what its sched_getaffinity is
  // answered (hidePin) until the program sets an affinity of its own. Empty: answered as is.
  std::vector<int> visibleCpus;
  size_t batchEvents = 512;
  size_t batchBytes = 1 << 20;
  int maxInFlight = 8;          // batches handed to JS and not yet acknowledged
  int flushMs = 20;
};

// A syscall as the interceptor sees it. Registers are the kernel's view at the stop.
struct SyscallView {
  pid_t tid, pid;
  uint64_t nr;
  uint64_t args[6];
  int64_t ret;  // exit only
};

// What to do with a syscall at its entry stop.
struct EntryDecision {
  bool skip = false;           // neutralise: the kernel does not run it
  bool setRet = false;         // with skip: the result, set at entry already (see onSyscallEntry)
  int64_t ret = 0;
  bool setArgs = false;        // write `args` back before it runs
  uint64_t args[6] = {0};
  // >= 0: the kernel runs this syscall in the call's place (the exit stop still reports the
  // program's call: rift-replay places the heap with prctl at the first brk)
  int64_t setNr = -1;
  bool again = false;          // the thread makes this call again (a restart): its record is SC_AGAIN
  bool hold = false;           // hold the thread: decision continues at exit (onExit)
  // false: a skipped call whose exit changes nothing more (no signal, delay or fix-up). At a
  // seccomp stop such a call is completed there and the thread resumed without an exit stop.
  bool exitWork = true;
  // not decided yet (a handler's verdict, a delay): the thread stays stopped while the tracer
  // serves the others, and Interceptor::resumeEntry gives the decision later
  bool defer = false;
  // a call that runs and whose exit the interceptor needs nothing from (its verdict asked for
  // no exit, and left nothing to undo there): at a seccomp stop, when the tracer needs nothing
  // there either (Tracer::runsOn), it runs on without an exit stop
  bool noExitStop = false;
  // a skipped call: deliver these signals (bit sig-1) once the thread has returned from it and
  // run on to this instruction (Tracer::runTo)
  uint64_t stepTo = 0, stepSigs = 0;
};

struct ExitDecision {
  bool setRet = false;
  int64_t ret = 0;
  // bytes to write into tracee memory before it resumes: (address, bytes)
  std::vector<std::pair<uint64_t, std::string>> writes;
  int signal = 0;              // deliver a signal to the thread after the syscall
  // deliver these signals (bit sig-1) once the thread has run on to this instruction (runTo)
  uint64_t stepTo = 0, stepSigs = 0;
  bool defer = false;          // not decided yet: Interceptor::resumeExit gives it later
  bool again = false;          // the thread makes the call again from its entry: its record is SC_AGAIN
};

class Tracer;
class Interceptor {
 public:
  virtual ~Interceptor() = default;
  // Called at each entry stop the tracer records. Return the decision.
  virtual EntryDecision onEntry(Tracer& t, const SyscallView& v) = 0;
  virtual ExitDecision onExit(Tracer& t, const SyscallView& v, bool skipped) = 0;
  // At each PTRACE_EVENT_EXEC stop (new image loaded, stack built, nothing run yet).
  virtual void onExec(Tracer& t, pid_t tid) { (void)t; (void)tid; }
  // A thread is gone (its tid may be reused by a new one).
  virtual void onGone(pid_t tid) { (void)tid; }
  // Signals (bit sig-1) the thread gets on its way on, as a verdict's deliver gives them.
  virtual void deliverSignals(pid_t pid, pid_t tid, uint64_t sigs) { (void)pid; (void)tid; (void)sigs; }
  // At a signal-delivery stop, before the signal goes on to the thread.
  virtual void onSignalStop(pid_t pid, pid_t tid, int sig) { (void)pid; (void)tid; (void)sig; }
  // At a signal-delivery stop, before it is reported: true with the siginfo the signal must
  // carry instead of its own (a verdict's, for a signal it delivers: VerdictExtras::siginfo).
  virtual bool signalInfo(pid_t tid, int sig, siginfo_t& si) { (void)tid; (void)sig; (void)si; return false; }
  // A thread entered a group-stop (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU).
  virtual void onGroupStop(pid_t pid, pid_t tid) { (void)pid; (void)tid; }
  // A decision deferred (defer) while its thread waits at its stop, asked again each time the
  // tracer looks (after any stop, at the latest every half millisecond): true with the
  // decision once there is one.
  virtual bool resumeEntry(Tracer& t, pid_t tid, EntryDecision& d) { (void)t; (void)tid; (void)d; return true; }
  virtual bool resumeExit(Tracer& t, pid_t tid, ExitDecision& d) { (void)t; (void)tid; (void)d; return true; }
  // A new thread or process (fork, vfork, clone event of its parent), before it runs.
  virtual void onSpawn(pid_t parentPid, pid_t child, bool thread) { (void)parentPid; (void)child; (void)thread; }
  // An rdtsc or rdtscp the tracer answers (trapTsc): true with the counter (and rdtscp's
  // TSC_AUX) to give the thread, false to give it the real counter.
  virtual bool onTsc(Tracer& t, pid_t tid, pid_t pid, bool rdtscp, uint64_t& tsc, uint32_t& aux) {
    (void)t; (void)tid; (void)pid; (void)rdtscp; (void)tsc; (void)aux;
    return false;
  }
  // Called from any thread when the trace is being killed or detached: stop waiting.
  virtual void cancel() {}
};

// Receives finished batches of binary records. Called on the ptrace thread; may block
// (that is the backpressure that pauses the tracee).
using BatchHandler = std::function<void(std::vector<uint8_t>&&)>;

struct ThreadState {
  pid_t pid = 0;            // thread group id
  bool inSyscall = false;
  bool started = true;      // false for a launched child until its execve
  bool launchExec = false;  // inside the launched child's first execve (a failure un-starts it)
  bool execFailed = false;  // that execve failed: only the child's exit is recorded after it
  bool seccompEntry = false;
  bool skipped = false;
  bool injected = false;
  bool again = false;       // made again (EntryDecision/ExitDecision::again): recorded SC_AGAIN
  bool ownAffinity = false;  // the program set this thread's CPUs (or its creator's): not rift's pin
  uint64_t nr = 0;
  uint64_t args[6] = {0};
  int64_t entryTs = 0;
  std::vector<uint8_t> entryBlobs;  // captures taken at entry, appended on completion
  uint16_t entryBlobCount = 0;
  bool compat = false;
  bool groupStopped = false;
  int pendingSignal = 0;    // signal the interceptor asked to deliver after the syscall
  uint64_t stepTo = 0, stepSigs = 0;  // an exit decision's (ExitDecision::stepTo): for resume
  uint64_t sp = 0;          // the stack pointer at the call's entry (a Pointee row at kPointeeAtSp)
  bool doneAtEntry = false; // a skipped call completed at its seccomp stop (no exit stop)
  int64_t skipRet = 0;      // its result, already in rax
  bool runsOn = false;      // a call resumed at its seccomp stop with no exit stop (Tracer::runsOn)
  // waiting at its stop for the interceptor's decision (1 at entry, 2 at exit), with what the
  // rest of its exit needs
  uint8_t parked = 0;
  struct {
    int64_t rval, ts;
    bool isError, retInPlace, resumed, riftsOwn;
  } parkedExit = {};
  // syscall buffer
  uint64_t sbAddr = 0;      // the thread's buffer in its memory (0: none registered)
  pid_t sbShareWith = 0;    // a vfork child: the parent whose memory and TLS it shares
  bool quiet = false;       // the library's own calls: not recorded
  bool sbExiting = false;   // the thread gave its buffer up (it is exiting)
  bool sbSandboxed = false; // its process installed a seccomp filter of its own: no library
  bool riftsOwn = false;     // the call in progress is the loader's for rift's library
  bool sbRegistered = false; // the thread registered a buffer of its own (its creator's clone
                             // event, which may come later, must not overwrite it)
  // A new thread waits at its first stop until its creator's clone has returned (Tracer::
  // holdNewborn): until then its creator's memory is as the kernel left it at the call's return.
  bool firstStopSeen = false;  // its first stop came (or rift attached it: it is no newborn)
  bool creatorSeen = false;    // its creator's clone event came (or rift attached it)
  bool heldAtBirth = false;    // stopped at its first stop, not resumed yet
  pid_t heldFor = 0;           // the creator whose clone must return first
  std::vector<pid_t> newborns; // as a creator: the threads waiting for this call to return
};

// SIGKILL to a tracee (a thread the caller traces and has not reaped), by tgkill
void killTracee(pid_t tgid, pid_t tid);

// What the loader of one process has done so far to load the syscall buffer's library, so
// that its calls for it (open, read the ELF header, fstat, mmap the segments, mprotect, close)
// are told apart from the program's.
struct LibraryLoad {
  bool expected = false;  // an image that gets the library started, not yet opened
  int fd = -1;            // the library's descriptor while the loader has it open
  uint64_t lo = 0, hi = 0;  // the library's address range (its first mapping reserves it)
};

// The loader's early hook in one new image (syscallbuf_abi.h; early.cc): armed at the exec
// stop, injected at the image's first syscall stop in the loader, finished at that injected
// mmap's exit stop.
struct EarlyHook {
  int stage = 0;             // 1 armed, 2 the mapping's mmap injected (its exit awaited)
  pid_t tid = 0;             // the thread it is injected in
  uint64_t textLo = 0, textHi = 0;  // the loader's executable segment
  uint64_t markAddr = 0;     // the configuration's mark in the image's environment
  uint64_t randomAddr = 0;   // AT_RANDOM: the mark's token
  uint64_t savedRegs[27] = {0};     // the stopped call's registers (user_regs_struct)
  std::string loaderId;      // the loader's build id and text size: its sites are cached by it
};
// One of the loader's patched sites, relative to its text (sb_sites.h's sb_site, and its bytes)
struct EarlySite {
  uint64_t start, end, pre, post, syscallAt;
  int dynamic;
  uint8_t bytes[16];
};

class Tracer {
 public:
  Tracer(TracerOptions opts, BatchHandler onBatch);
  ~Tracer();

  // Runs the trace to completion on the calling thread (the ptrace thread). Returns the
  // launched child's wait status, or 0 for attach. Throws std::system_error on setup failure.
  int run();

  // Thread-safe requests from JavaScript.
  void requestDetach();
  void requestKill();
  void ack();  // JS consumed a batch

  pid_t childPid() const { return child_; }
  // Blocks until launch() has forked the child (childPid() valid) or failed; at once for attach.
  void waitLaunched();
  // Sends sig to the launched child through its pidfd: never another process, even once the
  // child is reaped and its pid reused. 0, or an errno (ESRCH: gone; ENOSYS: no pidfd here).
  int signalChild(int sig);
  // errno of the launched command's failed execve (or of its set-up before it), else 0
  int execErrno() const { return execErrno_; }
  void setInterceptor(Interceptor* i) { interceptor_ = i; }
  // From any thread: the ptrace thread looks at its parked threads now (a decision came)
  void wake();
  // memory helpers usable from an interceptor (on the ptrace thread)
  ssize_t readMemory(pid_t tid, uint64_t addr, void* buf, size_t len);
  ssize_t writeMemory(pid_t tid, uint64_t addr, const void* buf, size_t len);
  void hidePin(pid_t tid, ThreadState& st, int64_t rval);  // rift's CPU pin, out of sched_getaffinity
  int64_t now() const;
  // a `warning` record in the stream (for interceptors, on the ptrace thread)
  void emitWarning(pid_t tid, const std::string& msg) { warn(tid, msg); }

 private:
  void launch();
  void settleLaunch();
  void attach();
  void seize(pid_t tid, bool interrupt);
  void loop();
  void handleStop(pid_t tid, int status);
  void onSyscallEntry(pid_t tid, ThreadState& st, const void* info, bool seccomp);
  void onSyscallExit(pid_t tid, ThreadState& st, int64_t rval, bool isError, bool retInPlace = false);
  // the parts of a syscall stop that follow the interceptor's decision, now or once deferred
  void applyEntry(pid_t tid, ThreadState& st, const EntryDecision& d);
  void afterEntry(pid_t tid, ThreadState& st);
  void finishExit(pid_t tid, ThreadState& st, const ExitDecision* d, int64_t rval, bool isError, bool retInPlace,
                  bool resumed, int64_t ts, bool riftsOwn);
  // gives the parked threads whose decision has come their decision, and resumes them
  void serviceParked();
  std::unordered_set<pid_t> parked_;
  // New processes held at their first stop until their parent's fork event gives them their
  // copy of its buffer (holdNewborn); released too once their parent is gone (releaseOrphans)
  std::unordered_set<pid_t> heldProcesses_;
  void releaseOrphans();
  void* wakeTimer_ = nullptr;  // timer_t: wakes the ptrace thread while threads are parked
  bool wakeArmed_ = false;     // it is ticking (every 2 ms)
  bool wakeEvery(bool on);
  void emitUnfinished(pid_t tid, ThreadState& st, int64_t ts);
  void capture(pid_t tid, ThreadState& st, RecordWriter& w, const CaptureSpec& c, int64_t ret,
               bool atExit);
  void captureSide(pid_t tid, ThreadState& st, RecordWriter& w, bool atExit, int64_t ret, bool isError = false);
  void emitSpawn(pid_t parent, ThreadState& st, pid_t child, int kind);
  void emitExec(pid_t tid, pid_t oldTid);
  void emitSignal(pid_t tid, ThreadState& st, int sig, bool groupStop, int64_t inCall = 0);
  bool runTo(pid_t tid, ThreadState& st);
  int64_t signalInCall(pid_t tid, ThreadState& st);
  bool emulateTsc(pid_t tid, ThreadState& st);
  void emitExit(pid_t tid, ThreadState& st, int status);
  bool loadsLibrary(pid_t tid, ThreadState& st);
  bool runsOn(const ThreadState& st) const;
  void loadedLibrary(ThreadState& st, int64_t rval, bool isError);
  void emitEnd(int reason, int status);
  void warn(pid_t tid, const std::string& msg);
  ThreadState& state(pid_t tid);
  pid_t tgidOf(pid_t tid);
  void resume(pid_t tid, ThreadState& st, int sig);
  bool holdNewborn(pid_t tid, ThreadState& st);
  void bornOf(pid_t creator, ThreadState& st, pid_t child);
  void releaseNewborns(ThreadState& creator);
  void letRun(pid_t child, ThreadState& cs);
  void doDetach();
  // syscall buffer
  void drainBuffer(pid_t tid, ThreadState& st, bool stopped);
  void takeBuffer(pid_t tid, ThreadState& st, bool stopped);
  void drainProcess(pid_t tid, ThreadState& st);
  void sandbox(pid_t tid, ThreadState& st);
  void onBufferMagic(pid_t tid, ThreadState& st, const uint64_t* args);
  bool validBufferedRecord(const uint8_t* rec, uint32_t len) const;
  void distrustBuffer(pid_t tid, ThreadState& st, const char* what);
  void emitCaptured(pid_t tid, ThreadState& st, uint64_t recordAddr);
  void addPreloadEnv(pid_t tid, ThreadState& st);
  void shareBuffer(pid_t parent, ThreadState& st, pid_t child, int event);
  void lendBuffer(pid_t tid, ThreadState& st, uint64_t nr, const uint64_t* args);
  // the loader's early hook (early.cc)
  void armEarlyHook(pid_t tid, ThreadState& st);
  bool injectEarlyHook(pid_t tid, ThreadState& st, uint64_t nr);
  bool finishEarlyHook(pid_t tid, ThreadState& st, int64_t rval);
  void abandonEarlyHook(pid_t tid, ThreadState& st);
  bool installEarlyHook(pid_t tid, const EarlyHook& eh, uint64_t stoppedAt, uint64_t& resumeAt);
  bool loadsLibrary(pid_t tid, pid_t pid, uint64_t nr, const uint64_t* args, const uint8_t* rec);
  void loadedLibrary(pid_t pid, uint64_t nr, const uint64_t* args, int64_t rval, bool isError);
  void maybeFlush(bool force);
  void countLocked(std::unique_lock<std::mutex>& lk, bool force);
  void flushLocked(std::unique_lock<std::mutex>& lk);
  void flusherMain();

  TracerOptions opts_;
  BatchHandler onBatch_;
  Interceptor* interceptor_ = nullptr;
  std::unordered_map<pid_t, ThreadState> threads_;
  pid_t child_ = -1;
  int childStatus_ = 0;
  bool childExited_ = false;
  pid_t tracerTid_ = 0;
  bool launched_ = false;
  int resumeOp_;  // PTRACE_SYSCALL, or PTRACE_CONT under the seccomp prefilter

  // batch + flow control
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint8_t> batch_;
  size_t batchCount_ = 0;
  int64_t batchStart_ = 0;
  int inFlight_ = 0;
  bool stopping_ = false;  // tracer finished: flusher exits
  std::atomic<bool> detachRequested_{false};
  std::atomic<bool> killRequested_{false};
  bool detaching_ = false;
  int errPipe_ = -1;
  int execErrno_ = 0;
  // launch hand-off to the JS thread (waitLaunched) and the child's pidfd (signalChild)
  std::mutex launchMu_;
  std::condition_variable launchCv_;
  bool launchSettled_ = false;
  int pidfd_ = -1;
  bool sbOn_ = false;                 // every image gets the library
  bool sbActive_ = false;             // and it records
  std::vector<uint8_t> sbScratch_;    // a drained buffer's bytes
  // records taken from a process's buffers at one stop, put in order of their calls' start
  struct PendingRecord {
    int64_t ts;
    size_t at;
    uint32_t len;
    pid_t tid, pid;
  };
  std::vector<PendingRecord> sbPending_;
  std::vector<uint8_t> sbPendingBytes_;
  std::unordered_map<pid_t, LibraryLoad> libraryLoads_;  // by process
  std::vector<bool> bufferedNrs_;     // the calls the library records (its configuration)
  std::unordered_map<pid_t, std::pair<uint64_t, uint64_t>> vdsoRange_;  // by process (trapTsc)
  std::unordered_map<pid_t, EarlyHook> earlyHooks_;  // by process
  std::unordered_map<std::string, std::vector<EarlySite>> earlySites_;  // by EarlyHook::loaderId
  std::string earlyImage_;            // early_hook.c flattened (empty: no early hook)
  bool earlyLoaded_ = false;
};

}  // namespace rift
