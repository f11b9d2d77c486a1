#include "intercept.h"

#include <fcntl.h>
#include <linux/ptrace.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace rift {

namespace {
struct Request {
  JsBridge* bridge;
  uint64_t id;
  int phase;  // 0 entry, 1 exit, 2 an rdtsc
  SyscallView v;
};
}  // namespace

JsBridge::JsBridge(Napi::Env env, Napi::Function call, const std::vector<int>& nrs, bool exit,
                   int timeoutMs)
    : exit_(exit), timeoutMs_(timeoutMs) {
  for (int nr : nrs)
    if (nr >= 0 && size_t(nr) < kMaxNr) nrs_[size_t(nr)] = true;
  tsfn_ = Napi::ThreadSafeFunction::New(env, call, "rift-intercept", 0, 1);
}

std::vector<int> JsBridge::numbers() const {
  std::vector<int> out;
  for (size_t nr = 0; nr < kMaxNr; nr++)
    if (nrs_[nr]) out.push_back(int(nr));
  return out;
}

uint64_t JsBridge::post(int phase, const SyscallView& v) {
  std::unique_lock<std::mutex> lk(mu_);
  if (cancelled_ || released_) return 0;
  uint64_t id = nextId_++;
  asks_[id];  // asked, not answered
  lk.unlock();
  auto* req = new Request{this, id, phase, v};
  napi_status s = tsfn_.NonBlockingCall(req, [](Napi::Env env, Napi::Function fn, Request* r) {
    std::unique_ptr<Request> own(r);
    if (!env) {  // the environment is going away: nobody will answer, let the call run
      r->bridge->reply(r->id, JsReply{});
      return;
    }
    Napi::Array args = Napi::Array::New(env, 6);
    for (uint32_t i = 0; i < 6; i++) args.Set(i, Napi::BigInt::New(env, r->v.args[i]));
    std::vector<napi_value> argv = {Napi::Number::New(env, double(r->id)), Napi::Number::New(env, r->phase),
                                    Napi::Number::New(env, r->v.tid), Napi::Number::New(env, r->v.pid),
                                    Napi::Number::New(env, double(r->v.nr)), args, Napi::BigInt::New(env, r->v.ret)};
    if (!r->bridge->controlSent_) {
      // the control function, once: JS keeps it (it outlives nothing: a bridge gone makes it a no-op)
      r->bridge->controlSent_ = true;
      std::weak_ptr<JsBridge> w = r->bridge->weak_from_this();
      argv.push_back(Napi::Function::New(
          env,
          [w](const Napi::CallbackInfo& info) -> Napi::Value {
            auto b = w.lock();
            return b ? b->control(info) : info.Env().Undefined();
          },
          "control"));
    }
    try {
      fn.Call(argv);
    } catch (const Napi::Error& e) {
      JsReply rep;
      rep.warning = std::string("intercept: ") + e.Message() + "; the syscall ran unchanged";
      r->bridge->reply(r->id, std::move(rep));
    }
  });
  if (s != napi_ok) {
    delete req;
    forget(id);
    return 0;
  }
  return id;
}

bool JsBridge::take(uint64_t id, JsReply& out) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = asks_.find(id);
  if (it == asks_.end() || !it->second) return false;
  out = std::move(*it->second);
  asks_.erase(it);
  return true;
}

void JsBridge::forget(uint64_t id) {
  std::lock_guard<std::mutex> lk(mu_);
  asks_.erase(id);  // a late answer finds nothing: too late, the call went on
  extras_.erase(id);
}

bool JsBridge::cancelled() {
  std::lock_guard<std::mutex> lk(mu_);
  return cancelled_;
}

bool JsBridge::ask(int phase, const SyscallView& v, JsReply& out, std::string& why) {
  uint64_t id = post(phase, v);
  if (!id) {
    why = "cancelled";
    return false;
  }
  std::unique_lock<std::mutex> lk(mu_);
  auto answered = [&] { return asks_.count(id) && asks_[id].has_value(); };
  bool ok = cv_.wait_for(lk, std::chrono::milliseconds(timeoutMs_), [&] { return answered() || cancelled_; });
  if (ok && answered()) {
    out = std::move(*asks_[id]);
    asks_.erase(id);
    return true;
  }
  asks_.erase(id);
  extras_.erase(id);
  why = cancelled_ ? "cancelled" : "timeout";
  return false;
}

void JsBridge::reply(uint64_t id, JsReply r) {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lk(mu_);
    auto it = asks_.find(id);
    if (it == asks_.end() || it->second) return;  // too late: the call already went on
    auto x = extras_.find(id);
    if (x != extras_.end()) {
      r.extra = x->second;
      extras_.erase(x);
    }
    r.id = id;
    it->second = std::move(r);
    cv_.notify_all();
    wake = onAnswer_;
  }
  if (wake) wake();  // a thread parked for this answer
}

