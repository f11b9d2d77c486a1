// The Interceptor the addon installs: native rules first (inject, deterministic), then, for the
// syscalls a JavaScript handler asked for, a blocking round trip to the JS thread.
#pragma once
#include <unordered_map>
#include <optional>
#include <functional>
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <unordered_set>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "inject.h"
#include "tracer.h"

namespace rift {

struct Expectation;

// What a verdict can ask beyond the addon's reply(): set from JS through the bridge's control
// function (lib/intercept.ts) before reply(). For replay: signals delivered where they were
// recorded, and a thread made to wait for its turn.
struct VerdictExtras {
  // Signals (bit sig-1) delivered to the thread at this stop: unblocked for it (see holdMask)
  // and queued to it unless one is pending already, so it gets them on its way back to user
  // mode (after the call, or before it is made again with `restart`).
  uint64_t deliver = 0;
  // Skip the call and have the thread make it again, as the kernel restarts a call
  // (ERESTARTNOINTR: the instruction pointer back over the syscall instruction, rax = nr).
  // With sleepUs the thread first sleeps that long in the call's place (a nanosleep), so that
  // a thread waiting for its turn does not spin through the tracer.
  bool restart = false;
  uint32_t sleepUs = 0;
  // Not now, and not made: the thread stays stopped at the call (the tracer serves the others)
  // until JS wakes it (JsBridge::wake) or sleepUs pass; then the handler is asked again for
  // the same call. A thread waiting for its turn so costs no stop and wakes the moment its
  // turn comes, where a restart's sleep is a guess.
  bool wait = false;
  // A skipped call answered with a kernel restart code (-ERESTARTSYS...): the syscall number is
  // put back at the exit stop so the kernel's own rules apply when a signal is delivered then
  // (restart it with SA_RESTART, else -EINTR), as for the recorded call a signal interrupted.
  bool restartable = false;
  // With deliver at an exit: the instruction the signals come at (a recorded signal's ip in the
  // program's own code). The thread is single-stepped there from the call's exit (Tracer::runTo).
  uint64_t stepTo = 0;
  // With several signals in deliver: the order their handlers' frames are set up in, one
  // signal number a byte, the first in the low byte (0: the kernel's own order). The first is
  // delivered; each next one is let through at the signal-delivery stop of the one before it,
  // so that its frame goes on top (its handler runs first), as for signals that came together
  // when recorded (after a job-control stop: once stopped, for when it is continued). The
  // kernel alone would take them lowest number first.
  uint64_t order = 0;
  // The siginfo (128 bytes each; si_signo says for which signal) the signals this verdict
  // delivers carry to the thread, in place of the one the kernel made: the recorded one, so
  // that a live signal that merged with another (two children's SIGCHLDs, one pending) or one
  // the engine had to send itself gives its handler and the stream what was recorded.
  std::string siginfo;
};

// A JS verdict, converted on the JS thread.
struct JsReply {
  enum Action { Run = 0, Return = 1, Kill = 2 } action = Run;
  uint8_t argMask = 0;  // bit i: args[i] replaced
  uint64_t args[6] = {0};
  bool hasValue = false;
  int64_t value = 0;
  std::vector<std::pair<uint64_t, std::string>> writes;
  std::string warning;  // the handler threw: reported as a warning event
  bool noExit = false;  // Run: no exit round trip for this call
  int64_t nr = -1;      // Run: >= 0, the syscall the kernel runs in the call's place
  // Verdicts decided ahead for the calls this thread makes next (see Expectation).
  std::vector<Expectation> then;
  uint64_t id = 0;  // the question's: names the queue `then` starts (JsBridge::extend)
  VerdictExtras extra;
};

// A verdict decided ahead of time. A handler that knows what a thread will do next (replay
// walking a recording) hands over its next calls with their verdicts; while the thread makes
// exactly those calls, the ptrace thread answers them itself and JavaScript is not asked. The
// first call that differs drops the thread's queue and goes to the handler as usual.
struct Expectation {
  uint64_t nr = 0;
  struct IntMatch {
    uint8_t arg;
    uint64_t mask;  // 32-bit arguments (descriptors) compare their low half only
    uint64_t value;
  };
  struct StringMatch {
    uint8_t arg;
    std::string bytes;  // the NUL-terminated string at the argument's pointer, without the NUL
    bool nul = true;    // false: exactly these bytes there, no terminator (a write's data)
  };
  std::vector<IntMatch> ints;
  std::vector<StringMatch> strings;
  JsReply reply;  // Run (without exit) or Return
  // Return: bytes written at the address an argument holds (a read's buffer), resolved per call
  std::vector<std::pair<uint8_t, std::string>> argWrites;
};

// The ptrace thread asks, the JS thread answers. Several questions may wait at once (one for
// each parked thread, when the handler is not serial); a serial handler gets one at a time.
class JsBridge : public std::enable_shared_from_this<JsBridge> {
 public:
  JsBridge(Napi::Env env, Napi::Function call, const std::vector<int>& nrs, bool exit, int timeoutMs);
  bool wants(uint64_t nr) const { return nr < kMaxNr && nrs_[nr]; }
  bool wantsExit() const { return exit_; }
  // the handler answers rdtsc/rdtscp (phase 2 questions: nr 0 rdtsc, 1 rdtscp)
  bool wantsTsc() const { return tsc_; }
  void setWantsTsc(bool w) { tsc_ = w; }
  std::vector<int> numbers() const;
  // On the ptrace thread. Returns true with `out` filled when JS answered in time; false on
  // timeout or cancel (`why` says which). phase: 0 entry, 1 exit, 2 an rdtsc (see onTsc).
  bool ask(int phase, const SyscallView& v, JsReply& out, std::string& why);
  // On the ptrace thread, without waiting: the question's id (0: cancelled), then take(id)
  // until it has an answer, or forget(id) (a timeout).
  uint64_t post(int phase, const SyscallView& v);
  bool take(uint64_t id, JsReply& out);
  void forget(uint64_t id);
  bool cancelled();
  int timeoutMs() const { return timeoutMs_; }
  // serial: the handler sees one call at a time, the ptrace thread waiting for each answer
  // (rift-replay's, which follows one recorded order); else a thread waits for its verdict at
  // its stop while the others go on
  bool serial() const { return serial_; }
  void setSerial(bool s) { serial_ = s; }
  // called (on the JS thread) when an answer comes: wakes the ptrace thread
  void onAnswer(std::function<void()> f) { onAnswer_ = std::move(f); }
  // On the JS thread.
  void reply(uint64_t id, JsReply r);
  void cancel();
  void release();
  // Expectations answered on the ptrace thread, counted per tid until the JS thread takes the
  // counts (it replays its own bookkeeping for them in order).
  void noteConsumed(pid_t tid);
  std::vector<std::pair<pid_t, uint32_t>> takeConsumed();
  // From the JS thread: every queued expectation is void (the handler's state changed).
  void dropExpectations() { drop_.store(true); }
  // From the JS thread, while the ptrace thread answers the queue verdict `planId` started for
  // `tid`: the calls after it, planned meanwhile. Appended if that queue is still the thread's
  // (not used up, voided or replaced by then); else dropped, as the queue was.
  struct Extension {
    pid_t tid;
    uint64_t planId;
    std::vector<Expectation> more;
  };
  void extend(Extension x);
  // On the ptrace thread: the extensions handed over since the last call, in order.
  bool extensionsPending() const { return extPending_.load(std::memory_order_relaxed); }
  std::vector<Extension> takeExtensions();
  bool dropRequested() { return drop_.load(std::memory_order_relaxed) && drop_.exchange(false); }
  // From the JS thread (the control function handed to JS with the first call): extras for the
  // verdict of call `id`, which reply(id) carries; and the signals held back in every thread.
  void setExtras(uint64_t id, const VerdictExtras& x);
  void setHoldMask(uint64_t m) { holdMask_.store(m); }
  // From the JS thread: a thread waiting at its call (VerdictExtras::wait) is to be asked again
  // now. On the ptrace thread: whether it was (the flag is cleared).
  void wake(pid_t tid);
  bool takeWake(pid_t tid);
  uint64_t holdMask() const { return holdMask_.load(std::memory_order_relaxed); }

