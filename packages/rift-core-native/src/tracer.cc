#include "tracer.h"
#include "inject.h"
#include "syscallbuf_abi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#include <algorithm>
#include <functional>
#include <cstring>
#include <system_error>
#include <thread>

// glibc's <sys/ptrace.h> clashes with <linux/ptrace.h>; call the syscall directly.
static long xptrace(long req, pid_t pid, void* addr, void* data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}
static long xptrace(long req, pid_t pid, long addr, long data) {
  return syscall(SYS_ptrace, req, pid, addr, data);
}

namespace rift {

static_assert(RIFT_RECORD_HEADER == kRecordHeader && RIFT_REC_SYSCALL == REC_SYSCALL &&
                  RIFT_SC_BUFFERED == SC_BUFFERED && RIFT_BLOB_EXIT == BLOB_EXIT &&
                  RIFT_BLOB_FAULT == BLOB_FAULT && RIFT_BLOB_TRUNCATED == BLOB_TRUNCATED &&
                  RIFT_CAPTURE_CSTRING == int(CaptureKind::CString) &&
                  RIFT_CAPTURE_BUFFER == int(CaptureKind::Buffer) &&
                  RIFT_LEN_RET == int(LengthFrom::Ret) && RIFT_LEN_ARGPTR_U64 == int(LengthFrom::ArgPtrU64),
              "syscallbuf_abi.h and record_buffer.h / tracer.h disagree");

// Signal used to break the ptrace thread out of waitpid() when JS asks it to detach.
static const int kWakeSignal = SIGRTMIN + 7;
static void onWake(int) {}

static std::system_error sysErr(int err, const std::string& what) {
  return std::system_error(err, std::generic_category(), what);
}

static std::vector<uint32_t> configNumbers(const std::string& config);

Tracer::Tracer(TracerOptions opts, BatchHandler onBatch)
    : opts_(std::move(opts)), onBatch_(std::move(onBatch)) {
  if (!opts_.follow) {
    // an untraced child keeps the seccomp filter (its stops would fail its calls with ENOSYS)
    // and the library (whose records no one would drain): neither is given
    opts_.useSeccomp = false;
    opts_.seccompNrs.clear();
    opts_.sbLibrary.clear();
  }
  sbOn_ = !opts_.sbLibrary.empty() && opts_.pids.empty();
  sbActive_ = sbOn_ && !opts_.sbConfig.empty();
  bufferedNrs_.assign(1024, false);
  for (uint32_t nr : configNumbers(opts_.sbConfig))
    if (nr < bufferedNrs_.size()) bufferedNrs_[nr] = true;
  if (sbActive_ && !opts_.useSeccomp) {
    opts_.useSeccomp = true;
    opts_.seccompAll = true;  // every call stops but those the library records
  }
  resumeOp_ = opts_.useSeccomp ? PTRACE_CONT : PTRACE_SYSCALL;
}

Tracer::~Tracer() {
  if (pidfd_ >= 0) close(pidfd_);
  if (wakeTimer_) timer_delete(static_cast<timer_t>(wakeTimer_));
}

// SIGKILL to a traced thread's process. tgkill names both ids, and the thread is one we have
// not reaped (a tracee's exit waits for its tracer), so neither id can be another process's;
// no pid <= 0 ever reaches the kernel.
void killTracee(pid_t tgid, pid_t tid) {
  if (tgid > 0 && tid > 0) syscall(SYS_tgkill, tgid, tid, SIGKILL);
}

void Tracer::settleLaunch() {
  {
    std::lock_guard<std::mutex> lk(launchMu_);
    launchSettled_ = true;
  }
  launchCv_.notify_all();
}

void Tracer::waitLaunched() {
  std::unique_lock<std::mutex> lk(launchMu_);
  launchCv_.wait(lk, [&] { return launchSettled_; });
}

int Tracer::signalChild(int sig) {
  std::lock_guard<std::mutex> lk(launchMu_);
  if (pidfd_ < 0) return launched_ ? ENOSYS : ESRCH;
  // the pidfd stays open until the Tracer is destroyed, so its number cannot name another
  // process's pidfd; once the child is reaped the kernel answers ESRCH
  if (syscall(SYS_pidfd_send_signal, pidfd_, sig, nullptr, 0) < 0) return errno;
  return 0;
}

int64_t Tracer::now() const {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void Tracer::requestDetach() {
  detachRequested_ = true;
  if (interceptor_) interceptor_->cancel();
  { std::lock_guard<std::mutex> lk(mu_); }
  cv_.notify_all();
  if (tracerTid_) syscall(SYS_tgkill, getpid(), tracerTid_, kWakeSignal);
}

void Tracer::requestKill() {
  killRequested_ = true;
  if (interceptor_) interceptor_->cancel();
  { std::lock_guard<std::mutex> lk(mu_); }
  cv_.notify_all();
  if (tracerTid_) syscall(SYS_tgkill, getpid(), tracerTid_, kWakeSignal);
}

void Tracer::ack() {
  std::lock_guard<std::mutex> lk(mu_);
  if (inFlight_ > 0) inFlight_--;
  cv_.notify_all();
}

// ---- batches -------------------------------------------------------------------------------

// Hands the current batch to JS. Waits while too many batches are unacknowledged: the tracee
// stays stopped meanwhile, which is how a slow reader slows the traced program down.
void Tracer::flushLocked(std::unique_lock<std::mutex>& lk) {
  if (batchCount_ == 0) return;
  cv_.wait(lk, [&] { return inFlight_ < opts_.maxInFlight || killRequested_; });
  if (killRequested_ && inFlight_ >= opts_.maxInFlight) return;  // reader is gone
  // the wait let go of the lock: another flush may have taken the batch meanwhile (a record is
  // appended and counted under two holds of the lock)
  if (batch_.empty()) {
    batchCount_ = 0;
    return;
  }
  std::vector<uint8_t> out;
  out.swap(batch_);
  batchCount_ = 0;
  inFlight_++;
  onBatch_(std::move(out));
}

void Tracer::maybeFlush(bool force) {
  std::unique_lock<std::mutex> lk(mu_);
  countLocked(lk, force);
}

// Counts a record just appended to the batch (the lock held) and flushes when the batch is full.
void Tracer::countLocked(std::unique_lock<std::mutex>& lk, bool force) {
  batchCount_++;
  if (batchCount_ == 1) {
    batchStart_ = now();
    cv_.notify_all();  // flusher starts its timer
  }
  if (force || batchCount_ >= opts_.batchEvents || batch_.size() >= opts_.batchBytes)
    flushLocked(lk);
}

// Flushes a partial batch that has waited flushMs, so a quiet tracee's last events still
// reach the reader promptly.
void Tracer::flusherMain() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stopping_) {
    if (batchCount_ == 0) {
      cv_.wait(lk);
      continue;
    }
    int64_t due = batchStart_ + int64_t(opts_.flushMs) * 1000000;
    int64_t left = due - now();
    if (left > 0) {
      cv_.wait_for(lk, std::chrono::nanoseconds(left));
      continue;
    }
    if (inFlight_ < opts_.maxInFlight) flushLocked(lk);
    else cv_.wait_for(lk, std::chrono::milliseconds(opts_.flushMs));
  }
}

// ---- records -------------------------------------------------------------------------------

void Tracer::warn(pid_t tid, const std::string& msg) {
  std::unique_lock<std::mutex> lk(mu_);
  RecordWriter w(batch_);
  w.begin(REC_WARNING, tid, 0, now());
  w.blob(0, 0, 0, 0, msg.size(), msg.data(), msg.size());
  w.end();
  lk.unlock();
  maybeFlush(false);
}

ThreadState& Tracer::state(pid_t tid) {
  auto it = threads_.find(tid);
  if (it != threads_.end()) return it->second;
  ThreadState& st = threads_[tid];
  st.pid = tgidOf(tid);
  return st;
}

// A numeric field of /proc/TID/status ("Tgid", "PPid"); -1 when the thread is gone or has none.
static pid_t statusField(pid_t tid, const char* key) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = 0;
  char want[32];
  snprintf(want, sizeof want, "\n%s:", key);
  const char* p = strstr(buf, want);
  return p ? pid_t(atoi(p + strlen(want))) : -1;
}

pid_t Tracer::tgidOf(pid_t tid) {
  pid_t tgid = statusField(tid, "Tgid");
  return tgid < 0 ? tid : tgid;
}

ssize_t Tracer::readMemory(pid_t tid, uint64_t addr, void* buf, size_t len) {
  if (len == 0) return 0;
  // process_vm_readv, not PEEKDATA or /proc/PID/mem first, though those are cheaper for a
  // word: it honours the page's protection, so a PROT_NONE buffer is a fault, as the kernel
  // found it for the call (the syscall buffer's records agree; PEEKDATA reads it regardless)
  struct iovec local = {buf, len};
  struct iovec remote = {reinterpret_cast<void*>(addr), len};
  ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
  if (n >= 0) return n;
  if (errno != EPERM && errno != ENOSYS) return -1;
  // Fallback for kernels or policies without process_vm_readv.
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  n = pread(fd, buf, len, off_t(addr));
  int e = errno;
  close(fd);
  errno = e;
  return n;
}

ssize_t Tracer::writeMemory(pid_t tid, uint64_t addr, const void* buf, size_t len) {
  if (len == 0) return 0;
  struct iovec local = {const_cast<void*>(buf), len};
  struct iovec remote = {reinterpret_cast<void*>(addr), len};
  ssize_t n = process_vm_writev(tid, &local, 1, &remote, 1, 0);
  if (n == ssize_t(len)) return n;
  // Read-only mappings (and failed partial writes) go through /proc/PID/mem, as a debugger does.
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", tid);
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  n = pwrite(fd, buf, len, off_t(addr));
  int e = errno;
  close(fd);
  errno = e;
  return n;
}

// Reads up to `cap` bytes at addr, stopping after a NUL when `cstring`. Reads page by page so
// a string that ends just before an unmapped page is still read. Returns bytes read, or -errno
// when nothing at all could be read.
static ssize_t readBounded(Tracer& t, pid_t tid, uint64_t addr, uint8_t* dst, size_t cap,
                           bool cstring, bool* sawNul) {
  size_t got = 0;
  *sawNul = false;
  while (got < cap) {
    uint64_t a = addr + got;
    size_t chunk = std::min<size_t>(cap - got, 4096 - (a & 4095));
    if (!cstring) chunk = cap - got;
    ssize_t n = t.readMemory(tid, a, dst + got, chunk);
    if (n <= 0) {
      if (got == 0) return -(errno ? errno : EFAULT);
      break;
    }
    if (cstring) {
      void* z = memchr(dst + got, 0, size_t(n));
      if (z) {
        got = size_t(static_cast<uint8_t*>(z) - dst);
        *sawNul = true;
        return ssize_t(got);
      }
    }
    got += size_t(n);
    if (size_t(n) < chunk) break;
  }
  return ssize_t(got);
}

static int64_t lengthOf(Tracer& t, pid_t tid, const CaptureSpec& c, const uint64_t* args,
                        int64_t ret) {
  switch (c.lenFrom) {
    case LengthFrom::Fixed: return c.max < 0 ? 0 : c.max;
    case LengthFrom::Arg: return int64_t(args[c.lenArg]) * c.scale;
    case LengthFrom::ArgI32: return std::max<int64_t>(int32_t(args[c.lenArg]), 0) * c.scale;
    case LengthFrom::Ret: return ret * c.scale;
    case LengthFrom::ArgPtrU32: {
      uint32_t v = 0;
      if (!args[c.lenArg] || t.readMemory(tid, args[c.lenArg], &v, 4) != 4) return 0;
      return int64_t(v) * c.scale;
    }
    case LengthFrom::ArgPtrU64: {
      uint64_t v = 0;
      if (!args[c.lenArg] || t.readMemory(tid, args[c.lenArg], &v, 8) != 8) return 0;
      return int64_t(v);
    }
  }
  return 0;
}

static const size_t kStringCap = 1 << 20;  // a C string longer than this is cut, even "whole"

// Captures one buffer (data at addr, `full` bytes wanted) into a blob, bounded by `max`.
static void captureBuffer(Tracer& t, pid_t tid, RecordWriter& w, uint8_t arg, uint8_t flags,
                          uint8_t kind, uint32_t index, uint64_t addr, int64_t full,
                          int64_t max) {
  if (full < 0) full = 0;
  if (full > 0x7fffffff) full = 0x7fffffff;
  size_t want = size_t(full);
  if (max >= 0 && int64_t(want) > max) want = size_t(max);
  if (addr == 0 && full > 0) {
    w.blob(arg, flags | BLOB_FAULT, kind, index, EFAULT, nullptr, 0);
    return;
  }
  uint8_t* dst = w.blobReserve(arg, flags, kind, index, uint32_t(want));
  bool nul;
  ssize_t n = readBounded(t, tid, addr, dst, want, false, &nul);
  if (n < 0) {
    w.blobCommit(flags | BLOB_FAULT, uint32_t(-n), 0);
    return;
  }
  uint8_t f = flags;
  if (size_t(n) < size_t(full)) f |= BLOB_TRUNCATED;
  w.blobCommit(f, uint32_t(full), uint32_t(n));
}

static void captureString(Tracer& t, pid_t tid, RecordWriter& w, uint8_t arg, uint8_t flags,
                          uint32_t index, uint64_t addr, int64_t max,
                          uint8_t kind = uint8_t(CaptureKind::CString)) {
  size_t cap = max < 0 ? kStringCap : size_t(max);
  if (addr == 0) {
    w.blob(arg, flags | BLOB_FAULT, kind, index, EFAULT, nullptr, 0);
    return;
  }
  // read one byte more than the bound to know whether the string was cut
  uint8_t* dst = w.blobReserve(arg, flags, kind, index, uint32_t(cap + 1));
  bool nul;
  ssize_t n = readBounded(t, tid, addr, dst, cap + 1, true, &nul);
  if (n < 0) {
    w.blobCommit(flags | BLOB_FAULT, uint32_t(-n), 0);
    return;
  }
  if (!nul && size_t(n) > cap) {
    w.blobCommit(flags | BLOB_TRUNCATED, uint32_t(n), uint32_t(cap));
    return;
  }
  w.blobCommit(flags, uint32_t(n), uint32_t(n));
}