void JsBridge::wake(pid_t tid) {
  std::function<void()> w;
  {
    std::lock_guard<std::mutex> lk(mu_);
    woken_.insert(tid);
    w = onAnswer_;
  }
  if (w) w();
}

bool JsBridge::takeWake(pid_t tid) {
  std::lock_guard<std::mutex> lk(mu_);
  return woken_.erase(tid) > 0;
}

void JsBridge::setExtras(uint64_t id, const VerdictExtras& x) {
  std::lock_guard<std::mutex> lk(mu_);
  auto it = asks_.find(id);
  if (it == asks_.end() || it->second) return;
  extras_[id] = x;
}

// control(0, id, deliver: bigint, flags: 1 restart | 2 restartable | 4 wait, sleepUs, stepTo?: bigint, order?: bigint, siginfo?: Buffer):
// extras for the verdict of call id, before reply(id). control(1, mask: bigint): the signals
// held back.
Napi::Value JsBridge::control(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto u64 = [&](size_t i) -> uint64_t {
    if (!info[i].IsBigInt()) throw Napi::TypeError::New(env, "control: expected a bigint");
    bool lossless;
    return info[i].As<Napi::BigInt>().Uint64Value(&lossless);
  };
  int op = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  if (op == 0) {
    VerdictExtras x;
    uint64_t id = uint64_t(info[1].As<Napi::Number>().Int64Value());
    x.deliver = u64(2);
    int flags = info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : 0;
    x.restart = flags & 1;
    x.restartable = flags & 2;
    x.wait = flags & 4;
    x.sleepUs = info[4].IsNumber() ? uint32_t(std::max<int64_t>(0, info[4].As<Napi::Number>().Int64Value())) : 0;
    if (info.Length() > 5 && info[5].IsBigInt()) x.stepTo = u64(5);
    if (info.Length() > 6 && info[6].IsBigInt()) x.order = u64(6);
    if (info.Length() > 7 && info[7].IsBuffer()) {
      auto b = info[7].As<Napi::Buffer<uint8_t>>();
      if (b.Length() % sizeof(siginfo_t)) throw Napi::TypeError::New(env, "control: siginfo must be 128 bytes a signal");
      x.siginfo.assign(reinterpret_cast<const char*>(b.Data()), b.Length());
    }
    setExtras(id, x);
  } else if (op == 1) {
    setHoldMask(u64(1));
  } else {
    throw Napi::TypeError::New(env, "control: unknown operation");
  }
  return env.Undefined();
}

void JsBridge::cancel() {
  std::lock_guard<std::mutex> lk(mu_);
  cancelled_ = true;
  cv_.notify_all();
}

void JsBridge::release() {
  std::lock_guard<std::mutex> lk(mu_);
  if (released_) return;
  released_ = true;
  tsfn_.Release();
}

void JsBridge::noteConsumed(pid_t tid) {
  std::lock_guard<std::mutex> lk(consumedMu_);
  // calls come in runs per thread: the last entry is almost always this tid's
  if (!consumed_.empty() && consumed_.back().first == tid)
    consumed_.back().second++;
  else
    consumed_.emplace_back(tid, 1);
}

void JsBridge::extend(Extension x) {
  std::lock_guard<std::mutex> lk(extMu_);
  ext_.push_back(std::move(x));
  extPending_.store(true);
}

std::vector<JsBridge::Extension> JsBridge::takeExtensions() {
  std::lock_guard<std::mutex> lk(extMu_);
  std::vector<Extension> out;
  out.swap(ext_);
  extPending_.store(false);
  return out;
}

std::vector<std::pair<pid_t, uint32_t>> JsBridge::takeConsumed() {
  std::lock_guard<std::mutex> lk(consumedMu_);
  std::vector<std::pair<pid_t, uint32_t>> out;
  out.swap(consumed_);
  return out;
}

// ---- the chain -----------------------------------------------------------------------------

std::vector<int> InterceptChain::numbers() const {
  std::vector<int> out;
  if (rules_) out = rules_->numbers();
  if (js_)
    for (int nr : js_->numbers()) out.push_back(nr);
  return out;
}

static long xptrace(long req, pid_t pid, uint64_t addr, void* data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}
static bool getRegs(pid_t tid, struct user_regs_struct& r) { return xptrace(PTRACE_GETREGS, tid, 0, &r) == 0; }
static void setRegs(pid_t tid, struct user_regs_struct& r) { xptrace(PTRACE_SETREGS, tid, 0, &r); }
static bool getMask(pid_t tid, uint64_t& m) { return xptrace(PTRACE_GETSIGMASK, tid, 8, &m) == 0; }
static void setMask(pid_t tid, uint64_t m) { xptrace(PTRACE_SETSIGMASK, tid, 8, &m); }