 private:
  // on the JS thread: the control function (made once, handed over with the first call)
  Napi::Value control(const Napi::CallbackInfo& info);
  bool controlSent_ = false;
  std::atomic<uint64_t> holdMask_{0};
  std::unordered_map<uint64_t, VerdictExtras> extras_;
  std::unordered_set<pid_t> woken_;  // under mu_
  bool serial_ = true;
  std::function<void()> onAnswer_;
  std::atomic<bool> drop_{false};
  std::mutex consumedMu_;
  std::vector<std::pair<pid_t, uint32_t>> consumed_;
  std::mutex extMu_;
  std::vector<Extension> ext_;  // under extMu_
  std::atomic<bool> extPending_{false};
  Napi::ThreadSafeFunction tsfn_;
  std::bitset<kMaxNr> nrs_;
  bool exit_;
  bool tsc_ = false;
  int timeoutMs_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t nextId_ = 1;
  std::unordered_map<uint64_t, std::optional<JsReply>> asks_;  // asked: answered or not yet
  bool cancelled_ = false;
  bool released_ = false;
};

class InterceptChain : public Interceptor {
 public:
  InterceptChain(std::unique_ptr<NativeRules> rules, std::shared_ptr<JsBridge> js)
      : rules_(std::move(rules)), js_(std::move(js)) {}
  EntryDecision onEntry(Tracer& t, const SyscallView& v) override;
  ExitDecision onExit(Tracer& t, const SyscallView& v, bool skipped) override;
  void onExec(Tracer& t, pid_t tid) override;
  void onGone(pid_t tid) override;
  void deliverSignals(pid_t pid, pid_t tid, uint64_t sigs) override;
  void onSignalStop(pid_t pid, pid_t tid, int sig) override;
  bool signalInfo(pid_t tid, int sig, siginfo_t& si) override;
  void onGroupStop(pid_t pid, pid_t tid) override;
  void onSpawn(pid_t parentPid, pid_t child, bool thread) override;
  bool resumeEntry(Tracer& t, pid_t tid, EntryDecision& d) override;
  bool resumeExit(Tracer& t, pid_t tid, ExitDecision& d) override;
  bool onTsc(Tracer& t, pid_t tid, pid_t pid, bool rdtscp, uint64_t& tsc, uint32_t& aux) override;
  void cancel() override;
  std::vector<int> numbers() const;