// The file offset descriptor `fd` of thread `tid` is at (`pos:` of /proc/TID/fdinfo/FD), or -1.
static int64_t filePosition(pid_t tid, int fd) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", int(tid), fd);
  int f = open(path, O_RDONLY | O_CLOEXEC);
  if (f < 0) return -1;
  char buf[256];
  ssize_t n = read(f, buf, sizeof buf - 1);
  close(f);
  if (n <= 0) return -1;
  buf[n] = '\0';
  long long pos = -1;
  if (strncmp(buf, "pos:", 4) != 0 || sscanf(buf + 4, "%lld", &pos) != 1) return -1;
  return int64_t(pos);
}

// A descriptor of ours for the open file behind descriptor `fd` of thread `tid` (process
// `pid`): a copy of it (pidfd_getfd, which a tracer may take), or, when that fails (no pidfd
// here, or the thread group leader is gone), the file opened again through /proc. -errno when
// neither works.
static int traceeFile(pid_t pid, pid_t tid, int fd) {
  int err = ENOSYS;
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
  int pidfd = int(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    int local = int(syscall(SYS_pidfd_getfd, pidfd, fd, 0));
    err = errno;
    close(pidfd);
    if (local >= 0) return local;
  }
#endif
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%d", int(tid), fd);
  int local = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  return local >= 0 ? local : -(errno ? errno : err);
}

// The bytes a call that moves data inside the kernel (copy_file_range, sendfile, splice) took
// from the regular file behind descriptor `fd`, read back from that file at the call's exit:
// `ret` bytes from where it started, which is the loff_t behind `offPtr` minus ret when the
// call had one (the kernel advanced it), else the file position minus ret. pread leaves the
// position alone. `max` bounds the bytes kept (-1: whole). A pipe's or a socket's bytes are
// gone once moved: nothing is captured for those (nor for any file that is not regular).
static void captureFdData(Tracer& t, pid_t tid, pid_t pid, RecordWriter& w, uint8_t arg, uint8_t flags,
                          int fd, uint64_t offPtr, int64_t ret, int64_t max) {
  if (ret <= 0) return;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%d", int(tid), fd);
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return;
  const uint8_t kind = uint8_t(CaptureKind::FdData);
  uint32_t full = uint32_t(std::min<int64_t>(ret, 0x7fffffff));
  int64_t start;
  if (offPtr) {
    int64_t v = 0;
    if (t.readMemory(tid, offPtr, &v, 8) != 8) {
      w.blob(arg, flags | BLOB_FAULT, kind, 0, EFAULT, nullptr, 0);
      return;
    }
    start = v - ret;
  } else {
    start = filePosition(tid, fd) - ret;
  }
  if (start < 0) {
    w.blob(arg, flags | BLOB_FAULT, kind, 0, EINVAL, nullptr, 0);
    return;
  }
  int local = traceeFile(pid, tid, fd);
  if (local < 0) {
    w.blob(arg, flags | BLOB_FAULT, kind, 0, uint32_t(-local), nullptr, 0);
    return;
  }
  size_t want = full;
  if (max >= 0 && int64_t(want) > max) want = size_t(max);
  uint8_t* dst = w.blobReserve(arg, flags, kind, 0, uint32_t(want));
  size_t got = 0;
  int err = 0;
  while (got < want) {
    ssize_t n = pread(local, dst + got, want - got, off_t(start + int64_t(got)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    got += size_t(n);
  }
  close(local);
  if (err && got == 0) {
    w.blobCommit(flags | BLOB_FAULT, uint32_t(err), 0);
    return;
  }
  // fewer bytes than moved: the file shrank since (or -s bounds them, --no-data)
  w.blobCommit(got < full ? flags | BLOB_TRUNCATED : flags, full, uint32_t(got));
}

// The memory a pointer field of the struct at `addr` points to (a Pointee row, see tracer.h; or
// `addr` itself; or, with `via`, of the struct a pointer in that one points to, `hops` times
// more): nothing when a struct cannot be read or the pointer is NULL (the struct's own capture
// says what there is),
// else a C string bounded by `max`, or the length field's count times `scale` bytes bounded by
// `max` (partial or fault-flagged as any buffer), or that many pointers and their strings.
static void capturePointee(Tracer& t, pid_t tid, RecordWriter& w, const CaptureSpec& c,
                           uint8_t flags, uint64_t addr, const uint64_t* lenArgs, uint64_t sp) {
  // at the stack pointer (the call's entry) plus an offset: what rt_sigreturn takes back
  if (c.ptrOff != kPointeeIsArg && (c.ptrOff & kPointeeAtSp)) addr = sp + (c.ptrOff & ~kPointeeAtSp);
  else if (c.via >= 0)
    for (uint32_t hop = 0; hop <= c.hops; hop++)
      if (addr == 0 || t.readMemory(tid, addr + uint64_t(c.via), &addr, 8) != 8) return;
  uint64_t p = addr;
  if (c.ptrOff != kPointeeIsArg && !(c.ptrOff & kPointeeAtSp) && (addr == 0 || t.readMemory(tid, addr + c.ptrOff, &p, 8) != 8)) return;
  if (p == 0) return;
  const uint8_t kind = uint8_t(CaptureKind::Pointee);
  if (c.fixedLen) {
    captureBuffer(t, tid, w, uint8_t(c.arg), flags, kind, c.index, p, c.lenOff, c.max);
    return;
  }
  if (c.lenSize == 0) {
    captureString(t, tid, w, uint8_t(c.arg), flags, c.index, p, c.max, kind);
    return;
  }
  uint64_t n = 0;  // little-endian: the field's bytes at the low end
  uint64_t lenStruct = c.lenBase < 0 ? addr : lenArgs[c.lenBase];
  if (lenStruct == 0 || t.readMemory(tid, lenStruct + c.lenOff, &n, c.lenSize) != ssize_t(c.lenSize)) return;
  if (c.strings) {
    // the pointers, then the strings of the first 1024 (a NULL one has none)
    const uint64_t count = std::min<uint64_t>(n, 1024);
    captureBuffer(t, tid, w, uint8_t(c.arg), flags, kind, c.index, p, int64_t(count) * 8, -1);
    for (uint64_t j = 0; j < count; j++) {
      uint64_t s = 0;
      if (t.readMemory(tid, p + 8 * j, &s, 8) != 8) break;
      if (s) captureString(t, tid, w, uint8_t(c.arg), flags, c.index + 1 + uint32_t(j), s, c.max, kind);
    }
    return;
  }
  int64_t full = n > uint64_t(0x7fffffff) / uint64_t(c.scale) ? 0x7fffffff : int64_t(n) * c.scale;
  captureBuffer(t, tid, w, uint8_t(c.arg), flags, kind, c.index, p, full, c.max);
}

// The control data of a msghdr kept at most: strace reads up to net.core.optmem_max of it (128
// KiB by default on recent kernels; the decoder bounds it by the value where it runs).
static const int64_t kControlCap = 256 << 10;

// One struct msghdr at `addr` (an element `elemSize` bytes long, the msghdr its first 56) and
// what it points to but its iovecs' buffers, as blobs `base | part`: part 0 the element, 1 the
// name (128 bytes at most), 2 the control data (kControlCap). False when the element could not
// be read (a fault blob); else its iovec array and count in `iov`, `iovlen`.
static bool captureMsghdrHead(Tracer& t, pid_t tid, RecordWriter& w, uint8_t arg, uint8_t flags, uint8_t kind,
                              uint32_t base, uint64_t addr, size_t elemSize, uint64_t& iov, uint64_t& iovlen) {
  uint8_t el[256];
  elemSize = std::min<size_t>(std::max<size_t>(elemSize, 56), sizeof el);
  if (addr == 0 || t.readMemory(tid, addr, el, elemSize) != ssize_t(elemSize)) {
    w.blob(arg, flags | BLOB_FAULT, kind, base, EFAULT, nullptr, 0);
    return false;
  }
  w.blob(arg, flags, kind, base, uint32_t(elemSize), el, uint32_t(elemSize));
  uint64_t name, control, controllen;
  uint32_t namelen;
  memcpy(&name, el + 0, 8);
  memcpy(&namelen, el + 8, 4);
  memcpy(&iov, el + 16, 8);
  memcpy(&iovlen, el + 24, 8);
  memcpy(&control, el + 32, 8);
  memcpy(&controllen, el + 40, 8);
  if (name && namelen) captureBuffer(t, tid, w, arg, flags, kind, base | 1, name, namelen, 128);
  if (control && controllen) captureBuffer(t, tid, w, arg, flags, kind, base | 2, control, int64_t(std::min<uint64_t>(controllen, 0x7fffffff)), kControlCap);
  return true;
}

// One element of an mmsghdr vector: its msghdr (captureMsghdrHead), then as blob base | 3 + i
// iovec i's buffer: `remaining` bytes of data at most across them, each keeping `budget` bytes
// at most (-1: all). False when the element could not be read.
static bool captureMsghdrParts(Tracer& t, pid_t tid, RecordWriter& w, uint8_t arg, uint8_t flags, uint8_t kind,
                               uint32_t base, uint64_t addr, size_t elemSize, int64_t remaining, int64_t budget) {
  uint64_t iov, iovlen;
  if (!captureMsghdrHead(t, tid, w, arg, flags, kind, base, addr, elemSize, iov, iovlen)) return false;
  const uint64_t count = std::min<uint64_t>(iovlen, 1024);
  for (uint64_t i = 0; i < count; i++) {
    uint64_t v[2];
    if (t.readMemory(tid, iov + 16 * i, v, 16) != 16) {
      w.blob(arg, flags | BLOB_FAULT, kind, base | uint32_t(3 + i), EFAULT, nullptr, 0);
      break;
    }
    int64_t len = std::min<int64_t>(int64_t(std::min<uint64_t>(v[1], INT64_MAX)), std::max<int64_t>(remaining, 0));
    captureBuffer(t, tid, w, arg, flags, kind, base | uint32_t(3 + i), v[0], len, budget);
    remaining -= len;
  }
  if (iovlen > count) w.blob(arg, flags | BLOB_MORE, kind, base | uint32_t(3 + count), 0, nullptr, 0);
  return true;
}

// The names /proc gives the descriptors a call made (an FdLink row, see tracer.h).
static void captureFdLinks(Tracer& t, pid_t tid, RecordWriter& w, const CaptureSpec& c, uint8_t flags, const uint64_t* args, int64_t ret) {
  int fds[2];
  int n = 0;
  if (c.lenFrom == LengthFrom::Ret) {
    if (ret < 0) return;
    fds[n++] = int(ret);
  } else {
    n = int(std::min<int64_t>(c.scale, 2));
    if (!args[c.lenArg] || t.readMemory(tid, args[c.lenArg], fds, size_t(4 * n)) != 4 * n) return;
  }
  for (int j = 0; j < n && c.arg + j <= 5; j++) {
    char path[64], link[256];
    snprintf(path, sizeof path, "/proc/%d/fd/%d", int(tid), fds[j]);
    ssize_t len = readlink(path, link, sizeof link);
    if (len > 0) w.blob(uint8_t(c.arg + j), flags, uint8_t(CaptureKind::FdLink), 0, uint32_t(len), link, uint32_t(len));
  }
}

// Whether the plan's guards of `c` hold for this call (see CaptureSpec::when).
static bool guardsHold(Tracer& t, pid_t tid, const CaptureSpec& c, const uint64_t* args) {
  for (const auto& g : c.when) {
    uint32_t v = uint32_t(args[g.arg]);
    if (g.off >= 0 && (args[g.arg] == 0 || t.readMemory(tid, args[g.arg] + uint64_t(g.off), &v, 4) != 4)) return false;
    if (g.atLeast ? v < g.value : v != g.value) return false;
  }
  return true;
}

void Tracer::capture(pid_t tid, ThreadState& st, RecordWriter& w, const CaptureSpec& c,
                     int64_t ret, bool atExit) {
  if (!c.when.empty() && !guardsHold(*this, tid, c, st.args)) return;  // another selector's row
  uint8_t flags = atExit ? BLOB_EXIT : 0;
  uint8_t arg = uint8_t(c.arg);
  uint64_t addr = st.args[c.arg];
  switch (c.kind) {
    case CaptureKind::Pointee:
      capturePointee(*this, tid, w, c, flags, addr, st.args, st.sp);
      break;
    case CaptureKind::When:  // the plan's guards are in c.when
      break;
    case CaptureKind::MsgHdrVec: {
      // (sendmmsg, recvmmsg) element j at addr + j * scale, its parts j << 16 | part
      if (addr == 0) break;
      // how many: the unsigned int argument (vlen); with Ret, at exit the return value (those received)
      const int64_t n = c.lenFrom == LengthFrom::Ret && atExit ? std::max<int64_t>(ret, 0) : int64_t(uint32_t(st.args[c.lenArg]));
      const int64_t count = std::min<int64_t>(n, 1024);
      const size_t elemSize = size_t(std::max<int64_t>(c.scale, 56));
      for (int64_t j = 0; j < count; j++) {
        uint64_t el = addr + uint64_t(j) * elemSize;
        int64_t remaining = INT64_MAX;
        uint32_t limit = 0;
        if (atExit && c.lenOff > 0 && readMemory(tid, el + c.lenOff - 1, &limit, 4) == 4) remaining = limit;
        if (!captureMsghdrParts(*this, tid, w, arg, flags, uint8_t(c.kind), uint32_t(j) << 16, el, elemSize, remaining, c.max)) break;
      }
      if (n > count) w.blob(arg, flags | BLOB_MORE, uint8_t(c.kind), uint32_t(count) << 16, 0, nullptr, 0);
      break;
    }
    case CaptureKind::FdLink:
      // (no descriptor was made when replay answered the call)
      if (atExit && !st.skipped) captureFdLinks(*this, tid, w, c, flags, st.args, ret);
      break;
    case CaptureKind::FdData:
      // nothing moved when the call was skipped (replay answered it)
      if (atExit && !st.skipped)
        captureFdData(*this, tid, st.pid ? st.pid : tid, w, arg, flags, int(int32_t(addr)), st.args[c.lenArg], ret, c.max);
      break;
    case CaptureKind::CString:
      captureString(*this, tid, w, arg, flags, 0, addr, c.max);
      break;
    case CaptureKind::Buffer:
      captureBuffer(*this, tid, w, arg, flags, uint8_t(c.kind), 0, addr,
                    lengthOf(*this, tid, c, st.args, ret), c.lenFrom == LengthFrom::Fixed ? -1 : c.max);
      break;
    case CaptureKind::StringArray: {
      // NULL-terminated array of char*: one blob per element; `max` bounds each string,
      // and at most 4096 elements are read (BLOB_MORE marks the cut).
      if (addr == 0) break;
      uint32_t i = 0;
      for (; i < 4096; i++) {
        uint64_t p = 0;
        if (readMemory(tid, addr + 8 * i, &p, 8) != 8) {
          w.blob(arg, flags | BLOB_FAULT, uint8_t(c.kind), i, EFAULT, nullptr, 0);
          return;
        }
        if (p == 0) return;
        captureString(*this, tid, w, arg, flags, i, p, c.max, uint8_t(c.kind));  // element i of argv
      }
      w.blob(arg, flags | BLOB_MORE, uint8_t(c.kind), i, 0, nullptr, 0);
      break;
    }
    case CaptureKind::IoVec:
    case CaptureKind::MsgHdr: {
      // iovec array (readv/writev...) or the iovecs inside a msghdr (recvmsg/sendmsg).
      // Element i is blob index i (MsgHdr: index 0 = msghdr, 1 = name, 2 = control, 3+ = iov).
      uint64_t iovAddr = addr;
      int64_t count = int64_t(st.args[c.lenArg]);
      uint32_t base = 0;
      if (c.kind == CaptureKind::MsgHdr) {
        uint64_t iov, iovlen;
        if (!captureMsghdrHead(*this, tid, w, arg, flags, uint8_t(c.kind), 0, addr, 56, iov, iovlen)) return;
        iovAddr = iov;
        count = int64_t(iovlen);
        base = 3;
      }
      if (count < 0) count = 0;
      bool more = count > 1024;
      if (more) count = 1024;
      // total bytes transferred: the return value at exit, else the sum of lengths
      int64_t remaining = atExit ? ret : INT64_MAX;
      int64_t budget = c.max;  // display bound across all elements
      for (int64_t i = 0; i < count; i++) {
        uint64_t v[2];
        if (readMemory(tid, iovAddr + 16 * i, v, 16) != 16) {
          w.blob(arg, flags | BLOB_FAULT, uint8_t(c.kind), base + uint32_t(i), EFAULT, nullptr, 0);
          return;
        }
        int64_t len = std::min<int64_t>(int64_t(v[1]), std::max<int64_t>(remaining, 0));
        int64_t keep = budget < 0 ? -1 : std::max<int64_t>(budget, 0);
        captureBuffer(*this, tid, w, arg, flags, uint8_t(c.kind), base + uint32_t(i), v[0], len, keep);
        if (remaining != INT64_MAX) remaining -= len;
        if (budget >= 0) budget -= std::min(len, budget);
      }
      if (more) w.blob(arg, flags | BLOB_MORE, uint8_t(c.kind), base + uint32_t(count), 0, nullptr, 0);
      break;
    }
  }
}

// The plan's captures of st's call for one side, entry or exit (those of a failed call only
// where the plan says so).
void Tracer::captureSide(pid_t tid, ThreadState& st, RecordWriter& w, bool atExit, int64_t ret, bool isError) {
  if (st.nr >= opts_.plan.size()) return;
  for (const auto& c : opts_.plan[st.nr])
    if (c.atExit == atExit && (!atExit || !isError || c.onError)) capture(tid, st, w, c, ret, atExit);
}

// ---- syscall stops -------------------------------------------------------------------------

void Tracer::onSyscallEntry(pid_t tid, ThreadState& st, const void* infoPtr, bool seccomp) {
  auto* info = static_cast<const struct ptrace_syscall_info*>(infoPtr);
  if (st.inSyscall) emitUnfinished(tid, st, now());  // lost its exit (should not happen)
  st.inSyscall = true;
  st.seccompEntry = seccomp;
  st.skipped = false;
  st.injected = false;
  st.again = false;
  st.compat = info->arch != AUDIT_ARCH_X86_64;
  st.nr = seccomp ? info->seccomp.nr : info->entry.nr;
  memcpy(st.args, seccomp ? info->seccomp.args : info->entry.args, sizeof st.args);
  st.sp = info->stack_pointer;
  st.entryTs = now();
  st.entryBlobs.clear();
  st.entryBlobCount = 0;
  if (!st.started) return;
  st.riftsOwn = sbOn_ && !st.compat && loadsLibrary(tid, st);
  if (st.riftsOwn && !opts_.riftCalls) return;  // not recorded: no captures, no interceptor
  if (!st.compat && st.nr < opts_.plan.size()) {
    RecordWriter w(st.entryBlobs);
    // entry captures go to a scratch record; their blobs are copied out on completion
    w.begin(0, 0, 0, 0);
    captureSide(tid, st, w, false, 0);
    w.end();
    uint16_t nb;
    memcpy(&nb, st.entryBlobs.data() + 6, 2);
    st.entryBlobCount = nb;
  }
  if (interceptor_ && !st.riftsOwn) {
    SyscallView v{tid, st.pid, st.nr, {}, 0};
    memcpy(v.args, st.args, sizeof v.args);
    EntryDecision d = interceptor_->onEntry(*this, v);
    if (d.defer) {
      st.parked = 1;  // serviceParked applies the decision when it comes
      parked_.insert(tid);
      return;
    }
    applyEntry(tid, st, d);
  }
}

void Tracer::applyEntry(pid_t tid, ThreadState& st, const EntryDecision& d) {
  st.again = d.again;
  if (d.stepSigs) {
    st.stepTo = d.stepTo;
    st.stepSigs = d.stepSigs;
  }
  {
    if (d.setArgs || d.skip || d.setNr >= 0) {
      struct user_regs_struct regs;
      if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) == 0) {
        if (d.setArgs) {
          regs.rdi = d.args[0]; regs.rsi = d.args[1]; regs.rdx = d.args[2];
          regs.r10 = d.args[3]; regs.r8 = d.args[4]; regs.r9 = d.args[5];
        }
        if (d.setNr >= 0 && !d.skip) regs.orig_rax = uint64_t(d.setNr);
        if (d.skip) regs.orig_rax = uint64_t(-1);  // the kernel skips nr -1 with -ENOSYS
        // A skipped call's rax is left as the entry stop set it: setting the result now (and
        // again at exit) keeps it right even when the trace detaches before the exit stop.
        if (d.skip && d.setRet) regs.rax = uint64_t(d.ret);
        xptrace(PTRACE_SETREGS, tid, nullptr, &regs);
        st.skipped = d.skip;
        st.injected = d.setArgs || d.setNr >= 0;
        // Under the prefilter nothing else needs this call's exit stop: complete it now and
        // resume with PTRACE_CONT (one stop instead of two; handleStop does it).
        if (st.seccompEntry && d.skip && d.setRet && !d.exitWork) {
          st.doneAtEntry = true;
          st.skipRet = d.ret;
        }
      }
    }
  }
  if (d.noExitStop && !d.skip && runsOn(st)) st.runsOn = true;
}