// Signals pending for a thread, its own and its process's (SigPnd | ShdPnd of /proc/TID/status).
static uint64_t pendingSignals(pid_t tid) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/status", int(tid));
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  uint64_t out = 0;
  for (const char* key : {"\nSigPnd:", "\nShdPnd:"}) {
    const char* p = strstr(buf, key);
    if (p) out |= strtoull(p + strlen(key), nullptr, 16);
  }
  return out;
}

// A place below a stopped thread's stack pointer, past the red zone, for a few bytes the
// kernel reads during the call (a signal mask, a timespec); 0 when the registers are gone.
static uint64_t scratch(pid_t tid) {
  struct user_regs_struct r;
  if (!getRegs(tid, r)) return 0;
  return (r.rsp - 512) & ~uint64_t(15);
}

static constexpr uint64_t bit(int sig) { return 1ull << (sig - 1); }
// what can never be held back or blocked
static constexpr uint64_t kUnblockable = bit(SIGKILL) | bit(SIGSTOP);

static int64_t monoNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void InterceptChain::holdSignals(const SyscallView& v, uint64_t mask) {
  if (masked_.count(v.tid)) return;
  uint64_t cur;
  if (!getMask(v.tid, cur)) return;
  if ((cur & mask) != mask) setMask(v.tid, cur | mask);
  masked_.insert(v.tid);
}

// The calls that wait with a temporary signal mask: the held signals are added to it (except
// those this verdict delivers), so that they do not end the wait at a point of their own.
void InterceptChain::tempMask(Tracer& t, const SyscallView& v, uint64_t mask, EntryDecision& d) {
  int arg;
  bool indirect = false;  // pselect6: the argument points at { sigset_t *ss; size_t len }
  switch (v.nr) {
    case SYS_rt_sigsuspend: arg = 0; break;
    case SYS_ppoll: arg = 3; break;
    case SYS_epoll_pwait: arg = 4; break;
#ifdef SYS_epoll_pwait2
    case SYS_epoll_pwait2: arg = 4; break;
#endif
    case SYS_pselect6: arg = 5; indirect = true; break;
    default: return;
  }
  uint64_t base = d.setArgs ? d.args[arg] : v.args[arg];
  if (base == 0) return;
  uint64_t ptrs[2] = {base, 8};
  if (indirect && (t.readMemory(v.tid, base, ptrs, 16) != 16 || ptrs[0] == 0)) return;
  uint64_t set;
  if (t.readMemory(v.tid, ptrs[0], &set, 8) != 8) return;
  uint64_t want = set | (mask & ~kUnblockable);
  if (want == set) return;
  uint64_t at = scratch(v.tid);
  if (!at) return;
  // pselect6: the new struct at `at`, the set after it; others: the set at `at`
  uint64_t setAt = indirect ? at + 16 : at;
  if (t.writeMemory(v.tid, setAt, &want, 8) != 8) return;
  if (indirect) {
    uint64_t s2[2] = {setAt, ptrs[1]};
    if (t.writeMemory(v.tid, at, s2, 16) != 16) return;
  }
  if (!d.setArgs) {
    d.setArgs = true;
    memcpy(d.args, v.args, sizeof d.args);
  }
  Fix& f = fixes_[v.tid];
  f.args = true;
  memcpy(f.saved, v.args, sizeof f.saved);
  d.args[arg] = at;
}

static constexpr uint64_t kStops = bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);

// Signals the thread gets on its way back to user mode: unblocked for it, and queued to it
// unless one is pending already (the live one that was held back, or one sent meanwhile).
// With an order of two or more, only the first now (onSignalStop lets the others through).
void InterceptChain::deliver(const SyscallView& v, uint64_t sigs, uint64_t order) {
  chained_.erase(v.tid);
  if (order > 0xff) {
    int first = int(order & 0xff);
    chained_[v.tid] = Chained{first, order >> 8};
    sigs = bit(first);
  }
  uint64_t cur;
  if (getMask(v.tid, cur)) setMask(v.tid, cur & ~sigs);
  masked_.erase(v.tid);
  uint64_t pend = pendingSignals(v.tid);
  // A stop sent now discards a pending SIGCONT (the kernel's rule), one that ended this stop
  // when recorded: once stopped, the process is continued again (onGroupStop).
  if ((sigs & kStops & ~pend) && (pend & bit(SIGCONT))) contOwed_.insert(v.pid);
  for (int sig = 1; sig <= 64; sig++)
    if ((sigs & bit(sig)) && !(pend & bit(sig))) syscall(SYS_tgkill, v.pid, v.tid, sig);
}

bool InterceptChain::signalInfo(pid_t tid, int sig, siginfo_t& si) {
  auto it = infoFor_.find(tid);
  if (it == infoFor_.end()) return false;
  auto s = it->second.find(sig);
  if (s == it->second.end()) return false;
  memcpy(&si, s->second.data(), sizeof si);
  it->second.erase(s);
  if (it->second.empty()) infoFor_.erase(it);
  return true;
}

