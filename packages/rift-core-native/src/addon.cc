// N-API face of the ptrace engine: one class, NativeTracer, that runs a Tracer on its own
// thread and hands batches of binary records to a JS callback. The TypeScript wrapper
// (lib/index.ts) owns the friendly API; this file only converts and forwards.
#include <napi.h>
#include <uv.h>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>

#include "encode.h"
#include "intercept.h"
#include "tracer.h"

namespace {

using rift::CaptureKind;
using rift::CaptureSpec;
using rift::LengthFrom;

class NativeTracer;

// The JS thread decodes and writes every batch. Left to the scheduler it is often woken onto
// the CPU that the ptrace thread and the launched tracee share (wake-affine), and the three
// then take turns on one CPU while the other idles. So while a pinned launch trace without JS
// handlers runs, the JS thread keeps off that CPU when another is allowed. Called on the JS
// thread only; nested traces share one saved mask: the first saves it, the last restores it.
class JsThreadAffinity {
 public:
  static void keepOff(int cpu) {
    if (users_++ > 0) return;
    saved_ok_ = sched_getaffinity(0, sizeof saved_, &saved_) == 0;
    if (!saved_ok_ || !CPU_ISSET(cpu, &saved_) || CPU_COUNT(&saved_) < 2) return;
    cpu_set_t others = saved_;
    CPU_CLR(cpu, &others);
    sched_setaffinity(0, sizeof others, &others);
  }
  static void restore() {
    if (users_ == 0 || --users_ > 0) return;
    if (saved_ok_) sched_setaffinity(0, sizeof saved_, &saved_);
  }

 private:
  static inline int users_ = 0;
  static inline bool saved_ok_ = false;
  static inline cpu_set_t saved_;
};
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

// A bigint or a number as a signed 64-bit value (registers and return values wrap).
int64_t i64Of(const Napi::Value& v, const char* what) {
  if (v.IsBigInt()) {
    bool lossless;
    Napi::BigInt b = v.As<Napi::BigInt>();
    int64_t s = b.Int64Value(&lossless);
    if (lossless) return s;
    return int64_t(b.Uint64Value(&lossless));
  }
  if (v.IsNumber()) return int64_t(v.As<Napi::Number>().DoubleValue());
  throw Napi::TypeError::New(v.Env(), std::string(what) + " must be a bigint or a number");
}

std::vector<int> intArray(const Napi::Value& v, const char* what) {
  std::vector<int> out;
  if (v.IsUndefined()) return out;
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of numbers");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).As<Napi::Number>().Int32Value());
  return out;
}

// [[addr, Buffer], ...] -> writes
std::vector<std::pair<uint64_t, std::string>> writesOf(const Napi::Value& v) {
  std::vector<std::pair<uint64_t, std::string>> out;
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Array w = a.Get(i).As<Napi::Array>();
    uint64_t addr = uint64_t(i64Of(w.Get(0u), "write address"));
    Napi::Buffer<char> b = w.Get(1u).As<Napi::Buffer<char>>();
    out.push_back({addr, std::string(b.Data(), b.Length())});
  }
  return out;
}