// Whether a call the interceptor lets run with nothing to do at its exit can go on without an
// exit stop: stopped at its seccomp stop, nothing captured (no stream is written: rift-replay
// without -o), no bookkeeping of the tracer's own at its exit (a new image, a new process or
// thread, the syscall buffer library's descriptor, an affinity to hide), no step to take.
// Its event then has no result (unfinished). A replayed write so costs one stop, not two.
bool Tracer::runsOn(const ThreadState& st) const {
  if (!st.seccompEntry || st.compat || st.stepTo || !opts_.plan.empty()) return false;
  switch (st.nr) {
    case SYS_execve:
    case SYS_execveat:
    case SYS_clone:
    case SYS_clone3:
    case SYS_fork:
    case SYS_vfork:
    case SYS_exit:
    case SYS_exit_group:
    case SYS_rt_sigreturn:
      return false;
    case SYS_open:
    case SYS_openat:
      if (sbOn_) return false;  // may open a descriptor the library had (onSyscallExit)
      break;
    case SYS_sched_getaffinity:
      if (!opts_.visibleCpus.empty()) return false;  // hidePin
      break;
    default:
      break;
  }
  return true;
}

// A syscall's return register as the kernel reports errors: -4095..-1 is -errno.
static bool isErrorReturn(int64_t ret) { return ret < 0 && ret >= -4095; }

// Puts a result in the return register of a thread stopped at a syscall exit; false when its
// registers cannot be read (the thread is gone).
static bool setReturnRegister(pid_t tid, int64_t ret) {
  struct user_regs_struct regs;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.rax = uint64_t(ret);
  xptrace(PTRACE_SETREGS, tid, nullptr, &regs);
  return true;
}

void Tracer::onSyscallExit(pid_t tid, ThreadState& st, int64_t rval, bool isError, bool retInPlace) {
  int64_t ts = now();
  bool resumed = false;
  if (!st.inSyscall) {
    // exit without entry: attached while the thread was inside a syscall
    struct user_regs_struct regs;
    if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return;
    st.nr = regs.orig_rax;
    uint64_t a[6] = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
    memcpy(st.args, a, sizeof a);
    st.entryTs = ts;
    st.entryBlobs.clear();
    st.entryBlobCount = 0;
    st.compat = false;
    resumed = true;
  }
  st.inSyscall = false;
  if (!st.started || st.quiet) return releaseNewborns(st);
  bool riftsOwn = st.riftsOwn && !resumed;
  st.riftsOwn = false;
  if (riftsOwn) {
    loadedLibrary(st, rval, isError);
    if (!opts_.riftCalls) return releaseNewborns(st);
  } else if (sbOn_ && !isError && (st.nr == SYS_openat || st.nr == SYS_open)) {
    // Under a prefilter the loader's close of the library may not stop: a descriptor the
    // program opens with the library's number means the library's is closed
    auto it = libraryLoads_.find(st.pid);
    if (it != libraryLoads_.end() && it->second.fd == int(rval)) it->second.fd = -1;
  }
  ExitDecision d;
  bool asked = interceptor_ && !riftsOwn;
  if (asked) {
    SyscallView v{tid, st.pid, st.nr, {}, rval};
    memcpy(v.args, st.args, sizeof v.args);
    d = interceptor_->onExit(*this, v, st.skipped);
    if (d.defer) {
      st.parked = 2;  // serviceParked finishes the call when the decision comes
      st.parkedExit = {rval, ts, isError, retInPlace, resumed, riftsOwn};
      parked_.insert(tid);
      return;
    }
  }
  finishExit(tid, st, asked ? &d : nullptr, rval, isError, retInPlace, resumed, ts, riftsOwn);
}

void Tracer::finishExit(pid_t tid, ThreadState& st, const ExitDecision* dp, int64_t rval, bool isError, bool retInPlace,
                        bool resumed, int64_t ts, bool riftsOwn) {
  if (dp) {
    const ExitDecision& d = *dp;
    for (auto& wr : d.writes) writeMemory(tid, wr.first, wr.second.data(), wr.second.size());
    // a call completed at its seccomp stop has its result in rax already (onSyscallEntry)
    if (d.setRet && (retInPlace || setReturnRegister(tid, d.ret))) {
      rval = d.ret;
      isError = isErrorReturn(d.ret);
    }
    if (d.setRet || !d.writes.empty() || d.signal) st.injected = true;
    if (d.again) st.again = true;
    st.pendingSignal = d.signal;
    if (d.stepSigs) {
      st.stepTo = d.stepTo;
      st.stepSigs = d.stepSigs;
    }
  }
  // a call an interceptor answered (a replay's recorded result, the sandbox's CPUs) is its own
  if (!isError && !opts_.visibleCpus.empty() && !(dp && (dp->setRet || !dp->writes.empty()))) hidePin(tid, st, rval);
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_SYSCALL, tid, st.pid, st.entryTs);
    w.set(0, int64_t(st.nr));
    for (int i = 0; i < 6; i++) w.set(1 + i, int64_t(st.args[i]));
    w.set(7, rval);
    w.set(8, resumed ? -1 : ts - st.entryTs);
    int64_t flags = (resumed ? SC_RESUMED : 0) | (st.seccompEntry ? SC_SECCOMP : 0) |
                    (st.injected ? SC_INJECTED : 0) | (st.compat ? SC_COMPAT : 0) |
                    (st.skipped ? SC_SKIPPED : 0) | (riftsOwn ? SC_RIFT : 0) | (st.again ? SC_AGAIN : 0);
    w.set(9, flags);
    w.appendBlobs(st.entryBlobs, st.entryBlobCount);
    if (!st.compat) captureSide(tid, st, w, true, rval, isError);
    w.end();
  }
  maybeFlush(false);
  releaseNewborns(st);
}

// Whether the call starting now is the loader's work for the syscall buffer's library in a
// new image (LibraryLoad): the open of the library's path, then calls on that descriptor until
// its close, and maps and protections inside the range the library was mapped at. Decided at
// entry, so that an interceptor (a replay) never sees the call either.
bool Tracer::loadsLibrary(pid_t tid, ThreadState& st) { return loadsLibrary(tid, st.pid, st.nr, st.args, nullptr); }