void InterceptChain::onSignalStop(pid_t pid, pid_t tid, int sig) {
  auto it = chained_.find(tid);
  if (it == chained_.end() || it->second.now != sig) return;
  if (bit(sig) & kStops) return;  // the next ones once stopped (onGroupStop)
  nextInChain(pid, tid);
}

// The next signal of a thread's chain let through (the one before it has been delivered).
void InterceptChain::nextInChain(pid_t pid, pid_t tid) {
  auto it = chained_.find(tid);
  if (it == chained_.end()) return;
  int next = int(it->second.rest & 0xff);
  uint64_t rest = it->second.rest >> 8;
  chained_.erase(it);
  if (!next) return;
  SyscallView v{tid, pid, 0, {}, 0};
  deliver(v, bit(next), rest ? (rest << 8) | uint64_t(next) : 0);
}

// A job-control stop replay delivered, and what came after it when recorded: the signals
// delivered once the process was continued (a SIGCONT's handler) are let through now, and the
// process is continued when its SIGCONT has been sent already: before the stop was (which the
// stop discarded), or while it was being delivered.
void InterceptChain::onGroupStop(pid_t pid, pid_t tid) {
  auto it = chained_.find(tid);
  if (it != chained_.end() && (bit(it->second.now) & kStops)) nextInChain(pid, tid);
  bool owed = contOwed_.erase(pid) > 0;
  if (owed || ((js_ ? js_->holdMask() : 0) & pendingSignals(tid) & bit(SIGCONT))) kill(pid, SIGCONT);
}

// A verdict's signals: delivered now, or (`canStep`: the call returns with no restart, and
// the verdict names an instruction) once the thread has returned and run on there (Tracer::runTo).
void InterceptChain::deliverOrStep(const SyscallView& v, const VerdictExtras& x, bool canStep, uint64_t& stepTo, uint64_t& stepSigs) {
  if (x.deliver) {
    // each signal delivered carries the verdict's siginfo for it, or its own (none left over
    // from an earlier verdict)
    auto& infos = infoFor_[v.tid];
    for (int sig = 1; sig <= 64; sig++)
      if (x.deliver & bit(sig)) infos.erase(sig);
    for (size_t at = 0; at + sizeof(siginfo_t) <= x.siginfo.size(); at += sizeof(siginfo_t)) {
      int sig;
      memcpy(&sig, x.siginfo.data() + at, sizeof sig);
      if (sig >= 1 && sig <= 64 && (x.deliver & bit(sig))) infos[sig] = x.siginfo.substr(at, sizeof(siginfo_t));
    }
    if (infos.empty()) infoFor_.erase(v.tid);
  }
  if (x.deliver && x.stepTo && canStep) {
    stepTo = x.stepTo;
    stepSigs = x.deliver;
    if (x.order) stepOrder_[v.tid] = x.order;
  } else if (x.deliver) {
    deliver(v, x.deliver, x.order);
  }
}

void InterceptChain::extras(Tracer& t, const SyscallView& v, const VerdictExtras& x, EntryDecision& d) {
  deliverOrStep(v, x, d.skip && !x.restart && !x.restartable, d.stepTo, d.stepSigs);  // (a call answered here)
  if (x.restart) {
    struct user_regs_struct r;
    if (!getRegs(v.tid, r)) return;
    d.again = true;
    r.rip -= 2;  // the syscall instruction again, as the kernel restarts a call
    pending_.erase(v.tid);
    uint64_t at = x.sleepUs ? scratch(v.tid) : 0;
    struct timespec ts = {time_t(x.sleepUs / 1000000), long(x.sleepUs % 1000000) * 1000};
    if (at && t.writeMemory(v.tid, at, &ts, sizeof ts) == ssize_t(sizeof ts)) {
      // sleep in the call's place; the exit stop puts the call back
      r.orig_rax = SYS_nanosleep;
      r.rdi = at;
      r.rsi = 0;
      setRegs(v.tid, r);
      d.skip = false;
      d.setArgs = false;
      Fix& f = fixes_[v.tid];
      f.restart = true;
      memcpy(f.saved, v.args, sizeof f.saved);
      f.ret = int64_t(v.nr);
      return;
    }
    setRegs(v.tid, r);
    d.skip = true;
    d.setArgs = false;
    d.setRet = true;
    d.ret = int64_t(v.nr);  // rax: the number, for the instruction made again
    d.exitWork = false;
    Pending& p = pending_[v.tid];
    p.kind = Pending::JsSkip;
    p.js = JsReply{};
    p.js.value = int64_t(v.nr);
    return;
  }
  if (x.restartable && d.skip) {
    d.exitWork = true;  // the exit stop puts the number back
    Fix& f = fixes_[v.tid];
    f.restartable = true;
    f.ret = d.ret;
  }
}

