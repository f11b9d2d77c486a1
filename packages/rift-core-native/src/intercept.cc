#include "intercept.h"

#include <signal.h>
#include <time.h>

#include <chrono>

namespace rift {

namespace {
struct Request {
  JsBridge* bridge;
  uint64_t id;
  bool exit;
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

bool JsBridge::ask(bool exit, const SyscallView& v, JsReply& out, std::string& why) {
  std::unique_lock<std::mutex> lk(mu_);
  if (cancelled_ || released_) {
    why = "cancelled";
    return false;
  }
  uint64_t id = nextId_++;
  waiting_ = id;
  answered_ = false;
  lk.unlock();
  auto* req = new Request{this, id, exit, v};
  napi_status s = tsfn_.NonBlockingCall(req, [](Napi::Env env, Napi::Function fn, Request* r) {
    std::unique_ptr<Request> own(r);
    if (!env) {  // the environment is going away: nobody will answer, let the call run
      r->bridge->reply(r->id, JsReply{});
      return;
    }
    Napi::Array args = Napi::Array::New(env, 6);
    for (uint32_t i = 0; i < 6; i++) args.Set(i, Napi::BigInt::New(env, r->v.args[i]));
    try {
      fn.Call({Napi::Number::New(env, double(r->id)), Napi::Number::New(env, r->exit ? 1 : 0),
               Napi::Number::New(env, r->v.tid), Napi::Number::New(env, r->v.pid),
               Napi::Number::New(env, double(r->v.nr)), args, Napi::BigInt::New(env, r->v.ret)});
    } catch (const Napi::Error& e) {
      JsReply rep;
      rep.warning = std::string("intercept: ") + e.Message() + "; the syscall ran unchanged";
      r->bridge->reply(r->id, std::move(rep));
    }
  });
  if (s != napi_ok) {
    delete req;
    why = "cancelled";
    return false;
  }
  lk.lock();
  bool ok = cv_.wait_for(lk, std::chrono::milliseconds(timeoutMs_), [&] { return answered_ || cancelled_; });
  waiting_ = 0;
  if (ok && answered_) {
    out = std::move(answer_);
    answer_ = JsReply{};
    return true;
  }
  why = cancelled_ ? "cancelled" : "timeout";
  return false;
}

void JsBridge::reply(uint64_t id, JsReply r) {
  std::lock_guard<std::mutex> lk(mu_);
  if (id != waiting_ || answered_) return;  // too late: the call already went on
  answer_ = std::move(r);
  answered_ = true;
  cv_.notify_all();
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

static void sleepUs(int64_t us) {
  struct timespec ts = {time_t(us / 1000000), long(us % 1000000) * 1000};
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

EntryDecision InterceptChain::onEntry(Tracer& t, const SyscallView& v) {
  EntryDecision d;
  if (!pending_.empty()) pending_.erase(v.tid);  // a call that never returned (exit_group...)
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
        memcpy(d.args, v.args, sizeof d.args);
      }
      Pending& p = pending_[v.tid];
      p.kind = Pending::Native;
      p.native = std::move(a);
      return d;
    }
  }
  if (js_ && js_->wants(v.nr)) {
    if (js_->dropRequested()) expected_.clear();
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
          return d;
        }
        expected_.erase(it);  // the thread went elsewhere: the handler decides, and plans anew
      }
    }
    JsReply r;
    std::string why;
    if (!js_->ask(false, v, r, why)) {
      if (why == "timeout")
        t.emitWarning(v.tid, "intercept: the handler did not answer for syscall " + std::to_string(v.nr) +
                                 " within its timeout; the syscall ran unchanged");
      return d;
    }
    if (!r.warning.empty()) t.emitWarning(v.tid, r.warning);
    if (js_->dropRequested()) expected_.clear();  // voided while the handler ran: before its new plans
    if (!r.then.empty()) {
      expected_[v.tid] = std::deque<Expectation>(std::make_move_iterator(r.then.begin()), std::make_move_iterator(r.then.end()));
      r.then.clear();
    }
    apply(t, v, r, d);
  }
  return d;
}

bool InterceptChain::matches(Tracer& t, const SyscallView& v, const Expectation& e) {
  if (e.nr != v.nr) return false;
  for (const auto& m : e.ints)
    if ((v.args[m.arg] & m.mask) != m.value) return false;
  char buf[4097];
  for (const auto& m : e.strings) {
    size_t want = m.bytes.size() + 1;  // the string and its NUL
    if (want > sizeof buf || v.args[m.arg] == 0) return false;
    ssize_t n = t.readMemory(v.tid, v.args[m.arg], buf, want);
    if (n != ssize_t(want) || buf[want - 1] != 0 || memcmp(buf, m.bytes.data(), want - 1) != 0) return false;
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
      if (js_->wantsExit() && !r.noExit) pending_[v.tid].kind = Pending::JsExit;
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
  (void)skipped;
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
      if (a.exitFix) rules_->onExit(t, v, a, d);
      if (a.delayExitUs > 0) sleepUs(a.delayExitUs);
      break;
    }
    case Pending::JsSkip:
      d.setRet = true;
      d.ret = p.js.value;
      d.writes = std::move(p.js.writes);
      break;
    case Pending::JsExit: {
      JsReply r;
      std::string why;
      if (!js_->ask(true, v, r, why)) {
        if (why == "timeout")
          t.emitWarning(v.tid, "intercept: the exit handler did not answer for syscall " + std::to_string(v.nr) +
                                   " within its timeout; the result was left unchanged");
        break;
      }
      if (!r.warning.empty()) t.emitWarning(v.tid, r.warning);
      if (r.hasValue) {
        d.setRet = true;
        d.ret = r.value;
      }
      d.writes = std::move(r.writes);
      break;
    }
  }
  return d;
}

void InterceptChain::onExec(Tracer& t, pid_t tid) {
  if (rules_) rules_->onExec(t, tid);
  expected_.erase(tid);  // a new program (another thread's exec takes over the leader's tid)
}

void InterceptChain::onGone(pid_t tid) {
  expected_.erase(tid);  // the tid may come back as another thread
  pending_.erase(tid);
}

void InterceptChain::cancel() {
  if (js_) js_->cancel();
}

}  // namespace rift