// The same for a call of process `pid`, at its entry or (`rec`, a buffered record: the loader's
// early hook recorded it) when its record is taken from the buffer, whose path blob is read
// instead of the memory it was in.
bool Tracer::loadsLibrary(pid_t tid, pid_t pid, uint64_t nr, const uint64_t* a, const uint8_t* rec) {
  auto it = libraryLoads_.find(pid);
  if (it == libraryLoads_.end()) return false;
  LibraryLoad& l = it->second;
  auto inRange = [&](uint64_t addr) { return l.hi && addr >= l.lo && addr < l.hi; };
  switch (nr) {
    case SYS_open:
    case SYS_openat: {
      if (!l.expected) return false;
      uint8_t pathArg = nr == SYS_openat ? 1 : 0;
      uint64_t pathAddr = a[pathArg];
      if (rec) {
        uint16_t nblobs;
        memcpy(&nblobs, rec + 6, 2);
        size_t at = kRecordHeader;
        for (uint16_t i = 0; i < nblobs; i++) {  // checked by validBufferedRecord
          uint32_t len;
          memcpy(&len, rec + at + 12, 4);
          if (rec[at] == pathArg && rec[at + 2] == uint8_t(CaptureKind::CString) && !(rec[at + 1] & BLOB_EXIT))
            return len == opts_.sbLibrary.size() && memcmp(rec + at + kBlobHeader, opts_.sbLibrary.data(), len) == 0;
          at += kBlobHeader + len;
        }
      }
      std::string path(opts_.sbLibrary.size() + 1, '\0');
      if (readMemory(tid, pathAddr, &path[0], path.size()) != ssize_t(path.size())) return false;
      return path.compare(0, opts_.sbLibrary.size(), opts_.sbLibrary) == 0 && path.back() == '\0';
    }
    case SYS_read:
    case SYS_pread64:
    case SYS_fstat:
    case SYS_newfstatat:
    case SYS_close:
      return l.fd >= 0 && int(a[0]) == l.fd;
    case SYS_mmap:
      if (l.fd >= 0 && !(a[3] & MAP_ANONYMOUS) && int(a[4]) == l.fd) return true;
      return (a[3] & MAP_FIXED) && inRange(a[0]);  // its .bss
    case SYS_mprotect:
    case SYS_munmap:
      return inRange(a[0]);  // the gaps between segments, RELRO after relocation
    default:
      return false;
  }
}

// The loader's call for the library (loadsLibrary) completed: what it tells about the load.
void Tracer::loadedLibrary(ThreadState& st, int64_t rval, bool isError) { loadedLibrary(st.pid, st.nr, st.args, rval, isError); }

void Tracer::loadedLibrary(pid_t pid, uint64_t nr, const uint64_t* args, int64_t rval, bool isError) {
  auto it = libraryLoads_.find(pid);
  if (it == libraryLoads_.end()) return;
  LibraryLoad& l = it->second;
  switch (nr) {
    case SYS_open:
    case SYS_openat:
      l.expected = false;
      if (!isError) l.fd = int(rval);
      break;
    case SYS_close:
      l.fd = -1;
      break;
    case SYS_mmap:
      if (!l.hi && !isError && int(args[4]) == l.fd) {  // the first: the whole library's room
        l.lo = uint64_t(rval);
        l.hi = l.lo + args[1];
      }
      break;
    default:
      break;
  }
}

void Tracer::emitUnfinished(pid_t tid, ThreadState& st, int64_t ts) {
  (void)ts;
  st.inSyscall = false;
  if (!st.started || st.quiet) return;
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_SYSCALL, tid, st.pid, st.entryTs);
    w.set(0, int64_t(st.nr));
    for (int i = 0; i < 6; i++) w.set(1 + i, int64_t(st.args[i]));
    w.set(7, 0);
    w.set(8, -1);
    w.set(9, SC_UNFINISHED | (st.seccompEntry ? SC_SECCOMP : 0) | (st.compat ? SC_COMPAT : 0));
    w.appendBlobs(st.entryBlobs, st.entryBlobCount);
    w.end();
  }
  maybeFlush(false);
}

// ---- life-cycle records --------------------------------------------------------------------

void Tracer::emitSpawn(pid_t parent, ThreadState& st, pid_t child, int kind) {
  ThreadState& cs = state(child);
  cs.started = st.started;
  if (kind == 2 || kind == 3) kind = (cs.pid == st.pid) ? 2 : 3;  // thread or process
  if (!st.started) return;
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_SPAWN, parent, st.pid, now());
    w.set(0, child);
    w.set(1, cs.pid);
    w.set(2, kind);
    w.end();
  }
  maybeFlush(false);
}

static std::string readFile(const char* path, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  char buf[4096];
  ssize_t n;
  while (out.size() < cap && (n = read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  close(fd);
  return out;
}

void Tracer::emitExec(pid_t tid, pid_t oldTid) {
  ThreadState& st = state(tid);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/exe", tid);
  char exe[4096];
  ssize_t n = readlink(path, exe, sizeof exe);
  if (n < 0) n = 0;
  snprintf(path, sizeof path, "/proc/%d/cmdline", tid);
  std::string cmdline = readFile(path, 1 << 20);
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_EXEC, tid, st.pid, now());
    w.set(0, oldTid);
    w.blob(0, 0, 0, 0, uint32_t(n), exe, uint32_t(n));
    size_t i = 0, at = 0;
    while (at < cmdline.size()) {
      size_t z = cmdline.find('\0', at);
      if (z == std::string::npos) z = cmdline.size();
      w.blob(1, 0, 0, uint32_t(i++), uint32_t(z - at), cmdline.data() + at, uint32_t(z - at));
      at = z + 1;
    }
    w.end();
  }
  maybeFlush(false);
}

// The mapping of a process's memory that holds `ip`, from /proc/PID/maps: false when none does.
struct MappingAt {
  uint64_t lo = 0, hi = 0, offset = 0;  // offset: of lo in the mapped file
  std::string name;                     // the file's path, or [vdso], [heap]..., or empty
};
static bool mappingAt(pid_t pid, uint64_t ip, MappingAt& m) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", int(pid));
  FILE* f = fopen(path, "re");
  if (!f) return false;
  char line[4352];
  bool found = false;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi, off;
    int at = 0;
    if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n", &lo, &hi, &off, &at) != 3 || ip < lo || ip >= hi) continue;
    m.lo = lo;
    m.hi = hi;
    m.offset = off;
    m.name = at > 0 ? std::string(line + at) : std::string();
    while (!m.name.empty() && (m.name.back() == '\n' || m.name.back() == ' ')) m.name.pop_back();
    found = true;
    break;
  }
  fclose(f);
  return found;
}

void Tracer::emitSignal(pid_t tid, ThreadState& st, int sig, bool groupStop, int64_t inCall) {
  if (!st.started) return;
  siginfo_t si;
  memset(&si, 0, sizeof si);
  bool haveInfo = !groupStop && xptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) == 0;
  // In the program's own code: the instruction it interrupted, and where that is in the file
  // mapped there (replay runs the thread to the same instruction of its own mapping of the file)
  uint64_t ip = 0;
  std::string code;  // blob 1: the offset in the file (8 bytes), then its path
  user_regs_struct regs;
  if (!groupStop && !inCall && xptrace(PTRACE_GETREGS, tid, nullptr, &regs) == 0) {
    ip = regs.rip;
    MappingAt m;
    if (mappingAt(st.pid, ip, m) && m.name.size() > 1 && m.name[0] == '/') {
      uint64_t off = ip - m.lo + m.offset;
      code.assign(reinterpret_cast<const char*>(&off), 8);
      code += m.name;
    }
  }
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_SIGNAL, tid, st.pid, now());
    w.set(0, sig);
    w.set(7, groupStop ? 1 : 0);
    w.set(8, inCall);
    w.set(9, int64_t(ip));
    if (haveInfo) {
      w.set(1, si.si_code);
      w.set(2, si.si_pid);
      w.set(3, si.si_uid);
      w.set(4, si.si_status);
      w.set(5, int64_t(reinterpret_cast<uintptr_t>(si.si_addr)));
      w.set(6, si.si_errno);
      w.blob(0, 0, 0, 0, sizeof si, &si, sizeof si);
    }
    if (!code.empty()) w.blob(1, 0, 0, 0, uint32_t(code.size()), code.data(), uint32_t(code.size()));
    w.end();
  }
  maybeFlush(false);
}

// Whether code at `ip` is the syscall buffer's while the stage word says a wrapper runs: its
// gadget pages, the library's text, or the C library and vDSO it calls (clock_gettime for the
// timestamps, memcpy for a buffer's bytes, pthread_getspecific for the thread's buffer). A
// signal handler's own code, between calls, is none of these; one that runs inside a wrapper
// (a signal that came there) and is in libc when a second signal comes has that second signal
// taken for the wrapper's, a rarer mistake than leaving every signal that came in the wrapper's
// libc calls to the rule, which placed about one in twenty of test 48's SIGCHLDs a read late.
static bool syscallBufferCode(pid_t pid, uint64_t ip) {
  if (ip >= RIFT_SB_GADGET_PAGE && ip < RIFT_SB_GADGET_PAGE + 8192) return true;
  MappingAt m;
  if (!mappingAt(pid, ip, m)) return false;
  if (m.name.find("rift_syscallbuf") != std::string::npos || m.name == "[vdso]") return true;
  size_t slash = m.name.rfind('/');
  std::string base = slash == std::string::npos ? m.name : m.name.substr(slash + 1);
  return base.rfind("libc.so", 0) == 0 || base.rfind("libc-", 0) == 0;
}

// Where in a buffered call a signal came, from the library's stage word (syscallbuf_abi.h),
// for the signal event (v[8]): 0 when it came in the program's own code (or the thread has no
// buffer); else (nr << 4) | (late << 3) | at. at 1: in the wrapper of call nr, before the call
// was made; 2: after it returned, before the wrapper returned to the program; 3: while it was
// in the kernel (-ERESTART*: it is made again after the handler or fails with EINTR, and its
// record holds that end). late: its record is written once the handler has returned, so the
// stream has it after the signal. Signals are rare: /proc/PID/maps is read only for a thread in
// a wrapper, to tell its code from a handler's that runs inside it.
int64_t Tracer::signalInCall(pid_t tid, ThreadState& st) {
  if (!st.sbAddr) return 0;
  rift_sb_header h;
  if (readMemory(tid, st.sbAddr, &h, sizeof h) != ssize_t(sizeof h) || h.magic != RIFT_SB_HEADER_MAGIC) return 0;
  uint32_t phase = h.stage & 3, nr = h.stage >> 2;
  if (phase == RIFT_SB_STAGE_OUT || nr >= 1024) return 0;
  user_regs_struct regs;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0 || !syscallBufferCode(st.pid, regs.rip)) return 0;
  int64_t at = 2, late = 1;
  if (phase == RIFT_SB_STAGE_ENTERED) {
    // at the untraced gadget's return: the call ended at this stop (the wrapper has not marked
    // it made yet), or was interrupted
    if (regs.rip == RIFT_SB_GADGET_PAGE + RIFT_SB_UNTRACED_OFFSET + 2) {
      int64_t r = int64_t(regs.rax);
      if (r == -512 || r == -513 || r == -514 || r == -516) at = 3;  // ERESTARTSYS..ERESTART_RESTARTBLOCK
    } else {
      at = 1;
      late = 0;
    }
  } else if (phase == RIFT_SB_STAGE_RECORDED) {
    late = h.head > h.tail;  // its record still unfinished in the buffer (the drain stopped at it)
  }
  return int64_t(nr) << 4 | late << 3 | at;
}

// The address range of a process's vDSO ([vdso] in its maps), 0..0 when it has none.
static std::pair<uint64_t, uint64_t> vdsoOf(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", int(pid));
  FILE* f = fopen(path, "re");
  std::pair<uint64_t, uint64_t> out{0, 0};
  if (!f) return out;
  char line[512];
  while (fgets(line, sizeof line, f)) {
    if (!strstr(line, "[vdso]")) continue;
    unsigned long lo, hi;
    if (sscanf(line, "%lx-%lx", &lo, &hi) == 2) out = {lo, hi};
    break;
  }
  fclose(f);
  return out;
}

// A SIGSEGV stop under trapTsc: when the thread faulted on rdtsc (0f 31) or rdtscp (0f 01 f9)
// -- the kernel sends SIGSEGV with SI_KERNEL for it, as for any general protection fault --
// it gets the counter in edx:eax (and TSC_AUX in ecx for rdtscp), its instruction pointer
// moves past the instruction and the signal is dropped. The value is the interceptor's (a
// replay gives the recorded one) or the real counter, and is recorded (REC_TSC). The vDSO's
// own reads (clock_gettime's) get the real counter and no record: they are the time the
// program reads, recorded as such. Anything else is the program's SIGSEGV: false.
bool Tracer::emulateTsc(pid_t tid, ThreadState& st) {
  siginfo_t si;
  if (xptrace(PTRACE_GETSIGINFO, tid, nullptr, &si) != 0 || si.si_code != SI_KERNEL) return false;
  struct user_regs_struct regs;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  uint8_t insn[3] = {0, 0, 0};
  ssize_t n = readMemory(tid, regs.rip, insn, sizeof insn);
  bool rdtscp;
  if (n >= 2 && insn[0] == 0x0f && insn[1] == 0x31) rdtscp = false;
  else if (n == 3 && insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xf9) rdtscp = true;
  else return false;
  auto v = vdsoRange_.find(st.pid);
  if (v == vdsoRange_.end()) v = vdsoRange_.emplace(st.pid, vdsoOf(st.pid)).first;
  bool inVdso = regs.rip >= v->second.first && regs.rip < v->second.second;
  unsigned int aux = 0;
  uint64_t tsc = rdtscp ? __rdtscp(&aux) : __rdtsc();
  uint32_t aux32 = aux;
  if (!inVdso && interceptor_) interceptor_->onTsc(*this, tid, st.pid, rdtscp, tsc, aux32);
  regs.rax = tsc & 0xffffffffu;
  regs.rdx = tsc >> 32;
  if (rdtscp) regs.rcx = aux32;
  regs.rip += rdtscp ? 3 : 2;
  if (xptrace(PTRACE_SETREGS, tid, nullptr, &regs) != 0) return false;
  if (inVdso || !st.started) return true;
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_TSC, tid, st.pid, now());
    w.set(0, int64_t(tsc));
    w.set(1, rdtscp ? 1 : 0);
    w.set(2, aux32);
    w.end();
  }
  maybeFlush(false);
  return true;
}

void Tracer::emitExit(pid_t tid, ThreadState& st, int status) {
  if (st.inSyscall) emitUnfinished(tid, st, now());
  if (!st.started) return;
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_EXIT, tid, st.pid, now());
    w.set(0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    w.set(1, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    w.set(2, WIFSIGNALED(status) && WCOREDUMP(status) ? 1 : 0);
    w.end();
  }
  maybeFlush(false);
}