EntryDecision InterceptChain::onEntry(Tracer& t, const SyscallView& v) {
  EntryDecision d;
  if (!pending_.empty()) pending_.erase(v.tid);  // a call that never returned (exit_group...)
  if (!fixes_.empty()) fixes_.erase(v.tid);
  uint64_t held = js_ ? js_->holdMask() : 0;
  if (held) holdSignals(v, held);
  if (!chained_.empty()) {
    // signals to deliver one after another whose first never reached a delivery stop: the
    // rest go now, as the kernel takes them
    auto it = chained_.find(v.tid);
    if (it != chained_.end()) {
      uint64_t sigs = 0;
      for (uint64_t r = it->second.rest; r; r >>= 8) sigs |= bit(int(r & 0xff));
      chained_.erase(it);
      deliver(v, sigs);
    }
  }
  if (rules_ && rules_->wants(v.nr)) {
    NativeAction a;
    if (rules_->onEntry(t, v, a)) {
      d.skip = a.skip;
      if (a.skip) {
        // the call will not run: its result and memory writes can land now, which survives a
        // detach before the exit stop
        d.setRet = a.setRet;
        d.ret = a.ret;
        for (auto& w : a.writes) t.writeMemory(v.tid, w.first, w.second.data(), w.second.size());
        a.writes.clear();
        d.exitWork = a.signal || a.delayExitUs > 0 || a.exitFix;
      }
      if (a.setArgs) {
        d.setArgs = true;
        memcpy(d.args, a.args, sizeof d.args);
      }
      int64_t delayUs = a.delayEnterUs;
      Pending& p = pending_[v.tid];
      p.kind = Pending::Native;
      p.native = std::move(a);
      if (delayUs > 0) {
        // delay_enter: the thread waits at its stop while the tracer serves the others
        delayedEntry_[v.tid] = {d, monoNs() + delayUs * 1000};
        EntryDecision later;
        later.defer = true;
        return later;
      }
      return d;
    }
  }
  if (js_ && js_->wants(v.nr)) {
    if (js_->dropRequested()) expected_.clear();
    if (js_->extensionsPending()) mergeExtensions();
    if (!expected_.empty()) {
      auto it = expected_.find(v.tid);
      if (it != expected_.end()) {
        if (!it->second.empty() && matches(t, v, it->second.front())) {
          Expectation e = std::move(it->second.front());
          it->second.pop_front();
          if (it->second.empty()) expected_.erase(it);
          for (auto& w : e.argWrites) e.reply.writes.emplace_back(v.args[w.first], std::move(w.second));
          js_->noteConsumed(v.tid);
          apply(t, v, e.reply, d);
          if (held && !d.skip) tempMask(t, v, held, d);
          settle(v, held, d);
          return d;
        }
        expected_.erase(it);  // the thread went elsewhere: the handler decides, and plans anew
      }
    }
    if (!js_->serial()) {
      // the thread waits at its stop for the verdict while the tracer serves the others
      uint64_t id = js_->post(0, v);
      if (!id) return d;  // cancelled: the call runs unchanged
      asking_[v.tid] = {id, v, held, monoNs() + int64_t(js_->timeoutMs()) * 1000000};
      EntryDecision later;
      later.defer = true;
      return later;
    }
    JsReply r;
    std::string why;
    if (!js_->ask(false, v, r, why)) {
      if (why == "timeout") timedOut(t, v, false);
      return d;
    }
    answered(t, v, r, held, d);
  }
  return d;
}

// A call that runs with no exit verdict asked for needs its exit stop only for what this
// chain left to do there: a fix-up, a pending result, the held signals' mask after a call
// that sets the mask.
void InterceptChain::settle(const SyscallView& v, uint64_t held, EntryDecision& d) {
  d.noExitStop = !d.skip && !d.defer && noExit_ && !fixes_.count(v.tid) && !pending_.count(v.tid) &&
                 !(held && (v.nr == SYS_rt_sigprocmask || v.nr == SYS_rt_sigreturn));
  noExit_ = false;
}

void InterceptChain::timedOut(Tracer& t, const SyscallView& v, bool exit) {
  if (exit)
    t.emitWarning(v.tid, "intercept: the exit handler did not answer for syscall " + std::to_string(v.nr) +
                             " within its timeout; the result was left unchanged");
  else
    t.emitWarning(v.tid, "intercept: the handler did not answer for syscall " + std::to_string(v.nr) +
                             " within its timeout; the syscall ran unchanged");
}