 private:
  struct Pending {
    enum { None, Native, JsSkip, JsExit } kind = None;
    NativeAction native;
    JsReply js;
  };
  void apply(Tracer& t, const SyscallView& v, JsReply& r, EntryDecision& d);
  void answered(Tracer& t, const SyscallView& v, JsReply& r, uint64_t held, EntryDecision& d);
  void exitAnswered(Tracer& t, const SyscallView& v, JsReply& r, ExitDecision& d);
  void timedOut(Tracer& t, const SyscallView& v, bool exit);
  void settle(const SyscallView& v, uint64_t held, EntryDecision& d);
  bool noExit_ = false;  // the verdict apply() just applied was a Run with no exit asked for
  // decisions a parked thread waits for (resumeEntry, resumeExit): a delay's end, a verdict
  struct Delayed {
    EntryDecision d;
    int64_t until;  // CLOCK_MONOTONIC ns
  };
  struct DelayedExit {
    ExitDecision d;
    int64_t until;
  };
  struct Asking {
    uint64_t id;
    SyscallView v;
    uint64_t held;
    int64_t deadline;  // the handler's timeout
  };
  std::unordered_map<pid_t, Delayed> delayedEntry_;
  std::unordered_map<pid_t, DelayedExit> delayedExit_;
  std::unordered_map<pid_t, Asking> asking_, askingExit_;
  // threads waiting at a call (VerdictExtras::wait): asked again when woken or at `deadline`
  std::unordered_map<pid_t, Asking> waiting_;
  bool waitOver(Tracer& t, pid_t tid, EntryDecision& d);
  template <typename F>
  bool verdict(std::unordered_map<pid_t, Asking>& m, Tracer& t, pid_t tid, bool exit, F answer);
  bool matches(Tracer& t, const SyscallView& v, const Expectation& e);
  // Signals held back (JsBridge::holdMask): blocked in every thread but where a verdict
  // delivers them. Kept blocked at each stop, after the calls that change a thread's mask
  // (rt_sigprocmask, rt_sigreturn), and in the temporary masks of the calls that take one.
  void holdSignals(const SyscallView& v, uint64_t mask);
  void tempMask(Tracer& t, const SyscallView& v, uint64_t mask, EntryDecision& d);
  void extras(Tracer& t, const SyscallView& v, const VerdictExtras& x, EntryDecision& d);
  void deliver(const SyscallView& v, uint64_t sigs, uint64_t order = 0);
  void nextInChain(pid_t pid, pid_t tid);
  void deliverOrStep(const SyscallView& v, const VerdictExtras& x, bool canStep, uint64_t& stepTo, uint64_t& stepSigs);
  // Per thread, what the exit stop must undo or finish (extras, temporary masks).
  struct Fix {
    bool args = false;          // put these argument registers back (a rewritten mask pointer)
    uint64_t saved[6] = {0};
    bool restart = false;       // a call slept in place of: back to the call, rax = nr
    bool restartable = false;   // orig_rax = nr, so the kernel's restart rules apply
    int64_t ret = 0;
  };
  std::unordered_map<pid_t, Fix> fixes_;
  std::unordered_set<pid_t> masked_;  // threads whose mask holds the held signals
  // per thread, signals delivered one after another (VerdictExtras::order): the one whose
  // delivery stop lets the next through, and those left (a byte each, the next one lowest)
  struct Chained {
    int now = 0;
    uint64_t rest = 0;
  };
  std::unordered_map<pid_t, Chained> chained_;
  std::unordered_map<pid_t, uint64_t> stepOrder_;  // the order of signals delivered after a step (runTo)
  // per thread and signal, the siginfo the next delivery of it carries (VerdictExtras::siginfo)
  std::unordered_map<pid_t, std::unordered_map<int, std::string>> infoFor_;
  // processes owed a SIGCONT: a job-control stop was delivered while the SIGCONT that ended it
  // when recorded was already pending (sent early in replay); sending the stop discarded it
  std::unordered_set<pid_t> contOwed_;
  std::unique_ptr<NativeRules> rules_;
  std::shared_ptr<JsBridge> js_;
  std::unordered_map<pid_t, Pending> pending_;
  std::unordered_map<pid_t, std::deque<Expectation>> expected_;
  // the question whose verdict started each thread's queue (a JsBridge::Extension names it)
  std::unordered_map<pid_t, uint64_t> planOf_;
  void mergeExtensions();
};

}  // namespace rift