void Tracer::emitEnd(int reason, int status) {
  std::unique_lock<std::mutex> lk(mu_);
  RecordWriter w(batch_);
  w.begin(REC_END, 0, 0, now());
  w.set(0, reason);
  w.set(1, status);
  w.end();
  batchCount_++;
  flushLocked(lk);
}

// ---- launch and attach ---------------------------------------------------------------------

static const long kOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
                             PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
static const long kFollowOptions = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;

// Syscalls the tracer stops at for the library even when a -e filter does not want them: every
// execve (the new image gets the library again); with the library recording, its magic
// syscall, the calls before which a buffer must be drained: a process's end (what its buffers
// hold would be lost) and a fork (the child would get a copy of what is not drained), and the
// calls that install a seccomp filter of the program's own (the library must step aside).
static std::vector<uint32_t> bufferStops(bool recording) {
  std::vector<uint32_t> nrs = {SYS_execve, SYS_execveat};
  if (recording)
    for (uint32_t nr : {uint32_t(RIFT_SB_MAGIC_NR), uint32_t(SYS_exit), uint32_t(SYS_exit_group), uint32_t(SYS_clone),
                        uint32_t(SYS_clone3), uint32_t(SYS_fork), uint32_t(SYS_vfork), uint32_t(SYS_seccomp),
                        uint32_t(SYS_prctl)})
      nrs.push_back(nr);
  return nrs;
}

// Appends a test of the accumulator (a syscall number) against `set`: a number in it returns
// `action`; any other falls through to the instruction after the block. A balanced tree of
// comparisons (about log2 n of them, where a chain of JEQs costs n on every call that misses);
// its long jumps are JA, whose offset has 32 bits where a conditional jump's has 8.
static void appendSetTest(std::vector<struct sock_filter>& f, std::vector<uint32_t> set,
                          const std::vector<struct sock_filter>& hit) {
  std::sort(set.begin(), set.end());
  set.erase(std::unique(set.begin(), set.end()), set.end());
  std::function<std::vector<struct sock_filter>(size_t, size_t)> block = [&](size_t lo, size_t hi) {
    std::vector<struct sock_filter> b;
    if (hi - lo <= 4) {
      for (size_t i = lo; i < hi; i++) {
        b.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, set[i], 0, uint8_t(hit.size())));
        b.insert(b.end(), hit.begin(), hit.end());
      }
      return b;
    }
    size_t mid = lo + (hi - lo) / 2;
    auto left = block(lo, mid), right = block(mid, hi);
    b.push_back(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, set[mid], 0, 1));   // >= : the JA to right
    b.push_back(BPF_STMT(BPF_JMP | BPF_JA, uint32_t(left.size() + 1)));  // over left and its JA
    b.insert(b.end(), left.begin(), left.end());
    b.push_back(BPF_STMT(BPF_JMP | BPF_JA, uint32_t(right.size())));     // left missed: to the end
    b.insert(b.end(), right.begin(), right.end());
    return b;
  };
  auto b = block(0, set.size());
  f.insert(f.end(), b.begin(), b.end());
}
static void appendSetTest(std::vector<struct sock_filter>& f, std::vector<uint32_t> set, uint32_t action) {
  appendSetTest(f, std::move(set), {BPF_STMT(BPF_RET | BPF_K, action)});
}

// The syscall numbers of a syscall-buffer configuration ("<nr>,<nr>,...;<plan rows>").
static std::vector<uint32_t> configNumbers(const std::string& config) {
  std::vector<uint32_t> out;
  size_t end = config.find(';');
  std::string list = config.substr(0, end);
  for (size_t at = 0; at < list.size();) {
    size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    if (comma > at) out.push_back(uint32_t(strtoul(list.c_str() + at, nullptr, 10)));
    at = comma + 1;
  }
  return out;
}

// Calls the library itself makes through its untraced gadget (syscallbuf.c's UNTRACED): its
// buffers, its stack bounds, the direct memory copies' fallback, and the patching of libc's
// syscall instructions at start-up (the stubs' mapping, mprotect of libc's text).
static const uint32_t kLibraryOwnCalls[] = {SYS_mmap, SYS_munmap, SYS_mprotect, SYS_brk, SYS_getpid, SYS_gettid,
                                            SYS_prlimit64, SYS_process_vm_readv,
                                            SYS_clock_gettime};  // the loader's early hook's clock

// seccomp-bpf program: SECCOMP_RET_TRACE for the wanted numbers (all of them with `all`),
// ALLOW for the rest. With the syscall buffer, the calls it records (`buffered`) and its own
// run without a stop when made from its untraced gadget page; any other call from that page
// (a program jumping there to hide an execve or a connect) is judged as if made elsewhere. Its
// magic syscall always stops.
//
// Where a call comes from is looked at only for the numbers whose verdict depends on it (those
// the page may make and that stop elsewhere): for every other number the verdict depends on the
// number alone, and the kernel's seccomp action cache (5.11+) then allows the calls that are
// allowed without running the filter at all, as for strace's filter. A filter that read the
// instruction pointer first ran for every call (some 20 ns each: a filtered recording of
// dd bs=1 was 15% slower than strace --seccomp-bpf).
static std::vector<struct sock_filter> buildFilter(const std::vector<int>& nrs, bool all, bool buffer,
                                                   const std::vector<uint32_t>& buffered, bool execs) {
  std::vector<struct sock_filter> f;
  f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
  f.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));  // foreign ABI: always stop
  f.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
  std::vector<uint32_t> stops = (buffer || execs) ? bufferStops(buffer) : std::vector<uint32_t>{};
  if (buffer) {
    // the numbers the page may make that stop when made elsewhere: by where they come from
    std::vector<uint32_t> allowed(buffered);
    allowed.insert(allowed.end(), std::begin(kLibraryOwnCalls), std::end(kLibraryOwnCalls));
    std::vector<uint32_t> byPlace;
    for (uint32_t nr : allowed) {
      bool stopsElsewhere = all || std::find(nrs.begin(), nrs.end(), int(nr)) != nrs.end() ||
                            std::find(stops.begin(), stops.end(), nr) != stops.end();
      if (stopsElsewhere) byPlace.push_back(nr);
    }
    const std::vector<struct sock_filter> fromPage = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(RIFT_SB_GADGET_PAGE >> 32), 0, 4),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xfffff000u),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(RIFT_SB_GADGET_PAGE), 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
    };
    if (!byPlace.empty()) appendSetTest(f, byPlace, fromPage);
  }
  // calls the library needs stops at, wanted or not (bufferStops)
  if (!stops.empty()) appendSetTest(f, stops, SECCOMP_RET_TRACE);
  if (all) {
    f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
    return f;
  }
  appendSetTest(f, std::vector<uint32_t>(nrs.begin(), nrs.end()), SECCOMP_RET_TRACE);
  f.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return f;
}

void Tracer::launch() {
  // Everything the child needs is prepared before fork(): after it, in a multi-threaded
  // process, only async-signal-safe calls are allowed.
  std::vector<char*> argv, envp;
  for (auto& a : opts_.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const char* exePath = opts_.exe.empty() ? argv[0] : opts_.exe.c_str();
  for (auto& e : opts_.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  auto filter = buildFilter(opts_.seccompNrs, opts_.seccompAll, sbActive_, configNumbers(opts_.sbConfig), sbOn_);
  struct sock_fprog prog = {uint16_t(filter.size()), filter.data()};
  int go[2], err[2];
  if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) throw sysErr(errno, "pipe");
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (opts_.cpu >= 0) CPU_SET(opts_.cpu, &cpus);

  pid_t pid = fork();
  if (pid < 0) throw sysErr(errno, "fork");
  if (pid == 0) {
    close(go[1]);
    close(err[0]);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);  // Node's handlers must not leak in
    signal(SIGPIPE, SIG_DFL);
    int fds[3] = {opts_.stdinFd, opts_.stdoutFd, opts_.stderrFd};
    for (int i = 0; i < 3; i++) {
      if (fds[i] == i) {
        int fl = fcntl(i, F_GETFD);
        if (fl >= 0) fcntl(i, F_SETFD, fl & ~FD_CLOEXEC);
      } else if (fds[i] >= 0) {
        dup2(fds[i], i);
      }
    }
    int e = 0;
    if (!opts_.cwd.empty() && chdir(opts_.cwd.c_str()) < 0) e = errno;
    if (opts_.cpu >= 0 && opts_.pinChild) sched_setaffinity(0, sizeof cpus, &cpus);
    if (opts_.noAslr) personality(ADDR_NO_RANDOMIZE);
    char c;
    if (!e && read(go[0], &c, 1) != 1) e = ECHILD;  // tracer gone
    if (!e && opts_.trapTsc && prctl(PR_SET_TSC, PR_TSC_SIGSEGV, 0, 0, 0) < 0) e = errno;
    if (!e && opts_.useSeccomp) {
      if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
          prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
        e = errno;
    }
    if (!e) {
      execve(exePath, argv.data(), envp.data());
      e = errno;
    }
    ssize_t w = write(err[1], &e, sizeof e);
    (void)w;
    _exit(e == ENOENT ? 127 : 126);  // as a shell reports it: not found, or found but not run
  }
  close(go[0]);
  close(err[1]);
  {
    std::lock_guard<std::mutex> lk(launchMu_);
    child_ = pid;
    launched_ = true;
    pidfd_ = int(syscall(SYS_pidfd_open, pid, 0));  // -1 on kernels before 5.3: signalChild refuses
  }
  settleLaunch();
  long opts = (opts_.follow ? kOptions : kOptions & ~kFollowOptions) | PTRACE_O_EXITKILL | (opts_.useSeccomp ? PTRACE_O_TRACESECCOMP : 0) |
              (sbOn_ ? PTRACE_O_TRACEEXIT : 0);  // a dying thread's buffer is drained
  if (xptrace(PTRACE_SEIZE, pid, 0L, opts) < 0) {
    int e = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, __WALL);
    close(go[1]);
    close(err[0]);
    throw sysErr(e, "ptrace(PTRACE_SEIZE)");
  }
  // Stop it once so that syscall stops are armed before it runs on to execve.
  xptrace(PTRACE_INTERRUPT, pid, 0L, 0L);
  int status;
  if (waitpid(pid, &status, __WALL) < 0) throw sysErr(errno, "waitpid");
  ThreadState& st = state(pid);
  st.pid = pid;
  st.started = false;  // nothing is recorded before its execve
  st.firstStopSeen = st.creatorSeen = true;  // launched by rift, not made by a traced fork
  xptrace(resumeOp_, pid, 0L, 0L);
  char c = 1;
  if (write(go[1], &c, 1) != 1) {}
  close(go[1]);
  // The error pipe closes on a successful execve (O_CLOEXEC) or carries errno on failure.
  // Reading it here would deadlock (the child stops at execve); the loop reports instead.
  errPipe_ = err[0];
}

void Tracer::seize(pid_t tid, bool interrupt) {
  if (xptrace(PTRACE_SEIZE, tid, 0L, kOptions) < 0) throw sysErr(errno, "ptrace(PTRACE_SEIZE)");
  if (interrupt) xptrace(PTRACE_INTERRUPT, tid, 0L, 0L);
  ThreadState& st = state(tid);
  st.started = true;
  st.firstStopSeen = st.creatorSeen = true;  // attached by rift, not made by a traced clone
}

void Tracer::attach() {
  for (pid_t pid : opts_.pids) {
    // Attach every thread, listing /proc/PID/task until a pass finds no new one: threads
    // created meanwhile are either listed or auto-attached through their creator's clone.
    for (int pass = 0; pass < 100; pass++) {
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/task", pid);
      DIR* d = opendir(path);
      if (!d) {
        if (pass == 0) throw sysErr(errno == ENOENT ? ESRCH : errno, "attach to " + std::to_string(pid));
        break;
      }
      bool added = false;
      while (struct dirent* e = readdir(d)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        pid_t tid = atoi(e->d_name);
        if (threads_.count(tid)) continue;
        try {
          seize(tid, true);
          added = true;
        } catch (const std::system_error& ex) {
          closedir(d);
          if (threads_.empty() || ex.code().value() == EPERM) throw;
          d = nullptr;
          break;
        }
      }
      if (d) closedir(d);
      if (!added) break;
    }
  }
}

// ---- the syscall buffer (syscallbuf_abi.h) ------------------------------------------------

// Moves the complete records of a thread's buffer into the batch, with the thread's tid and
// pid. `stopped`: the thread is in a ptrace stop, so an emptied buffer can be reset; a running
// one (another thread of a process about to exit or exec) only has its tail moved.
//
// At a thread's stop, its process's other threads' records are taken too, and all of them go
// to the batch in the order the calls began: they were made before this stop, and a thread
// whose calls are nearly all buffered may not stop for a long time. Their place among the
// other threads' events is what a replay takes turns by (node's main thread, its calls
// recorded ahead of a worker's buffered write of an eventfd that came before them, was held
// back by the replay until the worker's later calls, which never came).
void Tracer::drainBuffer(pid_t tid, ThreadState& st, bool stopped) {
  sbPending_.clear();
  sbPendingBytes_.clear();
  if (stopped)
    for (auto& kv : threads_)
      if (kv.first != tid && kv.second.pid == st.pid && kv.second.sbAddr) takeBuffer(kv.first, kv.second, false);
  takeBuffer(tid, st, stopped);
  if (sbPending_.empty()) return;
  std::stable_sort(sbPending_.begin(), sbPending_.end(), [](const PendingRecord& a, const PendingRecord& b) { return a.ts < b.ts; });
  std::unique_lock<std::mutex> lk(mu_);  // one hold for them all (a flush may wait in it)
  for (const PendingRecord& r : sbPending_) {
    size_t at = batch_.size();
    batch_.insert(batch_.end(), sbPendingBytes_.begin() + ptrdiff_t(r.at), sbPendingBytes_.begin() + ptrdiff_t(r.at + r.len));
    memcpy(batch_.data() + at + 8, &r.tid, 4);
    memcpy(batch_.data() + at + 12, &r.pid, 4);
    countLocked(lk, false);
  }
}