// Expectations (verdicts decided ahead, intercept.h), in the binary form lib/intercept.ts
// expectationsOf writes and documents. Checked: a malformed buffer is a RangeError.
std::vector<rift::Expectation> expectationsOf(const Napi::Value& v) {
  std::vector<rift::Expectation> out;
  if (!v.IsBuffer()) return out;
  Napi::Buffer<uint8_t> buf = v.As<Napi::Buffer<uint8_t>>();
  const uint8_t* p = buf.Data();
  size_t n = buf.Length(), o = 0;
  auto bad = [&]() { return Napi::RangeError::New(v.Env(), "expectations: malformed buffer"); };
  auto need = [&](size_t k) {
    if (n - o < k) throw bad();
  };
  auto u32 = [&](size_t at) { uint32_t x; memcpy(&x, p + at, 4); return x; };
  auto u64 = [&](size_t at) { uint64_t x; memcpy(&x, p + at, 8); return x; };
  auto arg = [&](uint8_t a) {
    if (a > 5) throw bad();
    return a;
  };
  auto blob = [&](uint8_t& a, std::string& bytes) {
    need(8);
    a = arg(uint8_t(u32(o)));
    uint32_t len = u32(o + 4);
    o += 8;
    need(len);
    bytes.assign(reinterpret_cast<const char*>(p + o), len);
    o += len;
  };
  while (o < n) {
    need(16);
    rift::Expectation e;
    e.nr = uint64_t(p[o]) | uint64_t(p[o + 1]) << 8;
    uint8_t action = p[o + 2], ints = p[o + 3], strs = p[o + 4], writes = p[o + 5], mems = p[o + 6];
    if (action > 1) throw bad();
    e.reply.action = rift::JsReply::Action(action);
    e.reply.noExit = true;
    if (action == 1) {
      e.reply.hasValue = true;
      e.reply.value = int64_t(u64(o + 8));
    }
    o += 16;
    for (uint8_t k = 0; k < ints; k++) {
      need(16);
      uint64_t mask = p[o + 1] == 32 ? 0xffffffffull : ~0ull;
      e.ints.push_back({arg(p[o]), mask, u64(o + 8) & mask});
      o += 16;
    }
    for (uint8_t k = 0; k < strs + mems; k++) {
      rift::Expectation::StringMatch m;
      blob(m.arg, m.bytes);
      m.nul = k < strs;  // then the memory matches: bytes without a terminator
      e.strings.push_back(std::move(m));
    }
    for (uint8_t k = 0; k < writes; k++) {
      std::pair<uint8_t, std::string> w;
      blob(w.first, w.second);
      e.argWrites.push_back(std::move(w));
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Reads tracee memory from the JS thread (the tracee is stopped while a handler runs).
ssize_t readTracee(pid_t tid, uint64_t addr, void* buf, size_t len) {
  struct iovec local = {buf, len};
  struct iovec remote = {reinterpret_cast<void*>(addr), len};
  ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
  if (n >= 0 || (errno != EPERM && errno != ENOSYS)) return n;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  n = pread(fd, buf, len, off_t(addr));
  close(fd);
  return n;
}

// readMemory(tid, addr: bigint, len): Buffer | null (null: nothing readable)
Napi::Value ReadMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[2].IsNumber()) throw Napi::TypeError::New(env, "readMemory(tid, addr, len)");
  pid_t tid = info[0].As<Napi::Number>().Int32Value();
  uint64_t addr = uint64_t(i64Of(info[1], "addr"));
  int64_t len = info[2].As<Napi::Number>().Int64Value();
  if (len < 0 || len > (64 << 20)) throw Napi::RangeError::New(env, "readMemory: len must be 0..64 MiB");
  if (len == 0) return Napi::Buffer<char>::New(env, 0);
  std::vector<char> buf(static_cast<size_t>(len));
  // page by page, so a range that runs into an unmapped page still yields its readable start
  size_t got = 0;
  while (got < size_t(len)) {
    uint64_t a = addr + got;
    size_t chunk = std::min<size_t>(size_t(len) - got, 4096 - (a & 4095));
    ssize_t n = readTracee(tid, a, buf.data() + got, chunk);
    if (n <= 0) break;
    got += size_t(n);
    if (size_t(n) < chunk) break;
  }
  if (got == 0) return env.Null();
  return Napi::Buffer<char>::Copy(env, buf.data(), got);
}

// readString(tid, addr: bigint, max): string | null (bytes up to the NUL, at most max)
Napi::Value ReadString(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[2].IsNumber()) throw Napi::TypeError::New(env, "readString(tid, addr, max)");
  pid_t tid = info[0].As<Napi::Number>().Int32Value();
  uint64_t addr = uint64_t(i64Of(info[1], "addr"));
  int64_t max = info[2].As<Napi::Number>().Int64Value();
  if (max < 0 || max > (16 << 20)) throw Napi::RangeError::New(env, "readString: max must be 0..16 MiB");
  std::string out;
  char page[4096];
  while (int64_t(out.size()) < max) {
    uint64_t a = addr + out.size();
    size_t chunk = std::min<size_t>(size_t(max) - out.size(), 4096 - (a & 4095));
    ssize_t n = readTracee(tid, a, page, chunk);
    if (n <= 0) {
      if (out.empty()) return env.Null();
      break;
    }
    void* z = memchr(page, 0, size_t(n));
    if (z) {
      out.append(page, size_t(static_cast<char*>(z) - page));
      return Napi::String::New(env, out);
    }
    out.append(page, size_t(n));
    if (size_t(n) < chunk) break;
  }
  return Napi::String::New(env, out);
}

