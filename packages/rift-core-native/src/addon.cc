// N-API face of the ptrace engine: one class, NativeTracer, that runs a Tracer on its own
// thread and hands batches of binary records to a JS callback. The TypeScript wrapper
// (lib/index.ts) owns the friendly API; this file only converts and forwards.
#include <napi.h>
#include <uv.h>

#include <cstring>
#include <system_error>
#include <thread>

#include "tracer.h"

namespace {

using rift::CaptureKind;
using rift::CaptureSpec;
using rift::LengthFrom;

class NativeTracer;
struct Message {
  enum Kind { Batch, Done, Error } kind;
  std::vector<uint8_t> data;
  int status = 0;
  int err = 0;
  std::string what;
  void* owner = nullptr;  // NativeTracer, for Done/Error: join its thread
};

Napi::Error errnoError(Napi::Env env, int err, const std::string& what) {
  std::string msg = what + ": " + strerror(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, uv_err_name(-err)));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, what));
  return e;
}

std::vector<std::string> stringArray(const Napi::Value& v, const char* name) {
  std::vector<std::string> out;
  if (v.IsUndefined() || v.IsNull()) return out;
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(name) + " must be an array of strings");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).ToString().Utf8Value());
  return out;
}

int intOpt(const Napi::Object& o, const char* key, int dflt) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : dflt;
}

bool boolOpt(const Napi::Object& o, const char* key, bool dflt) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : dflt;
}

