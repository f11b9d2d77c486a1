// Binary event records: the only format that crosses from the ptrace thread to JavaScript.
// Layout (little-endian), decoded by lib/decode.ts -- keep the two in step:
//   u32 len | u16 kind | u16 nblobs | i32 tid | i32 pid | i64 ts | i64 v[10]
//   then nblobs x ( u8 arg | u8 flags | u8 kind | u8 pad | u32 index | u32 fullLen | u32 len | bytes )
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

namespace rift {

enum RecordKind : uint16_t {
  REC_SYSCALL = 1,
  REC_SPAWN = 2,
  REC_EXEC = 3,
  REC_SIGNAL = 4,
  REC_EXIT = 5,
  REC_END = 6,
  REC_WARNING = 7,
  REC_TSC = 8,  // v[0] the counter, v[1] 1 for rdtscp, v[2] its TSC_AUX (trapTsc)
};

// Syscall record flags (v[9]).
constexpr int64_t SC_UNFINISHED = 1;  // no exit stop: cut short by exit_group, execve or SIGKILL
constexpr int64_t SC_RESUMED = 2;     // no entry stop seen (attached mid-call)
constexpr int64_t SC_SECCOMP = 4;     // entry came from a seccomp stop
constexpr int64_t SC_INJECTED = 8;    // return value, arguments or memory changed by the tracer
constexpr int64_t SC_COMPAT = 16;     // not an x86_64 native syscall (int 0x80 / x32)
constexpr int64_t SC_SKIPPED = 32;    // the kernel did not run it (neutralised at entry)
constexpr int64_t SC_BUFFERED = 64;   // recorded in process by the syscall buffer (no stop)
constexpr int64_t SC_VDSO = 256;      // a time read the vDSO answered in process (syscall
                                      // buffer): not a syscall; kept for replay
constexpr int64_t SC_RIFT = 128;      // made for rift, not by the program (the loader loading
                                      // the syscall buffer's library); kept only when asked
constexpr int64_t SC_AGAIN = 512;     // not the program's call: the tracer had the thread make
                                      // it again (an interceptor's restart verdict, or made
                                      // again at its exit); its result went nowhere

// Blob flags.
enum BlobFlags : uint8_t {
  BLOB_EXIT = 1,       // read at syscall exit (else entry)
  BLOB_FAULT = 2,      // pointer unreadable: fullLen holds the errno
  BLOB_TRUNCATED = 4,  // len < fullLen because of a display bound
  BLOB_MORE = 8,       // array had more elements than captured
};

constexpr size_t kRecordHeader = 4 + 2 + 2 + 4 + 4 + 8 + 80;
constexpr size_t kBlobHeader = 16;

class RecordWriter {
 public:
  explicit RecordWriter(std::vector<uint8_t>& out) : out_(out) {}

  void begin(uint16_t kind, int32_t tid, int32_t pid, int64_t ts) {
    start_ = out_.size();
    nblobs_ = 0;
    out_.resize(start_ + kRecordHeader, 0);
    uint8_t* p = out_.data() + start_;
    memcpy(p + 4, &kind, 2);
    memcpy(p + 8, &tid, 4);
    memcpy(p + 12, &pid, 4);
    memcpy(p + 16, &ts, 8);
  }
  void set(int i, int64_t v) { memcpy(out_.data() + start_ + 24 + 8 * i, &v, 8); }
  void blob(uint8_t arg, uint8_t flags, uint8_t kind, uint32_t index, uint32_t fullLen,
            const void* data, uint32_t len) {
    size_t at = out_.size();
    out_.resize(at + kBlobHeader + len);
    uint8_t* p = out_.data() + at;
    p[0] = arg; p[1] = flags; p[2] = kind; p[3] = 0;
    memcpy(p + 4, &index, 4);
    memcpy(p + 8, &fullLen, 4);
    memcpy(p + 12, &len, 4);
    if (len) memcpy(p + 16, data, len);
    nblobs_++;
  }
  // Reserve room for a blob whose bytes are filled in place (memory reads go straight here).
  uint8_t* blobReserve(uint8_t arg, uint8_t flags, uint8_t kind, uint32_t index, uint32_t cap) {
    blobAt_ = out_.size();
    out_.resize(blobAt_ + kBlobHeader + cap);
    uint8_t* p = out_.data() + blobAt_;
    p[0] = arg; p[1] = flags; p[2] = kind; p[3] = 0;
    memcpy(p + 4, &index, 4);
    return p + kBlobHeader;
  }
  void blobCommit(uint8_t flags, uint32_t fullLen, uint32_t len) {
    uint8_t* p = out_.data() + blobAt_;
    p[1] = flags;
    memcpy(p + 8, &fullLen, 4);
    memcpy(p + 12, &len, 4);
    out_.resize(blobAt_ + kBlobHeader + len);
    nblobs_++;
  }
  // Appends blobs already encoded elsewhere (entry captures kept until the exit stop).
  void appendBlobs(const std::vector<uint8_t>& scratch, uint16_t count) {
    if (!count) return;
    out_.insert(out_.end(), scratch.begin() + kRecordHeader, scratch.end());
    nblobs_ += count;
  }
  void end() {
    uint32_t len = uint32_t(out_.size() - start_);
    memcpy(out_.data() + start_, &len, 4);
    uint16_t nb = nblobs_;
    memcpy(out_.data() + start_ + 6, &nb, 2);
  }

 private:
  std::vector<uint8_t>& out_;
  size_t start_ = 0;
  size_t blobAt_ = 0;
  uint16_t nblobs_ = 0;
};

}  // namespace rift