// writeFd(pid, fd, data: Buffer, offset: bigint): the bytes written, or -errno when none could
// be. Writes `data` to the open file behind descriptor `fd` of process `pid` (a tracee of ours:
// a tracer may take its descriptors with pidfd_getfd) as a write of the process's own would:
// through a copy of the descriptor, so that without an offset (offset < 0) the write advances
// the position the process shares with it; pwrite at `offset` otherwise. A pipe is written
// through a description of our own that does not block (opened again via /proc/self/fd), made
// big enough for the bytes first (F_SETPIPE_SZ): its reader may be a tracee that cannot read
// while this thread decides. If it still fills, the wait for room is 5 s at most and the count
// written by then is returned. A socket is written the same way (MSG_DONTWAIT).
Napi::Value WriteFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsBuffer())
    throw Napi::TypeError::New(env, "writeFd(pid, fd, data: Buffer, offset: bigint)");
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int fd = info[1].As<Napi::Number>().Int32Value();
  Napi::Buffer<char> data = info[2].As<Napi::Buffer<char>>();
  int64_t offset = info.Length() > 3 && !info[3].IsUndefined() ? i64Of(info[3], "offset") : -1;
  if (pid <= 0 || fd < 0) return Napi::Number::New(env, -EINVAL);
  int pidfd = int(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return Napi::Number::New(env, -errno);
  int local = int(syscall(SYS_pidfd_getfd, pidfd, fd, 0));
  int err = errno;
  close(pidfd);
  if (local < 0) return Napi::Number::New(env, -err);
  struct stat sb;
  if (fstat(local, &sb) != 0) {
    err = errno;
    close(local);
    return Napi::Number::New(env, -err);
  }
  const char* p = data.Data();
  size_t len = data.Length(), done = 0;
  bool isPipe = S_ISFIFO(sb.st_mode), isSock = S_ISSOCK(sb.st_mode);
  int wfd = local;
  if (isPipe) {
    int queued = 0;
    int size = fcntl(local, F_GETPIPE_SZ);
    if (size > 0 && ioctl(local, FIONREAD, &queued) == 0 && size_t(size - queued) < len)
      fcntl(local, F_SETPIPE_SZ, int(std::min<size_t>(size_t(queued) + len, 1u << 30)));
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", local);
    wfd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (wfd < 0) {
      err = errno == ENXIO ? EPIPE : errno;  // no reader left
      close(local);
      return Napi::Number::New(env, -err);
    }
  }
  err = 0;
  int waitedMs = 0;
  while (done < len) {
    ssize_t n;
    if (isSock) n = send(wfd, p + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
    else if (offset >= 0) n = pwrite(wfd, p + done, len - done, off_t(offset + int64_t(done)));
    else n = write(wfd, p + done, len - done);
    if (n > 0) {
      done += size_t(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && (isPipe || isSock) && waitedMs < 5000) {
      struct pollfd pf = {wfd, POLLOUT, 0};
      poll(&pf, 1, 100);
      waitedMs += 100;
      continue;
    }
    err = n < 0 ? errno : EIO;
    break;
  }
  if (wfd != local) close(wfd);
  close(local);
  if (done == 0 && err) return Napi::Number::New(env, -err);
  return Napi::Number::New(env, double(done));
}

// The tables encodeRecords names things by, from the TypeScript syscall knowledge (set once).
rift::EncodeTables encodeTables;

// setEncodeTables(syscallNames, arities, errnoNames, signalNames): arrays indexed by number,
// '' where there is no name.
Napi::Value SetEncodeTables(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  rift::EncodeTables t;
  t.syscallNames = stringArray(info[0], "syscallNames");
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "arities must be an array of numbers");
  Napi::Array a = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) t.arities.push_back(uint8_t(a.Get(i).ToNumber().Uint32Value()));
  t.errnoNames = stringArray(info[2], "errnoNames");
  t.signalNames = stringArray(info[3], "signalNames");
  encodeTables = std::move(t);
  return env.Undefined();
}