// The complete records of one thread's buffer, to sbPending_ (checked; the thread's tid and
// pid with them), and its tail moved past them.
void Tracer::takeBuffer(pid_t tid, ThreadState& st, bool stopped) {
  if (!st.sbAddr) return;
  rift_sb_header h;
  if (readMemory(tid, st.sbAddr, &h, sizeof h) != ssize_t(sizeof h) || h.magic != RIFT_SB_HEADER_MAGIC) {
    st.sbAddr = 0;  // unmapped (the thread's exit) or not a buffer: nothing more to take
    return;
  }
  // The buffer is the program's memory: every field is checked before it is used
  if (h.size != RIFT_SB_BUFFER_SIZE || h.head > h.size || h.tail < RIFT_SB_HEADER_SIZE || h.tail > h.head) {
    distrustBuffer(tid, st, "a corrupt header");
    return;
  }
  if (h.head == h.tail) return;
  size_t n = size_t(h.head - h.tail);
  sbScratch_.resize(n);
  if (readMemory(tid, st.sbAddr + h.tail, sbScratch_.data(), n) != ssize_t(n)) return;
  const uint8_t* p = sbScratch_.data();
  size_t off = 0;
  size_t pendingBefore = sbPending_.size(), bytesBefore = sbPendingBytes_.size();
  while (off + 8 <= n) {
    uint32_t slot, len;
    memcpy(&slot, p + off, 4);
    memcpy(&len, p + off + 4, 4);
    if (slot == 0) break;  // being written (a signal came in the middle)
    if (slot < 8 + len || off + slot > n || !validBufferedRecord(p + off + 8, len)) {
      sbPending_.resize(pendingBefore);  // none of this buffer's records: all may be forged
      sbPendingBytes_.resize(bytesBefore);
      distrustBuffer(tid, st, "a malformed record");
      return;
    }
    const uint8_t* rec = p + off + 8;
    // the loader's calls for the library, which its early hook recorded, are rift's
    bool riftsOwn = false;
    if (!libraryLoads_.empty()) {
      int64_t v[8];
      memcpy(v, rec + 24, sizeof v);
      uint64_t a[6];
      for (int i = 0; i < 6; i++) a[i] = uint64_t(v[1 + i]);
      riftsOwn = loadsLibrary(tid, st.pid, uint64_t(v[0]), a, rec);
      if (riftsOwn) {
        loadedLibrary(st.pid, uint64_t(v[0]), a, v[7], isErrorReturn(v[7]));
      } else if (!isErrorReturn(v[7]) && (v[0] == SYS_openat || v[0] == SYS_open)) {
        auto l = libraryLoads_.find(st.pid);  // as in onSyscallExit: a descriptor reused
        if (l != libraryLoads_.end() && l->second.fd == int(v[7])) l->second.fd = -1;
      }
    }
    if (st.started && !st.quiet && (!riftsOwn || opts_.riftCalls)) {
      int64_t ts;
      memcpy(&ts, rec + 16, 8);
      size_t at = sbPendingBytes_.size();
      sbPending_.push_back(PendingRecord{ts, at, len, tid, st.pid});
      sbPendingBytes_.insert(sbPendingBytes_.end(), rec, rec + len);
      if (riftsOwn) {
        int64_t flags = SC_BUFFERED | SC_RIFT;
        memcpy(sbPendingBytes_.data() + at + 24 + 8 * 9, &flags, 8);
      }
    }
    off += slot;
  }
  uint64_t tail = h.tail + off;
  if (stopped && tail == h.head && h.busy == 0) {
    uint64_t reset[2] = {RIFT_SB_HEADER_SIZE, RIFT_SB_HEADER_SIZE};  // head, tail
    writeMemory(tid, st.sbAddr + offsetof(rift_sb_header, head), reset, sizeof reset);
  } else if (off) {
    writeMemory(tid, st.sbAddr + offsetof(rift_sb_header, tail), &tail, sizeof tail);
  }
}

// Whether `len` bytes from the program's buffer are a record the library could have written:
// a syscall record of a call it buffers, flagged as buffered only, whose blobs lie inside it.
// The encoders walk what passes without further checks.
bool Tracer::validBufferedRecord(const uint8_t* rec, uint32_t len) const {
  if (len < kRecordHeader) return false;
  uint32_t recLen;
  uint16_t kind, nblobs;
  int64_t nr, flags;
  memcpy(&recLen, rec, 4);
  memcpy(&kind, rec + 4, 2);
  memcpy(&nblobs, rec + 6, 2);
  memcpy(&nr, rec + 24, 8);
  memcpy(&flags, rec + 24 + 8 * 9, 8);
  if (nr < 0 || size_t(nr) >= bufferedNrs_.size() || !bufferedNrs_[size_t(nr)]) return false;
  bool timeRead = nr == SYS_clock_gettime || nr == SYS_gettimeofday || nr == SYS_time;
  if (recLen != len || kind != REC_SYSCALL || !(flags == SC_BUFFERED || (timeRead && flags == (SC_BUFFERED | SC_VDSO))))
    return false;
  size_t at = kRecordHeader;
  for (uint16_t i = 0; i < nblobs; i++) {
    if (at + kBlobHeader > len) return false;
    uint32_t blobLen;
    memcpy(&blobLen, rec + at + 12, 4);
    if (rec[at] > 5 || blobLen > len - at - kBlobHeader) return false;
    at += kBlobHeader + blobLen;
  }
  return at == len;
}

// The program wrote over its buffer (a bug, or on purpose): nothing more is taken from any
// buffer of its process, and its wrappers are told to make every call the ptrace way (the
// word on the gadget page that a sandboxed program gets), so that what it does next is still
// recorded. A warning says so in the stream.
void Tracer::distrustBuffer(pid_t tid, ThreadState& st, const char* what) {
  warn(tid, std::string("syscall buffer: ") + what + " in the program's buffer; its calls are recorded the ptrace way from now on");
  uint32_t off = 1;
  writeMemory(tid, RIFT_SB_GADGET_PAGE + RIFT_SB_OFF_OFFSET, &off, sizeof off);
  for (auto& kv : threads_)
    if (kv.second.pid == st.pid) {
      kv.second.sbAddr = 0;
      kv.second.sbSandboxed = true;
    }
}

// seccomp(SECCOMP_SET_MODE_STRICT or _FILTER) and prctl(PR_SET_SECCOMP): a filter of the
// program's own, which may kill it for any call it does not expect
static bool installsSeccomp(uint64_t nr, const uint64_t* args) {
  if (nr == SYS_seccomp) return args[0] == SECCOMP_SET_MODE_STRICT || args[0] == SECCOMP_SET_MODE_FILTER;
  return nr == SYS_prctl && args[0] == PR_SET_SECCOMP;
}

// The program sandboxes itself: the library in it makes no call of its own from now on (the
// word on its gadget page), and no image it execs gets the library (the filter outlives the
// execve). What its buffers hold is taken now.
void Tracer::sandbox(pid_t tid, ThreadState& st) {
  uint32_t off = 1;
  writeMemory(tid, RIFT_SB_GADGET_PAGE + RIFT_SB_OFF_OFFSET, &off, sizeof off);
  for (auto& kv : threads_)
    if (kv.second.pid == st.pid) kv.second.sbSandboxed = true;
  drainProcess(tid, st);
}

void Tracer::drainProcess(pid_t tid, ThreadState& st) {
  for (auto& kv : threads_)
    if (kv.first != tid && kv.second.pid == st.pid && kv.second.sbAddr) drainBuffer(kv.first, kv.second, false);
}

// The library's magic syscall, at its seccomp stop: answered here (result 0), never run.
void Tracer::onBufferMagic(pid_t tid, ThreadState& st, const uint64_t* args) {
  uint64_t result = 0;
  switch (args[0]) {
    case RIFT_SB_OP_REGISTER:
      if (st.sbExiting) {
        result = 1;
        break;
      }
      st.sbAddr = args[1];
      st.sbRegistered = true;
      if (st.sbShareWith) {
        // a vfork child's buffer is its parent's too (one TLS): the parent writes to it later
        auto parent = threads_.find(st.sbShareWith);
        if (parent != threads_.end()) parent->second.sbAddr = args[1];
      }
      break;
    case RIFT_SB_OP_FLUSH:  // drained before this was called
      if (args[1] == 1) {
        st.sbExiting = true;
        st.sbAddr = 0;
      }
      break;
    case RIFT_SB_OP_QUIET:
      st.quiet = args[1] != 0;
      break;
    case RIFT_SB_OP_CAPTURE:
      emitCaptured(tid, st, args[1]);
      break;
    default:
      break;
  }
  struct user_regs_struct regs;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) == 0) {
    regs.orig_rax = uint64_t(-1);  // skipped; with PTRACE_CONT there is no exit stop
    regs.rax = result;
    xptrace(PTRACE_SETREGS, tid, nullptr, &regs);
  }
}

// A call the library ran but could not buffer (its captures too big): the tracer reads its
// memory, as it would at the call's exit stop.
void Tracer::emitCaptured(pid_t tid, ThreadState& st, uint64_t recordAddr) {
  uint8_t rec[kRecordHeader];
  if (readMemory(tid, recordAddr, rec, sizeof rec) != ssize_t(sizeof rec)) return;
  int64_t v[10], ts;
  memcpy(&ts, rec + 16, 8);
  memcpy(v, rec + 24, sizeof v);
  // the program's memory again: a call the library buffers, and only the flags it sets
  if (v[0] < 0 || size_t(v[0]) >= bufferedNrs_.size() || !bufferedNrs_[size_t(v[0])] || v[9] != SC_BUFFERED) {
    distrustBuffer(tid, st, "a malformed capture request");
    return;
  }
  st.nr = uint64_t(v[0]);
  for (int i = 0; i < 6; i++) st.args[i] = uint64_t(v[1 + i]);
  int64_t ret = v[7];
  if (!st.started || st.quiet) return;
  {
    std::unique_lock<std::mutex> lk(mu_);
    RecordWriter w(batch_);
    w.begin(REC_SYSCALL, tid, st.pid, ts);
    for (int i = 0; i < 10; i++) w.set(i, v[i]);
    captureSide(tid, st, w, false, ret);
    captureSide(tid, st, w, true, ret, isErrorReturn(ret));
    w.end();
  }
  maybeFlush(false);
}