// A handler's verdict at a call's entry, now or once it came (resumeEntry).
void InterceptChain::answered(Tracer& t, const SyscallView& v, JsReply& r, uint64_t held, EntryDecision& d) {
  {
    if (!r.warning.empty()) t.emitWarning(v.tid, r.warning);
    if (js_->dropRequested()) expected_.clear();  // voided while the handler ran: before its new plans
    // The calls planned after this one; none when this one is made again or waits (the same
    // call, back at its entry, would be taken for the first of them)
    if (r.extra.restart || r.extra.wait) expected_.erase(v.tid);
    else if (!r.then.empty()) {
      expected_[v.tid] = std::deque<Expectation>(std::make_move_iterator(r.then.begin()), std::make_move_iterator(r.then.end()));
      planOf_[v.tid] = r.id;
    }
    r.then.clear();
    VerdictExtras x = r.extra;
    if (x.wait) {
      // stays at its stop, the call not made (the thread's state untouched): asked again later
      d = EntryDecision{};
      d.defer = true;
      waiting_[v.tid] = {0, v, held, monoNs() + int64_t(x.sleepUs) * 1000};
      return;
    }
    apply(t, v, r, d);
    if (held && !d.skip && !x.restart) tempMask(t, v, held & ~x.deliver, d);
    if (x.deliver || x.restart || x.restartable) extras(t, v, x, d);
    if (x.deliver || x.restart) noExit_ = false;
    settle(v, held, d);
  }
}

// A parked thread's delay: true with its decision once it is over (or when there is none).
template <typename Map, typename Decision>
static bool delayOver(Map& m, pid_t tid, Decision& d, bool& found) {
  auto w = m.find(tid);
  found = w != m.end();
  if (!found || monoNs() < w->second.until) return !found;
  d = std::move(w->second.d);
  m.erase(w);
  return true;
}

// A parked thread's verdict: true once it came (`answer` applies it), the handler timed out or
// the trace is cancelled, or nothing was asked; false while it is awaited.
template <typename F>
bool InterceptChain::verdict(std::unordered_map<pid_t, Asking>& m, Tracer& t, pid_t tid, bool exit, F answer) {
  auto a = m.find(tid);
  if (a == m.end()) return true;
  JsReply r;
  if (js_->take(a->second.id, r)) {
    Asking q = std::move(a->second);
    m.erase(a);
    answer(q, r);
    return true;
  }
  if (!js_->cancelled() && monoNs() < a->second.deadline) return false;
  if (!js_->cancelled()) timedOut(t, a->second.v, exit);
  js_->forget(a->second.id);
  m.erase(a);
  return true;
}

// A thread waiting at its call: once woken, its time is up, or the trace is cancelled, the
// handler is asked again (it may have the thread wait anew: false, still parked).
bool InterceptChain::waitOver(Tracer& t, pid_t tid, EntryDecision& d) {
  auto w = waiting_.find(tid);
  if (!js_->takeWake(tid) && monoNs() < w->second.deadline && !js_->cancelled()) return false;
  Asking q = std::move(w->second);
  waiting_.erase(w);
  if (js_->serial()) {
    JsReply r;
    std::string why;
    if (!js_->ask(false, q.v, r, why)) {
      if (why == "timeout") timedOut(t, q.v, false);
      return true;  // the call runs unchanged
    }
    answered(t, q.v, r, q.held, d);
    return !d.defer;
  }
  uint64_t id = js_->post(0, q.v);
  if (!id) return true;
  asking_[tid] = {id, q.v, q.held, monoNs() + int64_t(js_->timeoutMs()) * 1000000};
  return false;
}

bool InterceptChain::resumeEntry(Tracer& t, pid_t tid, EntryDecision& d) {
  if (!waiting_.empty() && waiting_.count(tid)) return waitOver(t, tid, d);
  bool delayed;
  bool over = delayOver(delayedEntry_, tid, d, delayed);
  if (delayed) return over;
  over = verdict(asking_, t, tid, false, [&](Asking& q, JsReply& r) { answered(t, q.v, r, q.held, d); });
  return over && !d.defer;  // (a wait verdict: parked on, in waiting_)
}

bool InterceptChain::resumeExit(Tracer& t, pid_t tid, ExitDecision& d) {
  bool delayed;
  bool over = delayOver(delayedExit_, tid, d, delayed);
  if (delayed) return over;
  return verdict(askingExit_, t, tid, true, [&](Asking& q, JsReply& r) { exitAnswered(t, q.v, r, d); });
}