class NativeTracer : public Napi::ObjectWrap<NativeTracer> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeTracer",
                       {InstanceMethod("start", &NativeTracer::Start),
                        InstanceMethod("ack", &NativeTracer::Ack),
                        InstanceMethod("detach", &NativeTracer::Detach),
                        InstanceMethod("kill", &NativeTracer::Kill),
                        InstanceMethod("childPid", &NativeTracer::ChildPid)});
  }

  // new NativeTracer(options, onMessage(kind, payload, status))
  NativeTracer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeTracer>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject() || !info[1].IsFunction())
      throw Napi::TypeError::New(env, "NativeTracer(options, onMessage)");
    Napi::Object o = info[0].As<Napi::Object>();
    rift::TracerOptions opts;
    opts.argv = stringArray(o.Get("argv"), "argv");
    opts.env = stringArray(o.Get("env"), "env");
    if (o.Get("cwd").IsString()) opts.cwd = o.Get("cwd").ToString().Utf8Value();
    Napi::Value stdio = o.Get("stdio");
    if (stdio.IsArray()) {
      Napi::Array a = stdio.As<Napi::Array>();
      opts.stdinFd = a.Get(0u).As<Napi::Number>().Int32Value();
      opts.stdoutFd = a.Get(1u).As<Napi::Number>().Int32Value();
      opts.stderrFd = a.Get(2u).As<Napi::Number>().Int32Value();
    }
    Napi::Value pids = o.Get("pids");
    if (pids.IsArray()) {
      Napi::Array a = pids.As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); i++) opts.pids.push_back(a.Get(i).As<Napi::Number>().Int32Value());
    }
    if (opts.argv.empty() && opts.pids.empty())
      throw Napi::TypeError::New(env, "NativeTracer: argv or pids is required");
    // plan: Int32Array of 9-int rows [nr, arg, atExit, kind, lenFrom, lenArg, max, onError, scale]
    // (built by capturePlan() in @rift/events)
    Napi::Value plan = o.Get("plan");
    if (plan.IsTypedArray()) {
      Napi::Int32Array rows = plan.As<Napi::Int32Array>();
      opts.plan.resize(1024);
      for (size_t i = 0; i + 9 <= rows.ElementLength(); i += 9) {
        int nr = rows[i];
        if (nr < 0 || nr >= 1024) continue;
        CaptureSpec c;
        c.arg = rows[i + 1];
        c.atExit = rows[i + 2] != 0;
        c.kind = CaptureKind(rows[i + 3]);
        c.lenFrom = LengthFrom(rows[i + 4]);
        c.lenArg = rows[i + 5];
        c.max = rows[i + 6];
        c.onError = rows[i + 7] != 0;
        c.scale = rows[i + 8] > 0 ? rows[i + 8] : 1;
        if (c.arg < 0 || c.arg > 5 || c.lenArg < 0 || c.lenArg > 5) continue;
        opts.plan[size_t(nr)].push_back(c);
      }
    }
    Napi::Value sc = o.Get("seccomp");
    if (sc.IsArray()) {
      opts.useSeccomp = true;
      Napi::Array a = sc.As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); i++) opts.seccompNrs.push_back(a.Get(i).As<Napi::Number>().Int32Value());
    }
    opts.cpu = intOpt(o, "cpu", -1);
    opts.pinChild = boolOpt(o, "pinChild", true);
    opts.noAslr = boolOpt(o, "noAslr", false);
    opts.batchEvents = size_t(intOpt(o, "batchEvents", 512));
    opts.maxInFlight = intOpt(o, "maxInFlight", 8);
    opts.flushMs = intOpt(o, "flushMs", 20);

    tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "rift-tracer", 0, 1);
    tracer_ = std::make_unique<rift::Tracer>(std::move(opts), [this](std::vector<uint8_t>&& b) {
      Message* m = new Message{Message::Batch, std::move(b), 0, 0, {}, nullptr};
      post(m);
    });
  }

  ~NativeTracer() override {
    if (thread_.joinable()) {
      tracer_->requestKill();
      thread_.join();
    }
  }

 private:
  friend struct Message;
  void post(Message* m) {
    tsfn_.NonBlockingCall(m, [](Napi::Env env, Napi::Function cb, Message* m) {
      std::unique_ptr<Message> own(m);
      using Owner = NativeTracer;
      (void)sizeof(Owner);
      switch (m->kind) {
        case Message::Batch: {
          auto* v = new std::vector<uint8_t>(std::move(m->data));
          Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(
              env, v->data(), v->size(), [](Napi::Env, uint8_t*, std::vector<uint8_t>* p) { delete p; }, v);
          cb.Call({Napi::String::New(env, "batch"), buf});
          break;
        }
        case Message::Done:
          static_cast<NativeTracer*>(m->owner)->finish();
          cb.Call({Napi::String::New(env, "done"), Napi::Number::New(env, m->status)});
          break;
        case Message::Error:
          static_cast<NativeTracer*>(m->owner)->finish();
          cb.Call({Napi::String::New(env, "error"), errnoError(env, m->err, m->what).Value()});
          break;
      }
    });
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    if (started_) throw Napi::Error::New(info.Env(), "NativeTracer: already started");
    started_ = true;
    Ref();  // stay alive until the thread is done
    thread_ = std::thread([this] {
      Message* last;
      try {
        int status = tracer_->run();
        last = new Message{Message::Done, {}, status, 0, {}, nullptr};
      } catch (const std::system_error& e) {
        last = new Message{Message::Error, {}, 0, e.code().value(), e.what(), nullptr};
        // system_error::what() appends the message; keep only the operation name
        std::string w = e.what();
        size_t c = w.find(':');
        last->what = c == std::string::npos ? w : w.substr(0, c);
      } catch (const std::exception& e) {
        last = new Message{Message::Error, {}, 0, EIO, e.what(), nullptr};
      }
      last->owner = this;
      post(last);
      tsfn_.Release();
    });
    return info.Env().Undefined();
  }

  Napi::Value Ack(const Napi::CallbackInfo& info) {
    tracer_->ack();
    return info.Env().Undefined();
  }
  Napi::Value Detach(const Napi::CallbackInfo& info) {
    tracer_->requestDetach();
    return info.Env().Undefined();
  }
  Napi::Value Kill(const Napi::CallbackInfo& info) {
    tracer_->requestKill();
    return info.Env().Undefined();
  }
  Napi::Value ChildPid(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), tracer_->childPid());
  }

 public:
  // On the JS thread, at the last message: the ptrace thread has nothing left to post.
  void finish() {
    if (thread_.joinable()) thread_.join();
    Unref();
  }

 private:
  std::unique_ptr<rift::Tracer> tracer_;
  Napi::ThreadSafeFunction tsfn_;
  std::thread thread_;
  bool started_ = false;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeTracer", NativeTracer::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(rift_core, Init)
