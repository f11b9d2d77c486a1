// The Interceptor the addon installs: native rules first (inject, deterministic), then, for the
// syscalls a JavaScript handler asked for, a blocking round trip to the JS thread.
#pragma once
#include <napi.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "inject.h"
#include "tracer.h"

namespace rift {

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
};

// The ptrace thread asks, the JS thread answers. One question at a time (one ptrace thread).
class JsBridge {
 public:
  JsBridge(Napi::Env env, Napi::Function call, const std::vector<int>& nrs, bool exit, int timeoutMs);
  bool wants(uint64_t nr) const { return nr < kMaxNr && nrs_[nr]; }
  bool wantsExit() const { return exit_; }
  std::vector<int> numbers() const;
  // On the ptrace thread. Returns true with `out` filled when JS answered in time; false on
  // timeout or cancel (`why` says which).
  bool ask(bool exit, const SyscallView& v, JsReply& out, std::string& why);
  // On the JS thread.
  void reply(uint64_t id, JsReply r);
  void cancel();
  void release();

 private:
  Napi::ThreadSafeFunction tsfn_;
  std::bitset<kMaxNr> nrs_;
  bool exit_;
  int timeoutMs_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t nextId_ = 1;
  uint64_t waiting_ = 0;
  bool answered_ = false;
  bool cancelled_ = false;
  bool released_ = false;
  JsReply answer_;
};

class InterceptChain : public Interceptor {
 public:
  InterceptChain(std::unique_ptr<NativeRules> rules, std::shared_ptr<JsBridge> js)
      : rules_(std::move(rules)), js_(std::move(js)) {}
  EntryDecision onEntry(Tracer& t, const SyscallView& v) override;
  ExitDecision onExit(Tracer& t, const SyscallView& v, bool skipped) override;
  void onExec(Tracer& t, pid_t tid) override;
  void cancel() override;
  std::vector<int> numbers() const;

 private:
  struct Pending {
    enum { None, Native, JsSkip, JsExit } kind = None;
    NativeAction native;
    JsReply js;
  };
  std::unique_ptr<NativeRules> rules_;
  std::shared_ptr<JsBridge> js_;
  std::unordered_map<pid_t, Pending> pending_;
};

}  // namespace rift