// At an execve's entry stop (the call already recorded as the program made it; st.nr and
// st.args are the call's, any other call is left alone): the new image gets LD_PRELOAD and
// RIFT_SYSCALLBUF, which the library removes again at start-up. The new environment array and
// strings go below the stack pointer, which the execve replaces.
void Tracer::addPreloadEnv(pid_t tid, ThreadState& st) {
  if ((st.nr != SYS_execve && st.nr != SYS_execveat) || st.sbSandboxed) return;
  int envArg = st.nr == SYS_execve ? 2 : 3;
  static const std::string kPreload = "LD_PRELOAD=";
  static const std::string kConfig = std::string(RIFT_SB_ENV) + "=";
  uint64_t envp = st.args[envArg];
  std::vector<uint64_t> keep;
  std::string theirs;
  for (int i = 0; envp && i < 65536; i++) {
    uint64_t p = 0;
    if (readMemory(tid, envp + 8 * i, &p, 8) != 8) return;  // the execve fails with EFAULT
    if (p == 0) break;
    uint8_t head[32];
    bool nul;
    ssize_t n = readBounded(*this, tid, p, head, sizeof head, true, &nul);
    std::string start(reinterpret_cast<char*>(head), n > 0 ? size_t(n) : 0);
    if (start.compare(0, kConfig.size(), kConfig) == 0) continue;
    if (start.compare(0, kPreload.size(), kPreload) == 0) {
      std::vector<uint8_t> value(65536);
      ssize_t m = readBounded(*this, tid, p, value.data(), value.size(), true, &nul);
      if (m > 0) theirs.assign(reinterpret_cast<char*>(value.data()) + kPreload.size(), size_t(m) - kPreload.size());
      continue;
    }
    keep.push_back(p);
  }
  std::string preload = kPreload + opts_.sbLibrary + (theirs.empty() ? "" : ":" + theirs);
  // a recording configuration carries the mark the tracer sets when it gives the new image the
  // loader's early hook (syscallbuf_abi.h)
  std::string mark = std::string(1, RIFT_SB_MARK_PLAIN) + std::string(RIFT_SB_TOKEN_LEN, '0');
  std::string config = kConfig + (sbActive_ ? mark : std::string()) + opts_.sbConfig;
  struct user_regs_struct regs;
  if (xptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return;
  size_t strings = preload.size() + 1 + config.size() + 1;
  size_t array = 8 * (keep.size() + 3);
  uint64_t base = (regs.rsp - 16384 - strings - array) & ~uint64_t(15);
  std::vector<uint8_t> block(array + strings);
  uint64_t sp = base + array;
  keep.push_back(sp);
  keep.push_back(sp + preload.size() + 1);
  keep.push_back(0);
  memcpy(block.data(), keep.data(), array);
  memcpy(block.data() + array, preload.c_str(), preload.size() + 1);
  memcpy(block.data() + array + preload.size() + 1, config.c_str(), config.size() + 1);
  if (writeMemory(tid, base, block.data(), block.size()) != ssize_t(block.size())) return;
  (envArg == 2 ? regs.rdx : regs.r10) = base;
  xptrace(PTRACE_SETREGS, tid, nullptr, &regs);
}

// At the seccomp stop of a vfork, or of a clone that shares the memory but not the TLS
// (posix_spawn's, a raw clone's thread): the child will run on this thread's TLS and find its buffer there, so the
// buffer is marked lent (syscallbuf_abi.h): the child's calls then come to the tracer one by
// one, under the child's tid, however late its parent's vfork event is seen.
void Tracer::lendBuffer(pid_t tid, ThreadState& st, uint64_t nr, const uint64_t* args) {
  if (!st.sbAddr) return;
  uint64_t flags = 0;
  if (nr == SYS_vfork) flags = CLONE_VM;
  else if (nr == SYS_clone) flags = args[0];
  else if (nr != SYS_clone3 || readMemory(tid, args[0], &flags, 8) != 8) return;
  if (!(flags & CLONE_VM) || (flags & CLONE_SETTLS)) return;
  // a child its parent waits for (vfork, posix_spawn) gives the buffer back when it is done; a
  // thread that runs beside its creator on the same TLS shares it from now on
  uint32_t lent = 0;
  readMemory(tid, st.sbAddr + offsetof(struct rift_sb_header, lent), &lent, sizeof lent);
  lent |= nr == SYS_vfork || (flags & CLONE_VFORK) ? RIFT_SB_LENT_VFORK : RIFT_SB_LENT_SHARED;
  writeMemory(tid, st.sbAddr + offsetof(struct rift_sb_header, lent), &lent, sizeof lent);
}

// A launched command runs pinned to the tracer's CPU (a ptrace stop costs about twice as much
// across CPUs), but the pin is rift's, not the program's: `nproc` must print what it prints
// untraced. So a successful sched_getaffinity that reports exactly the pin gets the CPUs the
// program would have had (visibleCpus) written over it before its exit is captured: the stream
// holds what the program then sees. Once the program sets a thread's CPUs itself (inherited by
// the threads and processes that thread makes), that thread's answers are its own.
void Tracer::hidePin(pid_t tid, ThreadState& st, int64_t rval) {
  pid_t target = st.args[0] == 0 ? tid : pid_t(st.args[0]);
  auto it = threads_.find(target);
  if (st.nr == SYS_sched_setaffinity) {
    if (it != threads_.end()) it->second.ownAffinity = true;
    return;
  }
  if (st.nr != SYS_sched_getaffinity || rval <= 0 || rval > int64_t(sizeof(cpu_set_t))) return;
  if (it == threads_.end() || it->second.ownAffinity || opts_.cpu < 0) return;
  size_t n = size_t(rval);
  cpu_set_t seen, pin, visible;
  CPU_ZERO(&seen);
  CPU_ZERO(&pin);
  CPU_ZERO(&visible);
  CPU_SET(opts_.cpu, &pin);
  for (int c : opts_.visibleCpus)
    if (c >= 0 && size_t(c) < n * 8) CPU_SET(c, &visible);
  if (readMemory(tid, st.args[2], &seen, n) != ssize_t(n) || memcmp(&seen, &pin, n) != 0) return;
  writeMemory(tid, st.args[2], &visible, n);
}

// A new thread or process and its parent's buffer: a forked child has a copy of it (emptied at
// the fork's seccomp stop), a vfork child writes into the very same one (it runs on the
// parent's memory and TLS while the parent waits), a thread registers its own.
void Tracer::shareBuffer(pid_t parent, ThreadState& st, pid_t child, int event) {
  auto it = threads_.find(child);
  if (it == threads_.end()) return;
  ThreadState& cs = it->second;
  // A child process that has exec'd already (its stops can come before its parent's event)
  // shares nothing with its parent any more: linking them here would let its new image's
  // buffer pass for the parent's.
  if (cs.pid != st.pid && libraryLoads_.count(cs.pid)) return;
  bool shares = event == PTRACE_EVENT_VFORK;
  bool copies = event == PTRACE_EVENT_FORK;
  if (event == PTRACE_EVENT_CLONE && cs.pid != st.pid) {
    // a process made by clone: its flags say whether it shares the memory, and the TLS
    uint64_t flags = st.args[0];
    if (st.nr == SYS_clone3 && readMemory(parent, st.args[0], &flags, 8) != 8) flags = 0;
    shares = (flags & CLONE_VM) && !(flags & CLONE_SETTLS);
    copies = !(flags & CLONE_VM);
  }
  // A new thread's first stops can come before its creator's clone event: if it registered a
  // buffer meanwhile, that buffer is its own (clearing it here lost every call in it).
  if (!cs.sbRegistered) cs.sbAddr = shares || copies ? st.sbAddr : 0;
  cs.sbShareWith = shares ? parent : 0;
  cs.sbSandboxed = st.sbSandboxed;  // a filter is inherited, and the gadget page's word with it
}

// ---- the loop ------------------------------------------------------------------------------

// Most instructions a thread is single-stepped through to reach a signal's instruction (runTo).
constexpr int kMaxSteps = 100000;

// Signals a replay gives where they came in the program's own code (ExitDecision::stepTo): from
// the exit of the call before them, the thread is single-stepped until it is at the recorded
// instruction, and they are queued to it there (they come before it runs). How far a program
// had got between two calls (a loop's counter stored or not) is what its handler sees. Stepping
// stops short at the thread's next syscall instruction (they then come before that call) or
// after kMaxSteps (a long computation between the calls: they come there). False when the
// thread stopped for something else meanwhile (handleStop has taken that stop and resumed it).
bool Tracer::runTo(pid_t tid, ThreadState& st) {
  uint64_t ip = st.stepTo, sigs = st.stepSigs;
  st.stepTo = st.stepSigs = 0;
  for (int n = 0; n < kMaxSteps; n++) {
    user_regs_struct r;
    if (xptrace(PTRACE_GETREGS, tid, nullptr, &r) != 0 || r.rip == ip) break;
    uint8_t insn[2];
    if (readMemory(tid, r.rip, insn, 2) == 2 && insn[0] == 0x0f && insn[1] == 0x05) break;  // syscall
    if (xptrace(PTRACE_SINGLESTEP, tid, 0L, 0L) != 0) break;
    int status;
    pid_t w;
    do w = waitpid(tid, &status, __WALL);
    while (w < 0 && errno == EINTR);
    if (w != tid) break;
    if (!(WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP && (status >> 16) == 0)) {
      interceptor_->deliverSignals(st.pid, tid, sigs);
      handleStop(tid, status);
      return false;
    }
  }
  interceptor_->deliverSignals(st.pid, tid, sigs);
  return true;
}

void Tracer::resume(pid_t tid, ThreadState& st, int sig) {
  if (st.stepTo && !st.inSyscall && interceptor_ && !runTo(tid, st)) return;
  int op = resumeOp_;
  // under the prefilter, a syscall stopped at its seccomp stop must be resumed with
  // PTRACE_SYSCALL so that its exit is seen too
  if (st.inSyscall && st.seccompEntry) op = PTRACE_SYSCALL;
  if (!st.started) op = PTRACE_SYSCALL;  // pre-exec child: watch for execve
  if (opts_.useSeccomp && !st.started) op = PTRACE_CONT;
  xptrace(op, tid, 0L, long(sig));
}

// A new thread and its creator's clone. The kernel writes the new tid to the creator's memory
// (CLONE_PARENT_SETTID) before the call returns, and clears that very word when the thread
// exits (CLONE_CHILD_CLEARTID: glibc's pthread_create passes one word for both). A thread that
// ran and exited before its creator's exit stop was handled left 0 there, and the stream said
// clone3 returned {parent_tid=[0]}: it differed from run to run (rift-diff). So a new thread
// (of a process already traced) stays at its first stop until its creator's call has returned
// and its exit was captured; then it runs. Processes (fork, vfork, posix_spawn) have memory of
// their own, or share it with a parent that waits for them: they are never held.
//
// The thread's first stop and its creator's clone event come in either order: holdNewborn
// takes the first stop, bornOf the event. True when the thread is held (not resumed).
//
// With the syscall buffer, a new process is held too when its first stop comes before its
// parent's fork event (a loaded machine runs the child first): until that event it has no
// buffer the tracer knows of, so the calls it buffered were never taken, and an exec threw
// them away (bash's forked child lost its getpid() before execve under the stress runner).
bool Tracer::holdNewborn(pid_t tid, ThreadState& st) {
  if (st.firstStopSeen) return false;
  st.firstStopSeen = true;
  if (st.creatorSeen && !st.heldFor) return false;
  if (st.pid == tid) {
    if (!sbOn_) return false;
    heldProcesses_.insert(tid);
  }
  st.heldAtBirth = true;
  return true;
}

// Held processes whose parent is gone before its fork event came (killed in fork: the kernel
// skips the event): they run, as no event will come. A process's parent is then its reaper,
// not a traced process.
void Tracer::releaseOrphans() {
  for (pid_t pid : std::vector<pid_t>(heldProcesses_.begin(), heldProcesses_.end())) {
    pid_t ppid = statusField(pid, "PPid");
    auto parent = threads_.find(ppid);
    if (ppid > 0 && parent != threads_.end() && parent->second.pid == ppid) continue;  // its parent lives: its event comes
    heldProcesses_.erase(pid);
    auto it = threads_.find(pid);
    if (it != threads_.end()) letRun(pid, it->second);
  }
}

void Tracer::bornOf(pid_t creator, ThreadState& st, pid_t child) {
  ThreadState& cs = state(child);
  cs.creatorSeen = true;
  if (cs.pid == child) {  // a process: runs (its buffer known now, shareBuffer)
    if (heldProcesses_.erase(child)) letRun(child, cs);
    return;
  }
  // its exit stop comes (and captures): a call traced at entry, neither completed there nor
  // run on without an exit stop
  if (st.inSyscall && !st.doneAtEntry && !st.runsOn) {
    cs.heldFor = creator;
    st.newborns.push_back(child);
    return;
  }
  letRun(child, cs);
}

// The creator's call has returned (its exit captured) or the creator is gone: its new threads run.
void Tracer::releaseNewborns(ThreadState& creator) {
  std::vector<pid_t> born;
  born.swap(creator.newborns);
  for (pid_t child : born) {
    auto it = threads_.find(child);
    if (it != threads_.end()) letRun(child, it->second);
  }
}

// A new thread waits for nothing more: resumed if it is held at its first stop, else it will
// run from that stop when it comes.
void Tracer::letRun(pid_t child, ThreadState& cs) {
  cs.heldFor = 0;
  if (!cs.heldAtBirth) return;
  cs.heldAtBirth = false;
  resume(child, cs, 0);
}

// The rest of a syscall's entry stop once its decision is applied: the new image's library
// (its environment gets the variables back), a call completed at its seccomp stop, the resume.
// Nothing while the thread is parked.
void Tracer::afterEntry(pid_t tid, ThreadState& st) {
  if (st.parked) return;
  if (sbOn_ && st.inSyscall && !st.skipped) addPreloadEnv(tid, st);
  if (st.runsOn) {
    st.runsOn = false;
    emitUnfinished(tid, st, now());  // (no longer inSyscall: resumed with resumeOp_, no exit stop)
  }
  if (st.doneAtEntry) {
    st.doneAtEntry = false;
    onSyscallExit(tid, st, st.skipRet, isErrorReturn(st.skipRet), true);
    if (st.parked) return;
  }
  resume(tid, st, st.pendingSignal);
  st.pendingSignal = 0;
}

void Tracer::serviceParked() {
  if (!interceptor_) {
    parked_.clear();
    return;
  }
  // (a decision may park the thread again, at its exit: not while iterating parked_)
  std::vector<pid_t> waiting(parked_.begin(), parked_.end());
  for (pid_t tid : waiting) {
    auto it = threads_.find(tid);
    if (it == threads_.end()) {
      parked_.erase(tid);
      continue;
    }
    ThreadState& st = it->second;
    if (st.parked == 1) {
      EntryDecision d;
      if (!interceptor_->resumeEntry(*this, tid, d)) continue;
      st.parked = 0;
      parked_.erase(tid);
      applyEntry(tid, st, d);
      afterEntry(tid, st);
    } else if (st.parked == 2) {
      ExitDecision d;
      if (!interceptor_->resumeExit(*this, tid, d)) continue;
      st.parked = 0;
      parked_.erase(tid);
      auto& x = st.parkedExit;
      finishExit(tid, st, &d, x.rval, x.isError, x.retInPlace, x.resumed, x.ts, x.riftsOwn);
      resume(tid, st, st.pendingSignal);
      st.pendingSignal = 0;
    } else {
      parked_.erase(tid);
    }
  }
}

void Tracer::wake() {
  if (tracerTid_) syscall(SYS_tgkill, getpid(), tracerTid_, kWakeSignal);
}

void Tracer::handleStop(pid_t tid, int status) {
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    auto it = threads_.find(tid);
    if (it != threads_.end()) {
      if (tid == child_ && !it->second.started && errPipe_ >= 0) {
        int e = 0;
        if (read(errPipe_, &e, sizeof e) == sizeof e && e) {
          warn(tid, std::string("cannot run the command: ") + strerror(e));
          if (!execErrno_) execErrno_ = e;
        }
        if (it->second.execFailed) {
          // its exit is recorded, as strace shows it; the calls after the failed execve are not
          it->second.started = true;
          it->second.inSyscall = false;
        }
      }
      emitExit(tid, it->second, status);
      releaseNewborns(it->second);
      bool leader = it->second.pid == tid;
      threads_.erase(it);
      parked_.erase(tid);
      heldProcesses_.erase(tid);
      if (interceptor_) interceptor_->onGone(tid);
      if (leader && !heldProcesses_.empty()) releaseOrphans();
    }
    if (tid == child_) {
      childStatus_ = status;
      childExited_ = true;
    }
    return;
  }
  if (!WIFSTOPPED(status)) return;
  ThreadState& st = state(tid);
  int sig = WSTOPSIG(status);
  int event = status >> 16;
  if (detaching_) {
    // Detach at whatever stop comes first; a signal about to be delivered goes with it. What
    // the thread's buffer holds was made while traced: it is taken first.
    drainBuffer(tid, st, true);
    abandonEarlyHook(tid, st);  // its injected mmap's exit: the loader's call put back (early.cc)
    bool signalStop = sig != (SIGTRAP | 0x80) && event == 0 && sig != SIGTRAP;
    xptrace(PTRACE_DETACH, tid, 0L, signalStop ? long(sig) : 0L);
    threads_.erase(tid);
    return;
  }

  if (sig == (SIGTRAP | 0x80)) {
    struct ptrace_syscall_info info;
    long n = xptrace(PTRACE_GET_SYSCALL_INFO, tid, long(sizeof info), long(reinterpret_cast<uintptr_t>(&info)));
    if (n <= 0) { resume(tid, st, 0); return; }
    if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
      if (!st.started && !st.execFailed && info.entry.nr == SYS_execve) st.started = st.launchExec = true;
      onSyscallEntry(tid, st, &info, false);
      afterEntry(tid, st);
      return;
    } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
      if (finishEarlyHook(tid, st, info.exit.rval)) return;  // the early hook's mmap: early.cc
      onSyscallExit(tid, st, info.exit.rval, info.exit.is_error);
      if (st.launchExec) {
        // The launching execve failed: it is in the stream, as the program's call; what the
        // child does next (report the errno to the tracer, _exit) is rift's, not the program's.
        st.launchExec = false;
        if (info.exit.is_error) {
          st.started = false;
          st.execFailed = true;
          execErrno_ = int(-info.exit.rval);
        }
      }
      if (st.parked) return;  // serviceParked finishes the call and resumes the thread
    }
    resume(tid, st, st.pendingSignal);
    st.pendingSignal = 0;
    return;
  }
  switch (event) {
    case PTRACE_EVENT_SECCOMP: {
      struct ptrace_syscall_info info;
      long n = xptrace(PTRACE_GET_SYSCALL_INFO, tid, long(sizeof info), long(reinterpret_cast<uintptr_t>(&info)));
      if (sbOn_ && n > 0 && info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
        drainBuffer(tid, st, true);
        uint64_t nr = info.seccomp.nr;
        if (nr == RIFT_SB_MAGIC_NR) {
          onBufferMagic(tid, st, reinterpret_cast<const uint64_t*>(info.seccomp.args));
          resume(tid, st, 0);
          return;
        }
        if (injectEarlyHook(tid, st, nr)) return;  // the image's first stop in its loader: early.cc
        // the other threads' buffers die with the image: take what they hold now
        if (nr == SYS_exit_group || nr == SYS_execve || nr == SYS_execveat) drainProcess(tid, st);
        lendBuffer(tid, st, nr, reinterpret_cast<const uint64_t*>(info.seccomp.args));
        if (sbActive_ && installsSeccomp(nr, reinterpret_cast<const uint64_t*>(info.seccomp.args))) sandbox(tid, st);
        if (!opts_.seccompAll && std::find(opts_.seccompNrs.begin(), opts_.seccompNrs.end(), int(nr)) == opts_.seccompNrs.end()) {
          // stopped at only for the library (bufferStops), drained above: not recorded
          st.nr = nr;
          memcpy(st.args, info.seccomp.args, sizeof st.args);
          addPreloadEnv(tid, st);
          resume(tid, st, 0);
          return;
        }
      }
      if (n > 0 && info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
        // as at a syscall stop: the launching execve is the first call recorded, its strings
        // read at entry
        if (!st.started && !st.execFailed && info.seccomp.nr == SYS_execve) st.started = st.launchExec = true;
        onSyscallEntry(tid, st, &info, true);
      }
      afterEntry(tid, st);
      return;
    }
    case PTRACE_EVENT_FORK:
    case PTRACE_EVENT_VFORK:
    case PTRACE_EVENT_CLONE: {
      unsigned long msg = 0;
      xptrace(PTRACE_GETEVENTMSG, tid, nullptr, &msg);
      int kind = event == PTRACE_EVENT_FORK ? 0 : event == PTRACE_EVENT_VFORK ? 1 : 2;
      drainBuffer(tid, st, true);
      emitSpawn(tid, st, pid_t(msg), kind);
      if (interceptor_) interceptor_->onSpawn(st.pid, pid_t(msg), event == PTRACE_EVENT_CLONE && state(pid_t(msg)).pid == st.pid);
      if (st.ownAffinity) state(pid_t(msg)).ownAffinity = true;
      if (sbOn_) shareBuffer(tid, st, pid_t(msg), event);
      bornOf(tid, st, pid_t(msg));
      resume(tid, st, 0);
      return;
    }
    case PTRACE_EVENT_EXEC: {
      unsigned long former = 0;
      xptrace(PTRACE_GETEVENTMSG, tid, nullptr, &former);
      if (pid_t(former) != tid) {
        // A non-leader thread exec'd and took the leader's tid: the leader's own pending
        // syscall will never finish; the exec'ing thread's state moves to the leader's tid.
        auto old = threads_.find(pid_t(former));
        auto lead = threads_.find(tid);
        if (lead != threads_.end() && lead->second.inSyscall) emitUnfinished(tid, lead->second, now());
        if (old != threads_.end()) {
          ThreadState moved = old->second;
          threads_.erase(old);
          threads_[tid] = moved;
        }
      }
      ThreadState& s = state(tid);
      if (!s.started) s.started = true;
      if (sbOn_) {
        // a new image: its loader loads the library (unless the process sandboxed itself,
        // when the image does not get it)
        libraryLoads_[s.pid] = LibraryLoad{!s.sbSandboxed};
        // and its library registers new buffers
        for (auto& kv : threads_)
          if (kv.second.pid == s.pid) {
            kv.second.sbAddr = 0;
            kv.second.sbShareWith = 0;
            kv.second.quiet = kv.second.sbExiting = kv.second.sbRegistered = false;
          }
        armEarlyHook(tid, s);  // the loader's calls before the library: early.cc
      }
      if (tid == child_ && errPipe_ >= 0) { close(errPipe_); errPipe_ = -1; }
      if (opts_.noVdso) hideVdso(*this, tid);
      if (opts_.trapTsc) vdsoRange_.erase(s.pid);  // a new image, its vDSO elsewhere
      if (interceptor_) interceptor_->onExec(*this, tid);
      emitExec(tid, pid_t(former));
      resume(tid, s, 0);
      return;
    }
    case PTRACE_EVENT_EXIT:
      // The thread is on its way out, for whatever reason (a fatal signal, another thread's
      // exit_group or execve, a return from main): its memory is still there, its buffer is
      // taken now (asked for only with the syscall buffer)
      drainBuffer(tid, st, true);
      releaseNewborns(st);
      resume(tid, st, 0);
      return;
    case PTRACE_EVENT_STOP: {
      if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
        drainBuffer(tid, st, true);
        // group-stop: stay stopped until SIGCONT, but keep reporting (job control works)
        if (!st.groupStopped) {
          emitSignal(tid, st, sig, true);
          if (interceptor_) interceptor_->onGroupStop(st.pid, tid);
        }
        st.groupStopped = true;
        if (detaching_) { xptrace(PTRACE_DETACH, tid, 0L, 0L); threads_.erase(tid); return; }
        xptrace(PTRACE_LISTEN, tid, 0L, 0L);
        return;
      }
      st.groupStopped = false;
      if (detaching_) { xptrace(PTRACE_DETACH, tid, 0L, 0L); threads_.erase(tid); return; }
      if (holdNewborn(tid, st)) return;
      resume(tid, st, 0);
      return;
    }
    default:
      break;
  }
  if (sig == SIGTRAP && event != 0) {  // other ptrace events
    resume(tid, st, 0);
    return;
  }
  // signal-delivery-stop: report and deliver
  st.groupStopped = false;
  drainBuffer(tid, st, true);
  if (sig == SIGSEGV && opts_.trapTsc && !detaching_ && emulateTsc(tid, st)) {
    resume(tid, st, 0);  // answered: the fault is not the program's
    return;
  }
  siginfo_t given;
  if (interceptor_ && interceptor_->signalInfo(tid, sig, given)) xptrace(PTRACE_SETSIGINFO, tid, nullptr, &given);
  emitSignal(tid, st, sig, false, signalInCall(tid, st));
  if (interceptor_) interceptor_->onSignalStop(st.pid, tid, sig);
  if (detaching_) { xptrace(PTRACE_DETACH, tid, 0L, long(sig)); threads_.erase(tid); return; }
  resume(tid, st, sig);
}