// encodeRecords(batch, state) -> Buffer: the batch's NDJSON text (src/encode.h). state is a
// decode.ts DecodeState ({seq, startHi, startLo}); its seq moves past the events written.
Napi::Value EncodeRecords(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsBuffer() || !info[1].IsObject()) throw Napi::TypeError::New(env, "encodeRecords(batch: Buffer, state: DecodeState)");
  Napi::Buffer<uint8_t> batch = info[0].As<Napi::Buffer<uint8_t>>();
  Napi::Object state = info[1].As<Napi::Object>();
  rift::EncodeState st;
  st.seq = state.Get("seq").ToNumber().Int64Value();
  st.start = state.Get("startHi").ToNumber().Int64Value() * 4294967296LL + state.Get("startLo").ToNumber().Int64Value();
  // one text a thread, reused: its room stays; the Buffer is a copy the collector accounts for
  static thread_local std::string text;
  text.clear();
  rift::encodeRecords(encodeTables, batch.Data(), batch.Length(), st, text);
  state.Set("seq", Napi::Number::New(env, double(st.seq)));
  return Napi::Buffer<char>::Copy(env, text.data(), text.size());
}

class NativeTracer : public Napi::ObjectWrap<NativeTracer> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "NativeTracer",
                       {InstanceMethod("start", &NativeTracer::Start),
                        InstanceMethod("ack", &NativeTracer::Ack),
                        InstanceMethod("detach", &NativeTracer::Detach),
                        InstanceMethod("kill", &NativeTracer::Kill),
                        InstanceMethod("reply", &NativeTracer::Reply),
                        InstanceMethod("takeConsumed", &NativeTracer::TakeConsumed),
                        InstanceMethod("dropExpectations", &NativeTracer::DropExpectations),
                        InstanceMethod("extendExpectations", &NativeTracer::ExtendExpectations),
                        InstanceMethod("wakeWaiting", &NativeTracer::WakeWaiting),
                        InstanceMethod("childPid", &NativeTracer::ChildPid),
                        InstanceMethod("signal", &NativeTracer::Signal)});
  }

  // new NativeTracer(options, onMessage(kind, payload, status))
  NativeTracer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeTracer>(info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject() || !info[1].IsFunction())
      throw Napi::TypeError::New(env, "NativeTracer(options, onMessage)");
    Napi::Object o = info[0].As<Napi::Object>();
    rift::TracerOptions opts;
    opts.argv = stringArray(o.Get("argv"), "argv");
    if (o.Get("exe").IsString()) opts.exe = o.Get("exe").ToString().Utf8Value();
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
      std::vector<CaptureSpec::Guard> when;  // guards for the next row
      for (size_t i = 0; i + 9 <= rows.ElementLength(); i += 9) {
        int nr = rows[i];
        if (nr < 0 || nr >= 1024) continue;
        if (CaptureKind(rows[i + 3]) == CaptureKind::When) {
          // lenArg: 0, the argument itself; off + 1, the u32 at off in its struct; max: 1, at least
          if (rows[i + 1] >= 0 && rows[i + 1] <= 5 && rows[i + 5] >= 0)
            when.push_back({rows[i + 1], rows[i + 5] - 1, uint32_t(rows[i + 4]), rows[i + 6] == 1});
          continue;
        }
        CaptureSpec c;
        c.when = std::move(when);
        when.clear();
        c.arg = rows[i + 1];
        c.atExit = rows[i + 2] != 0;
        c.kind = CaptureKind(rows[i + 3]);
        c.lenFrom = LengthFrom(rows[i + 4]);
        c.lenArg = rows[i + 5];
        c.max = rows[i + 6];
        c.onError = rows[i + 7] != 0;
        c.scale = rows[i + 8] > 0 ? rows[i + 8] : 1;
        if (c.kind == CaptureKind::Pointee) {
          // lenFrom: strings << 20 | lenOff << 8 | (lenBase + 1) << 4 | lenSize;
          // lenArg: index << 16 | ptrOff
          c.lenSize = uint32_t(rows[i + 4]) & 0xf;
          c.lenBase = int((uint32_t(rows[i + 4]) >> 4 & 0xf)) - 1;
          c.lenOff = uint32_t(rows[i + 4]) >> 8 & 0xfff;
          c.strings = (uint32_t(rows[i + 4]) >> 20 & 0xf) == 1;
          c.fixedLen = (uint32_t(rows[i + 4]) >> 20 & 0xf) == 2;
          // onError: hops << 16 | (via + 1) << 1 | onError
          c.via = int(uint32_t(rows[i + 7]) >> 1 & 0x7fff) - 1;
          c.hops = uint32_t(rows[i + 7]) >> 16;
          c.onError = (rows[i + 7] & 1) != 0;
          c.ptrOff = uint32_t(rows[i + 5]) & 0xffff;
          c.index = uint32_t(rows[i + 5]) >> 16;
          c.lenFrom = LengthFrom::Fixed;
          c.lenArg = 0;
          if (c.lenSize != 0 && c.lenSize != 1 && c.lenSize != 2 && c.lenSize != 4 && c.lenSize != 8) continue;
          if (c.lenBase > 5) continue;
        }
        if (c.kind == CaptureKind::MsgHdrVec) {
          // lenFrom: (dataLimitOff + 1) << 8 | LengthFrom
          c.lenOff = uint32_t(rows[i + 4]) >> 8;
          c.lenFrom = LengthFrom(rows[i + 4] & 0xff);
        }
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
    Napi::Value sb = o.Get("syscallBuffer");
    if (sb.IsObject()) {
      Napi::Object b = sb.As<Napi::Object>();
      if (!b.Get("library").IsString() || !b.Get("config").IsString())
        throw Napi::TypeError::New(env, "syscallBuffer: { library: string, config: string }");
      opts.sbLibrary = b.Get("library").ToString().Utf8Value();
      opts.sbConfig = b.Get("config").ToString().Utf8Value();
    }
    opts.cpu = intOpt(o, "cpu", -1);
    opts.pinChild = boolOpt(o, "pinChild", true);
    Napi::Value visible = o.Get("visibleCpus");
    if (visible.IsArray()) {
      Napi::Array cpus = visible.As<Napi::Array>();
      for (uint32_t i = 0; i < cpus.Length(); i++) opts.visibleCpus.push_back(cpus.Get(i).ToNumber().Int32Value());
    }
    opts.noAslr = boolOpt(o, "noAslr", false);
    opts.noVdso = boolOpt(o, "noVdso", false);
    opts.trapTsc = boolOpt(o, "trapTsc", false);
    opts.follow = boolOpt(o, "follow", true);
    opts.riftCalls = boolOpt(o, "riftCalls", false);
    setupIntercept(env, o, opts);
    // With a JS handler every handled call is a round trip to the JS thread, which is cheapest
    // on the tracer's own CPU; the TS wrapper says when the JS thread keeps away from it
    // (jsApart: a trace without a handler, or one whose handler plans calls ahead).
    keepJsOff_ = opts.pinChild && boolOpt(o, "jsApart", !bridge_) ? opts.cpu : -1;
    opts.batchEvents = size_t(intOpt(o, "batchEvents", 512));
    opts.maxInFlight = intOpt(o, "maxInFlight", 8);
    opts.flushMs = intOpt(o, "flushMs", 20);

    tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "rift-tracer", 0, 1);
    tracer_ = std::make_unique<rift::Tracer>(std::move(opts), [this](std::vector<uint8_t>&& b) {
      Message* m = new Message{Message::Batch, std::move(b), 0, 0, {}, nullptr};
      post(m);
    });
    if (chain_) tracer_->setInterceptor(chain_.get());
    // an answer wakes the ptrace thread, which looks at its parked threads (non-serial handlers)
    if (bridge_) bridge_->onAnswer([t = tracer_.get()] { t->wake(); });
  }

  // inject rules, deterministic sandbox and a JS handler become one InterceptChain
  void setupIntercept(Napi::Env env, const Napi::Object& o, rift::TracerOptions& opts) {
    std::vector<rift::InjectRule> rules;
    Napi::Value inj = o.Get("inject");
    if (inj.IsArray()) {
      Napi::Array a = inj.As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); i++) {
        if (!a.Get(i).IsObject()) throw Napi::TypeError::New(env, "inject: each rule must be an object");
        Napi::Object r = a.Get(i).As<Napi::Object>();
        rift::InjectRule rule;
        for (int nr : intArray(r.Get("nrs"), "inject rule nrs"))
          if (nr >= 0 && size_t(nr) < rift::kMaxNr) rule.nrs[size_t(nr)] = true;
        if (!r.Get("ret").IsUndefined()) {
          rule.hasRet = true;
          rule.ret = i64Of(r.Get("ret"), "inject ret");
        }
        rule.signal = intOpt(r, "signal", 0);
        if (!r.Get("delayEnterUs").IsUndefined()) rule.delayEnterUs = i64Of(r.Get("delayEnterUs"), "delayEnterUs");
        if (!r.Get("delayExitUs").IsUndefined()) rule.delayExitUs = i64Of(r.Get("delayExitUs"), "delayExitUs");
        if (!r.Get("first").IsUndefined()) rule.first = uint64_t(i64Of(r.Get("first"), "first"));
        if (!r.Get("last").IsUndefined()) rule.last = uint64_t(i64Of(r.Get("last"), "last"));
        if (!r.Get("step").IsUndefined()) rule.step = uint64_t(i64Of(r.Get("step"), "step"));
        if (rule.first < 1 || rule.step < 1 || rule.last < rule.first)
          throw Napi::RangeError::New(env, "inject: when= must have 1 <= first <= last and step >= 1");
        rules.push_back(rule);
      }
    }
    rift::DeterministicOptions det;
    Napi::Value dv = o.Get("deterministic");
    if (dv.IsObject()) {
      Napi::Object d = dv.As<Napi::Object>();
      det.enabled = true;
      if (!d.Get("seed").IsUndefined()) det.seed = uint64_t(i64Of(d.Get("seed"), "seed"));
      if (!d.Get("epochNs").IsUndefined()) det.epochNs = i64Of(d.Get("epochNs"), "epochNs");
      if (!d.Get("stepNs").IsUndefined()) det.stepNs = i64Of(d.Get("stepNs"), "stepNs");
    }
    Napi::Value nv = o.Get("net");
    if (nv.IsString() && nv.As<Napi::String>().Utf8Value() == "virtual") det.net = true;
    std::unique_ptr<rift::NativeRules> native;
    if (!rules.empty() || det.enabled || det.net) native = std::make_unique<rift::NativeRules>(std::move(rules), det);
    Napi::Value ic = o.Get("intercept");
    if (ic.IsObject()) {
      Napi::Object i = ic.As<Napi::Object>();
      if (!i.Get("call").IsFunction()) throw Napi::TypeError::New(env, "intercept.call must be a function");
      bridge_ = std::make_shared<rift::JsBridge>(env, i.Get("call").As<Napi::Function>(),
                                                 intArray(i.Get("syscalls"), "intercept.syscalls"),
                                                 boolOpt(i, "exit", false), intOpt(i, "timeoutMs", 5000));
      bridge_->setWantsTsc(boolOpt(i, "tsc", false));
      bridge_->setSerial(boolOpt(i, "serial", false));
    }
    if (!native && !bridge_) return;
    chain_ = std::make_unique<rift::InterceptChain>(std::move(native), bridge_);
    if (opts.useSeccomp) {
      // the prefilter must stop at every syscall a rule or the handler acts on
      for (int nr : chain_->numbers())
        if (std::find(opts.seccompNrs.begin(), opts.seccompNrs.end(), nr) == opts.seccompNrs.end())
          opts.seccompNrs.push_back(nr);
    }
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
          cb.Call({Napi::String::New(env, "done"), Napi::Number::New(env, m->status), Napi::Number::New(env, m->err),
                   Napi::String::New(env, m->err ? strerror(m->err) : "")});
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
    if (keepJsOff_ >= 0) JsThreadAffinity::keepOff(keepJsOff_);
    thread_ = std::thread([this] {
      Message* last;
      try {
        int status = tracer_->run();
        last = new Message{Message::Done, {}, status, tracer_->execErrno(), {}, nullptr};
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
      if (bridge_) bridge_->release();
      post(last);
      tsfn_.Release();
    });
    // the child's pid is known when start() returns: the ptrace thread forks it (ptrace
    // belongs to the thread that attached) and hands it over here, a fork's time later
    tracer_->waitLaunched();
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
  // reply(id, action, args?: (bigint|undefined)[], value?: bigint|number, writes?: [addr, Buffer][],
  //       warning?: string, noExit?: boolean, then?: Expectation[], nr?: number): a handler's
  //       verdict. action: 0 run, 1 return, 2 kill.
  Napi::Value Reply(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!bridge_) throw Napi::Error::New(env, "reply: this trace has no intercept handler");
    if (!info[0].IsNumber() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "reply(id, action, ...)");
    uint64_t id = uint64_t(info[0].As<Napi::Number>().Int64Value());
    rift::JsReply r;
    int action = info[1].As<Napi::Number>().Int32Value();
    if (action < 0 || action > 2) throw Napi::RangeError::New(env, "reply: bad action");
    r.action = rift::JsReply::Action(action);
    if (info[2].IsArray()) {
      Napi::Array a = info[2].As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length() && i < 6; i++) {
        Napi::Value x = a.Get(i);
        if (x.IsUndefined() || x.IsNull()) continue;
        r.args[i] = uint64_t(i64Of(x, "args[i]"));
        r.argMask |= uint8_t(1 << i);
      }
    }
    if (info.Length() > 3 && !info[3].IsUndefined()) {
      r.hasValue = true;
      r.value = i64Of(info[3], "value");
    }
    if (info.Length() > 4) r.writes = writesOf(info[4]);
    if (info.Length() > 5 && info[5].IsString()) r.warning = info[5].As<Napi::String>().Utf8Value();
    if (info.Length() > 6 && info[6].IsBoolean()) r.noExit = info[6].As<Napi::Boolean>().Value();
    if (info.Length() > 7) r.then = expectationsOf(info[7]);
    if (info.Length() > 8 && info[8].IsNumber()) {
      int64_t nr = info[8].As<Napi::Number>().Int64Value();
      if (nr < 0 || nr >= int64_t(rift::kMaxNr)) throw Napi::RangeError::New(env, "reply: bad syscall number");
      r.nr = nr;
    }
    bridge_->reply(id, std::move(r));
    return env.Undefined();
  }
  // takeConsumed(): [tid, count, tid, count, ...] of expectations answered since the last call
  Napi::Value TakeConsumed(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!bridge_) return Napi::Array::New(env, 0);
    auto c = bridge_->takeConsumed();
    Napi::Array out = Napi::Array::New(env, c.size() * 2);
    for (size_t i = 0; i < c.size(); i++) {
      out.Set(uint32_t(2 * i), Napi::Number::New(env, c[i].first));
      out.Set(uint32_t(2 * i + 1), Napi::Number::New(env, c[i].second));
    }
    return out;
  }
  Napi::Value DropExpectations(const Napi::CallbackInfo& info) {
    if (bridge_) bridge_->dropExpectations();
    return info.Env().Undefined();
  }
  // extendExpectations(tid, id, expectations): more calls for the queue the verdict for
  // question `id` started for thread `tid` (JsBridge::extend)
  Napi::Value ExtendExpectations(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!bridge_) throw Napi::Error::New(env, "extendExpectations: this trace has no intercept handler");
    if (!info[0].IsNumber() || !info[1].IsNumber()) throw Napi::TypeError::New(env, "extendExpectations(tid, id, expectations)");
    auto more = expectationsOf(info[2]);
    if (!more.empty())
      bridge_->extend({pid_t(info[0].As<Napi::Number>().Int32Value()), uint64_t(info[1].As<Napi::Number>().Int64Value()), std::move(more)});
    return env.Undefined();
  }
  // wakeWaiting(tid): a thread waiting at its call (a `wait` verdict) is asked about it again now
  Napi::Value WakeWaiting(const Napi::CallbackInfo& info) {
    if (bridge_ && info[0].IsNumber()) bridge_->wake(pid_t(info[0].As<Napi::Number>().Int32Value()));
    return info.Env().Undefined();
  }
  Napi::Value ChildPid(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), tracer_->childPid());
  }
  // signal(sig): 0, or the errno (ESRCH once the launched child is gone)
  Napi::Value Signal(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "signal(sig: number)");
    int sig = info[0].As<Napi::Number>().Int32Value();
    if (sig <= 0 || sig >= NSIG) throw Napi::RangeError::New(env, "signal: bad signal number");
    return Napi::Number::New(env, tracer_->signalChild(sig));
  }

 public:
  // On the JS thread, at the last message: the ptrace thread has nothing left to post.
  void finish() {
    if (thread_.joinable()) thread_.join();
    if (keepJsOff_ >= 0) JsThreadAffinity::restore();
    Unref();
  }

 private:
  std::shared_ptr<rift::JsBridge> bridge_;
  std::unique_ptr<rift::InterceptChain> chain_;
  std::unique_ptr<rift::Tracer> tracer_;
  Napi::ThreadSafeFunction tsfn_;
  std::thread thread_;
  bool started_ = false;
  int keepJsOff_ = -1;  // the CPU the JS thread keeps off while this trace runs, or -1
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeTracer", NativeTracer::Init(env));
  exports.Set("readMemory", Napi::Function::New(env, ReadMemory, "readMemory"));
  exports.Set("readString", Napi::Function::New(env, ReadString, "readString"));
  exports.Set("writeFd", Napi::Function::New(env, WriteFd, "writeFd"));
  exports.Set("setEncodeTables", Napi::Function::New(env, SetEncodeTables, "setEncodeTables"));
  exports.Set("encodeRecords", Napi::Function::New(env, EncodeRecords, "encodeRecords"));
  return exports;
}

}  // namespace

NODE_API_MODULE(rift_core, Init)