void InterceptChain::exitAnswered(Tracer& t, const SyscallView& v, JsReply& r, ExitDecision& d) {
  if (!r.warning.empty()) t.emitWarning(v.tid, r.warning);
  if (r.hasValue) {
    d.setRet = true;
    d.ret = r.value;
  }
  d.writes = std::move(r.writes);
  deliverOrStep(v, r.extra, !r.extra.restart, d.stepTo, d.stepSigs);
  if (r.extra.restart) {
    // made again (ExitVerdict.again): back over the syscall instruction with rax = nr, as the
    // kernel restarts a call; this result is not the program's. The calls planned after it are
    // void: the same call, back at its entry, would be taken for the first of them and made
    // (python's write of "0" made twice, its write of " " never: rift-replay's exitTurn)
    expected_.erase(v.tid);
    d.again = true;
    struct user_regs_struct regs;
    if (getRegs(v.tid, regs)) {
      regs.rax = v.nr;
      regs.rip -= 2;
      setRegs(v.tid, regs);
    }
    d.setRet = false;
    d.writes.clear();
  }
}

// Extensions go on the queue they were planned for, if it is still the thread's and not used
// up: a queue that ran out, was voided or replaced took the handler's plan with it, and the
// handler forgets the rest of its plan at the thread's next question.
void InterceptChain::mergeExtensions() {
  for (auto& x : js_->takeExtensions()) {
    auto it = expected_.find(x.tid);
    auto p = planOf_.find(x.tid);
    if (it == expected_.end() || p == planOf_.end() || p->second != x.planId) continue;
    for (auto& e : x.more) it->second.push_back(std::move(e));
  }
}

bool InterceptChain::matches(Tracer& t, const SyscallView& v, const Expectation& e) {
  if (e.nr != v.nr) return false;
  for (const auto& m : e.ints)
    if ((v.args[m.arg] & m.mask) != m.value) return false;
  char buf[4097];
  for (const auto& m : e.strings) {
    size_t want = m.bytes.size() + (m.nul ? 1 : 0);  // the string and its NUL, or the bytes
    if (want > sizeof buf || v.args[m.arg] == 0) return false;
    ssize_t n = t.readMemory(v.tid, v.args[m.arg], buf, want);
    if (n != ssize_t(want) || (m.nul && buf[want - 1] != 0) || memcmp(buf, m.bytes.data(), m.bytes.size()) != 0) return false;
  }
  return true;
}

// A verdict (from JS, or decided ahead) applied at the entry stop.
void InterceptChain::apply(Tracer& t, const SyscallView& v, JsReply& r, EntryDecision& d) {
  switch (r.action) {
    case JsReply::Run:
      for (auto& w : r.writes) t.writeMemory(v.tid, w.first, w.second.data(), w.second.size());
      if (r.argMask || !r.writes.empty()) {
        d.setArgs = true;  // (also what marks the call injected when only memory changed)
        for (int i = 0; i < 6; i++) d.args[i] = (r.argMask & (1 << i)) ? r.args[i] : v.args[i];
      }
      if (r.nr >= 0) {
        // another call in this one's place: the registers it leaves behind (its arguments;
        // the kernel keeps them) are the program's again at exit, as the program's call keeps them
        d.setNr = r.nr;
        Fix& f = fixes_[v.tid];
        f.args = true;
        memcpy(f.saved, v.args, sizeof f.saved);
      }
      if (js_->wantsExit() && !r.noExit) pending_[v.tid].kind = Pending::JsExit;
      noExit_ = r.noExit && r.nr < 0;
      break;
    case JsReply::Return: {
      d.skip = true;
      d.setRet = true;  // as for native rules: result and writes at entry already
      d.ret = r.value;
      d.exitWork = false;
      for (auto& w : r.writes) t.writeMemory(v.tid, w.first, w.second.data(), w.second.size());
      r.writes.clear();
      Pending& p = pending_[v.tid];
      p.kind = Pending::JsSkip;
      p.js = std::move(r);
      break;
    }
    case JsReply::Kill:
      killTracee(v.pid, v.tid);
      d.skip = true;
      break;
  }
}