void Tracer::doDetach() {
  // Decisions that came before the detach are applied first (a verdict answered, then detach)
  serviceParked();
  // Threads parked at a call's exit have their call recorded as it returned (the decision that
  // did not come changes nothing); those parked at its entry are recorded unfinished below.
  for (pid_t tid : std::vector<pid_t>(parked_.begin(), parked_.end())) {
    auto it = threads_.find(tid);
    if (it == threads_.end() || it->second.parked != 2) continue;
    auto& x = it->second.parkedExit;
    it->second.parked = 0;
    finishExit(tid, it->second, nullptr, x.rval, x.isError, x.retInPlace, x.resumed, x.ts, x.riftsOwn);
  }
  for (auto& kv : threads_) kv.second.parked = 0;
  parked_.clear();
  // A call skipped at entry (its result injected) runs no kernel code and reaches its exit stop
  // at once: take that stop before detaching, so the stream records it whole, not unfinished.
  std::vector<pid_t> skipped;
  for (auto& kv : threads_)
    if (kv.second.inSyscall && kv.second.skipped) skipped.push_back(kv.first);
  for (pid_t tid : skipped) {
    int status;
    pid_t r;
    // the wake-up signal that asked for this detach may land now: wait on through EINTR, or
    // the call would be recorded unfinished
    while ((r = waitpid(tid, &status, __WALL)) < 0 && errno == EINTR) {}
    if (r == tid) handleStop(tid, status);
  }
  detaching_ = true;
  // Every thread must be in a ptrace-stop to be detached: interrupt them all, then detach
  // each as its stop arrives (handleStop sees detaching_).
  for (auto& kv : threads_) {
    if (kv.second.inSyscall) emitUnfinished(kv.first, kv.second, now());
    if (xptrace(PTRACE_DETACH, kv.first, 0L, 0L) == 0) kv.second.pid = -1;  // was stopped
    else xptrace(PTRACE_INTERRUPT, kv.first, 0L, 0L);
  }
  for (auto it = threads_.begin(); it != threads_.end();)
    it = it->second.pid == -1 ? threads_.erase(it) : std::next(it);
}

void Tracer::loop() {
  sigset_t wake;
  sigemptyset(&wake);
  sigaddset(&wake, kWakeSignal);
  pthread_sigmask(SIG_UNBLOCK, &wake, nullptr);
  bool killed = false;
  while (!threads_.empty()) {
    if (detachRequested_ && !detaching_) {
      if (launched_ && !opts_.pids.size()) {
        // a launched program is detached too: it runs on, untraced
      }
      doDetach();
      if (threads_.empty()) break;
    }
    if (killRequested_ && !killed) {
      killed = true;
      for (auto& kv : threads_) if (launched_) killTracee(kv.second.pid, kv.first);
      if (!launched_) { detachRequested_ = true; continue; }
    }
    int status;
    pid_t tid;
    if (parked_.empty()) {
      wakeEvery(false);
      tid = waitpid(-1, &status, __WALL | __WNOTHREAD);
    } else {
      // threads wait for a decision (a handler's verdict, a delay) while the others go on:
      // look at them, then at any stop, and sleep a little when there is none (wake() cuts
      // the sleep short when a verdict comes)
      serviceParked();
      if (parked_.empty()) continue;
      // wait for the next stop, or for wake() (a verdict came), or at most 2 ms (a delay's end;
      // a wake() that came just before this waitpid). The timer repeats: a tick that came
      // before waitpid (this thread preempted for 2 ms on a CPU it shares with the tracees and
      // the JS thread) would leave waitpid waiting for a stop that may never come, every
      // thread parked or asleep (a replay that hung)
      if (wakeEvery(true)) {
        tid = waitpid(-1, &status, __WALL | __WNOTHREAD);
      } else {
        tid = waitpid(-1, &status, __WALL | __WNOTHREAD | WNOHANG);
        if (tid == 0) {
          struct timespec nap = {0, 500000};
          nanosleep(&nap, nullptr);
          continue;
        }
      }
    }
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) break;
      throw sysErr(errno, "waitpid");
    }
    handleStop(tid, status);
  }
  wakeEvery(false);  // (its ticks would cut the calls of what follows short, EINTR)
}

// The ptrace thread's wake timer while threads are parked: on, it ticks every 2 ms (armed once,
// not at each turn of the loop); off, it is stopped. False when there is no timer.
bool Tracer::wakeEvery(bool on) {
  if (on && !wakeTimer_) {
    struct sigevent sev = {};
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = kWakeSignal;
    sev._sigev_un._tid = pid_t(syscall(SYS_gettid));
    timer_t timer;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) == 0) wakeTimer_ = timer;
  }
  if (!wakeTimer_) return false;
  if (on != wakeArmed_) {
    struct itimerspec every = {{0, on ? 2000000 : 0}, {0, on ? 2000000 : 0}};
    timer_settime(static_cast<timer_t>(wakeTimer_), 0, &every, nullptr);
    wakeArmed_ = on;
  }
  return true;
}

int Tracer::run() {
  tracerTid_ = pid_t(syscall(SYS_gettid));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = onWake;  // no SA_RESTART: waitpid returns EINTR
  sigaction(kWakeSignal, &sa, nullptr);
  // threads named for top -H and /proc/PID/task/*/comm; the flusher starts before the pinning
  // so that it does not inherit it: its timer wake-ups stay off the tracer's and tracee's CPU
  pthread_setname_np(pthread_self(), "rift-ptrace");
  std::thread flusher([this] {
    pthread_setname_np(pthread_self(), "rift-flush");
    flusherMain();
  });
  if (opts_.cpu >= 0) {
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(opts_.cpu, &cpus);
    sched_setaffinity(0, sizeof cpus, &cpus);
  }
  int reason = 0;
  try {
    if (opts_.pids.empty()) launch();
    else {
      settleLaunch();
      attach();
    }
    loop();
    reason = detaching_ ? 1 : killRequested_ ? 2 : 0;
  } catch (...) {
    settleLaunch();  // launch() failed before the fork: waitLaunched must not wait for ever
    for (auto& kv : threads_) {
      if (launched_) killTracee(kv.second.pid, kv.first);
      else xptrace(PTRACE_DETACH, kv.first, 0L, 0L);
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    flusher.join();
    throw;
  }
  if (launched_ && !childExited_ && detaching_) {
    // detached launched child: it keeps running and is no longer ours to reap
  }
  emitEnd(reason, childStatus_);
  {
    std::lock_guard<std::mutex> lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  flusher.join();
  if (errPipe_ >= 0) close(errPipe_);
  return childStatus_;
}

}  // namespace rift