ExitDecision InterceptChain::onExit(Tracer& t, const SyscallView& v, bool skipped) {
  ExitDecision d;
  uint64_t held = js_ ? js_->holdMask() : 0;
  // the thread's mask was set anew (by the program, or from a signal frame); not when the call
  // did not run (skipped, or made again: a signal delivered now must stay unblocked)
  bool remask = held && !skipped && (v.nr == SYS_rt_sigprocmask || v.nr == SYS_rt_sigreturn);
  if (remask && !fixes_.empty()) {
    auto it = fixes_.find(v.tid);
    if (it != fixes_.end() && it->second.restart) remask = false;
  }
  if (remask) {
    masked_.erase(v.tid);
    holdSignals(v, held);
  }
  if (!fixes_.empty()) {
    auto it = fixes_.find(v.tid);
    if (it != fixes_.end()) {
      Fix f = it->second;
      fixes_.erase(it);
      struct user_regs_struct r;
      if ((f.args || f.restart || f.restartable) && getRegs(v.tid, r)) {
        if (f.args || f.restart) {
          r.rdi = f.saved[0]; r.rsi = f.saved[1]; r.rdx = f.saved[2];
          r.r10 = f.saved[3]; r.r8 = f.saved[4]; r.r9 = f.saved[5];
        }
        if (f.restart) r.rax = uint64_t(f.ret);
        if (f.restartable) {
          r.orig_rax = v.nr;
          r.rax = uint64_t(f.ret);
        }
        setRegs(v.tid, r);
      }
      if (f.restart) {
        pending_.erase(v.tid);
        d.setRet = true;
        d.ret = f.ret;
        return d;
      }
    }
  }
  if (pending_.empty()) return d;
  auto it = pending_.find(v.tid);
  if (it == pending_.end()) return d;
  Pending p = std::move(it->second);
  pending_.erase(it);
  switch (p.kind) {
    case Pending::None:
      break;
    case Pending::Native: {
      NativeAction& a = p.native;
      if (a.setRet) {
        d.setRet = true;
        d.ret = a.ret;
      }
      d.writes = std::move(a.writes);
      d.signal = a.signal;
      if (a.exitFix || a.setArgs) rules_->onExit(t, v, a, d);
      if (a.delayExitUs > 0) {
        // delay_exit: the thread waits at its stop while the tracer serves the others
        delayedExit_[v.tid] = {std::move(d), monoNs() + a.delayExitUs * 1000};
        ExitDecision later;
        later.defer = true;
        return later;
      }
      break;
    }
    case Pending::JsSkip:
      d.setRet = true;
      d.ret = p.js.value;
      d.writes = std::move(p.js.writes);
      break;
    case Pending::JsExit: {
      if (!js_->serial()) {
        uint64_t id = js_->post(1, v);
        if (!id) break;
        askingExit_[v.tid] = {id, v, 0, monoNs() + int64_t(js_->timeoutMs()) * 1000000};
        ExitDecision later;
        later.defer = true;
        return later;
      }
      JsReply r;
      std::string why;
      if (!js_->ask(true, v, r, why)) {
        if (why == "timeout") timedOut(t, v, true);
        break;
      }
      exitAnswered(t, v, r, d);
      break;
    }
  }
  return d;
}

void InterceptChain::onExec(Tracer& t, pid_t tid) {
  if (rules_) rules_->onExec(t, tid);
  expected_.erase(tid);  // a new program (another thread's exec takes over the leader's tid)
}

void InterceptChain::onSpawn(pid_t parentPid, pid_t child, bool thread) {
  if (rules_) rules_->onSpawn(parentPid, child, thread);
}

void InterceptChain::deliverSignals(pid_t pid, pid_t tid, uint64_t sigs) {
  SyscallView v{tid, pid, 0, {}, 0};
  auto it = stepOrder_.find(tid);
  uint64_t order = it == stepOrder_.end() ? 0 : it->second;
  if (it != stepOrder_.end()) stepOrder_.erase(it);
  deliver(v, sigs, order);
}

void InterceptChain::onGone(pid_t tid) {
  chained_.erase(tid);
  stepOrder_.erase(tid);
  infoFor_.erase(tid);
  contOwed_.erase(tid);  // (a process's leader: its pid may be given out again)
  delayedEntry_.erase(tid);
  waiting_.erase(tid);
  delayedExit_.erase(tid);
  for (auto* m : {&asking_, &askingExit_}) {
    auto it = m->find(tid);
    if (it != m->end()) {
      js_->forget(it->second.id);
      m->erase(it);
    }
  }
  if (rules_) rules_->onGone(tid);
  expected_.erase(tid);  // the tid may come back as another thread
  planOf_.erase(tid);
  pending_.erase(tid);
  fixes_.erase(tid);
  masked_.erase(tid);
}

// An rdtsc/rdtscp the tracer answers: the handler's counter (a replay's recorded one), or the
// real one when it has none (a Run verdict). v.args carry the real counter and TSC_AUX.
bool InterceptChain::onTsc(Tracer& t, pid_t tid, pid_t pid, bool rdtscp, uint64_t& tsc, uint32_t& aux) {
  if (rules_ && rules_->onTsc(pid, tsc, aux)) return true;  // the deterministic sandbox's counter
  if (!js_ || !js_->wantsTsc()) return false;
  SyscallView v{tid, pid, rdtscp ? 1u : 0u, {tsc, aux, 0, 0, 0, 0}, 0};
  JsReply r;
  std::string why;
  if (!js_->ask(2, v, r, why)) {
    if (why == "timeout") t.emitWarning(tid, "intercept: the handler did not answer for an rdtsc within its timeout; the real counter was given");
    return false;
  }
  if (!r.warning.empty()) t.emitWarning(tid, r.warning);
  if (r.action != JsReply::Return || !r.hasValue) return false;
  tsc = uint64_t(r.value);
  if (r.argMask & 4) aux = uint32_t(r.args[2]);
  return true;
}

void InterceptChain::cancel() {
  if (js_) js_->cancel();
}

}  // namespace rift
