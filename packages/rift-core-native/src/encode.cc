// Records to NDJSON text; see encode.h. Each case below writes the keys of decodeRecord's event
// (lib/decode.ts) in the order that object literal and its later assignments give them.
#include "encode.h"

#include <cstring>

#include "record_buffer.h"

namespace rift {
namespace {

// Capture kinds whose captures are arrays, one blob an element (CaptureKind in tracer.h).
constexpr int64_t kArrayKinds = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 6) | (1 << 8);  // StringArray, IoVec, MsgHdr, Pointee, MsgHdrVec
constexpr int64_t kMaxExact = (int64_t(1) << 53) - 1;            // beyond: a decimal string
constexpr int SIGCHLD_ = 17;
constexpr size_t kSiUtime = 32, kSiStime = 40;  // in x86-64 siginfo_t (SIGCHLD's part)

const char* const kSpawnKinds[] = {"fork", "vfork", "thread", "process"};
const char* const kEndReasons[] = {"exit", "detach", "killed"};

int64_t i64At(const uint8_t* p) {
  int64_t v;
  memcpy(&v, p, 8);
  return v;
}
uint32_t u32At(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

void putInt(std::string& out, int64_t v) {
  char tmp[24];
  char* e = tmp + sizeof tmp;
  char* p = e;
  uint64_t u = v < 0 ? 0 - uint64_t(v) : uint64_t(v);
  do *--p = char('0' + u % 10); while (u /= 10);
  if (v < 0) *--p = '-';
  out.append(p, size_t(e - p));
}

// An Int64 of the stream: a number when a double holds it exactly, else a decimal string.
void putInt64(std::string& out, int64_t v) {
  if (v >= -kMaxExact && v <= kMaxExact) return putInt(out, v);
  out += '"';
  putInt(out, v);
  out += '"';
}

// An ASCII byte inside a JSON string, escaped as JSON.stringify escapes it.
void putAscii(std::string& out, uint8_t c) {
  static const char hex[] = "0123456789abcdef";
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
  }
  if (c < 0x20) {
    out += "\\u00";
    out += hex[c >> 4];
    out += hex[c & 15];
  } else {
    out += char(c);
  }
}

// The bytes as the inside of a JSON string, decoded as UTF-8 the way the Encoding standard
// (and so Buffer.toString('utf8')) decodes: each maximal ill-formed subpart becomes U+FFFD.
// With strict set, stops at the first ill-formed byte instead and returns false (isUtf8).
bool putUtf8(std::string& out, const uint8_t* s, size_t n, bool strict) {
  static const char kReplacement[] = "\xEF\xBF\xBD";
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    if (b < 0x80) {
      putAscii(out, b);
      i++;
      continue;
    }
    size_t need;
    uint8_t lower = 0x80, upper = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) need = 1;
    else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lower = 0xA0;
      if (b == 0xED) upper = 0x9F;  // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lower = 0x90;
      if (b == 0xF4) upper = 0x8F;  // nothing above U+10FFFF
    } else {
      if (strict) return false;
      out += kReplacement;
      i++;
      continue;
    }
    size_t j = i + 1;
    for (size_t k = 0; k < need; k++, j++) {
      if (j >= n || s[j] < lower || s[j] > upper) break;
      lower = 0x80, upper = 0xBF;
    }
    if (j - i == need + 1) {
      out.append(reinterpret_cast<const char*>(s + i), need + 1);
    } else {
      // the lead and the continuation bytes that fitted are one ill-formed subpart; the byte
      // that did not fit starts again
      if (strict) return false;
      out += kReplacement;
    }
    i = j;
  }
  return true;
}

void putBase64(std::string& out, const uint8_t* s, size_t n) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = uint32_t(s[i]) << 16 | uint32_t(s[i + 1]) << 8 | s[i + 2];
    const char q[4] = {abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], abc[v & 63]};
    out.append(q, 4);
  }
  if (n - i == 1) {
    uint32_t v = uint32_t(s[i]) << 16;
    const char q[4] = {abc[v >> 18], abc[(v >> 12) & 63], '=', '='};
    out.append(q, 4);
  } else if (n - i == 2) {
    uint32_t v = uint32_t(s[i]) << 16 | uint32_t(s[i + 1]) << 8;
    const char q[4] = {abc[v >> 18], abc[(v >> 12) & 63], abc[(v >> 6) & 63], '='};
    out.append(q, 4);
  }
}

// A name from a table, or the fallback decodeRecord's lookup gives: prefix + the number.
void putName(std::string& out, const std::vector<std::string>& table, int64_t i, const char* prefix) {
  out += '"';
  if (i >= 0 && uint64_t(i) < table.size() && !table[size_t(i)].empty()) out += table[size_t(i)];
  else {
    out += prefix;
    putInt(out, i);
  }
  out += '"';
}

struct Blob {
  uint8_t arg, flags, kind;
  uint32_t index, full, len;
  const uint8_t* bytes;
};

class RecordText {
 public:
  RecordText(const EncodeTables& t, const uint8_t* rec, EncodeState& st, std::string& out)
      : t_(t), rec_(rec), st_(st), out_(out) {}

  int64_t v(int i) const { return i64At(rec_ + 24 + 8 * i); }
  uint16_t kind() const { return uint16_t(rec_[4] | rec_[5] << 8); }
  uint16_t nblobs() const { return uint16_t(rec_[6] | rec_[7] << 8); }
  int32_t tid() const { return int32_t(u32At(rec_ + 8)); }
  int32_t pid() const { return int32_t(u32At(rec_ + 12)); }

  // Calls f with each of the record's blobs, in order.
  template <class F>
  void eachBlob(F f) const {
    const uint8_t* p = rec_ + kRecordHeader;
    for (uint16_t i = 0; i < nblobs(); i++) {
      Blob b{p[0], p[1], p[2], u32At(p + 4), u32At(p + 8), u32At(p + 12), p + kBlobHeader};
      f(b);
      p += kBlobHeader + b.len;
    }
  }
  // The first blob of argument `arg` (any argument: -1); false when there is none.
  bool firstBlob(int arg, Blob& out) const {
    bool found = false;
    eachBlob([&](const Blob& b) {
      if (!found && (arg < 0 || b.arg == arg)) out = b, found = true;
    });
    return found;
  }

  // `{"type":"T","seq":N` and, for most kinds, `,"pid":P,"tid":T`
  void begin(const char* type, bool ids) {
    out_ += "{\"type\":\"";
    out_ += type;
    out_ += "\",\"seq\":";
    putInt(out_, st_.seq);
    if (ids) {
      key("pid", pid());
      key("tid", tid());
    }
  }
  void key(const char* k, int64_t n) {
    out_ += ",\"";
    out_ += k;
    out_ += "\":";
    putInt(out_, n);
  }
  void keyOf(const char* k) {
    out_ += ",\"";
    out_ += k;
    out_ += "\":";
  }
  void ts() { key("ts", i64At(rec_ + 16) - st_.start); }

  void syscall() {
    int64_t nr = v(0), flags = v(9);
    begin("syscall", true);
    ts();
    key("nr", nr);
    keyOf("name");
    putName(out_, t_.syscallNames, nr, "syscall_");
    size_t n = 6;
    if (!(flags & SC_COMPAT) && nr >= 0 && uint64_t(nr) < t_.arities.size()) n = t_.arities[size_t(nr)];
    out_ += ",\"args\":[";
    for (size_t i = 0; i < n; i++) {
      if (i) out_ += ',';
      putInt64(out_, v(1 + int(i)));
    }
    out_ += ']';
    bool unfinished = flags & SC_UNFINISHED;
    int64_t ret = v(7), dur = v(8);
    keyOf("ret");
    if (unfinished) out_ += "null";
    else putInt64(out_, ret);
    keyOf("dur");
    if (dur < 0) out_ += "null";
    else putInt(out_, dur);
    if (!unfinished && ret < 0 && ret >= -4095) {
      keyOf("errno");
      putName(out_, t_.errnoNames, -ret, "E");
    }
    if (nblobs()) {
      out_ += ",\"mem\":[";
      bool first = true;
      eachBlob([&](const Blob& b) {
        if (!first) out_ += ',';
        first = false;
        capture(b);
      });
      out_ += ']';
    }
    if (unfinished) out_ += ",\"status\":\"unfinished\"";
    else if (flags & SC_RESUMED) out_ += ",\"status\":\"resumed\"";
    if (flags & SC_INJECTED) out_ += ",\"injected\":true";
    if (flags & SC_SKIPPED) out_ += ",\"skipped\":true";
    if (flags & SC_COMPAT) out_ += ",\"compat\":true";
    if (flags & SC_BUFFERED) out_ += ",\"buffered\":true";
    if (flags & SC_RIFT) out_ += ",\"rift\":true";
    if (flags & SC_VDSO) out_ += ",\"vdso\":true";
    if (flags & SC_AGAIN) out_ += ",\"again\":true";
    out_ += "}\n";
  }

  // decode.ts captureOf's object
  void capture(const Blob& b) {
    out_ += "{\"arg\":";
    putInt(out_, b.arg);
    out_ += b.flags & BLOB_EXIT ? ",\"at\":\"exit\"" : ",\"at\":\"entry\"";
    key("len", b.flags & BLOB_FAULT ? 0 : b.len);
    if (b.kind < 32 && (kArrayKinds & (int64_t(1) << b.kind))) key("index", b.index);
    if (b.flags & BLOB_FAULT) {
      keyOf("fault");
      putName(out_, t_.errnoNames, b.full, "E");
    } else if (b.flags & BLOB_MORE) {
      out_ += ",\"more\":true";
    } else {
      size_t mark = out_.size();
      out_ += ",\"enc\":\"utf8\",\"data\":\"";
      if (putUtf8(out_, b.bytes, b.len, true)) {
        out_ += '"';
      } else {
        out_.resize(mark);
        out_ += ",\"enc\":\"base64\",\"data\":\"";
        putBase64(out_, b.bytes, b.len);
        out_ += '"';
      }
      if (b.flags & BLOB_TRUNCATED || b.full > b.len) key("full", b.full);
    }
    out_ += '}';
  }

  void text(const Blob* b) {
    out_ += '"';
    if (b) putUtf8(out_, b->bytes, b->len, false);
    out_ += '"';
  }

  void exec() {
    begin("exec", true);
    ts();
    Blob path;
    keyOf("path");
    text(firstBlob(0, path) ? &path : nullptr);
    out_ += ",\"argv\":[";
    bool first = true;
    eachBlob([&](const Blob& b) {
      if (b.arg != 1) return;
      if (!first) out_ += ',';
      first = false;
      text(&b);
    });
    out_ += ']';
    int64_t oldTid = v(0);
    if (oldTid && oldTid != tid()) key("oldTid", oldTid);
    out_ += "}\n";
  }

  void signal() {
    int64_t signo = v(0);
    begin("signal", true);
    ts();
    key("signo", signo);
    keyOf("sig");
    putName(out_, t_.signalNames, signo, "");
    Blob siginfo;
    if (v(7)) {
      out_ += ",\"stop\":true";
    } else if (firstBlob(0, siginfo)) {
      // siginfo is a union: only the fields this signal and code carry
      int64_t code = v(1);
      key("code", code);
      bool fault = signo == 4 || signo == 5 || signo == 7 || signo == 8 || signo == 11;
      if (fault && code > 0) {
        keyOf("addr");
        putInt64(out_, v(5));
      } else {
        key("senderPid", v(2));
        key("senderUid", v(3));
        if (signo == SIGCHLD_) {
          key("status", v(4));
          if (siginfo.len >= kSiStime + 8) {
            key("utime", i64At(siginfo.bytes + kSiUtime));
            key("stime", i64At(siginfo.bytes + kSiStime));
          }
        }
      }
      if (v(6)) key("errno", v(6));
    }
    if (int64_t in = v(8)) {
      // came inside the syscall buffer's wrapper of a call (Tracer::signalInCall)
      static const char* const kAt[] = {"", "entry", "exit", "interrupted"};
      int64_t nr = in >> 4;
      out_ += ",\"inCall\":{\"nr\":";
      putInt(out_, nr);
      out_ += ",\"name\":";
      putName(out_, t_.syscallNames, nr, "syscall_");
      out_ += ",\"at\":\"";
      out_ += kAt[in & 3];
      out_ += '"';
      if (in & 8) out_ += ",\"late\":true";
      out_ += '}';
    }
    if (v(9)) {
      // the instruction it interrupted in the program's own code, and where it is in the file
      keyOf("ip");
      putInt64(out_, v(9));
      Blob code;
      if (firstBlob(1, code) && code.len > 8) {
        keyOf("ipFile");
        Blob path = code;
        path.bytes += 8;
        path.len -= 8;
        text(&path);
        keyOf("ipOffset");
        putInt64(out_, i64At(code.bytes));
      }
    }
    out_ += "}\n";
  }

  void exit() {
    begin("exit", true);
    ts();
    if (v(0) >= 0) key("code", v(0));
    else {
      keyOf("signal");
      putName(out_, t_.signalNames, v(1), "");
    }
    if (v(2)) out_ += ",\"core\":true";
    out_ += "}\n";
  }

  void end() {
    begin("end", false);
    ts();
    int64_t reason = v(0), status = v(1);
    if (reason < 0 || reason > 2) reason = 0;  // an unknown reason reads as exit
    out_ += ",\"reason\":\"";
    out_ += kEndReasons[reason];
    out_ += '"';
    // decode.ts statusToCode: the code, or 128 + the killing signal; none for a stop
    if (reason == 0) {
      if ((status & 0x7f) == 0) key("exitCode", (status >> 8) & 0xff);
      else if ((status & 0xff) != 0x7f) key("exitCode", 128 + (status & 0x7f));
    }
    out_ += "}\n";
  }

  void spawn() {
    begin("spawn", true);
    ts();
    key("child", v(0));
    key("childPid", v(1));
    int64_t k = v(2);
    out_ += ",\"kind\":\"";
    out_ += k >= 0 && k < 4 ? kSpawnKinds[k] : "process";
    out_ += "\"}\n";
  }

  // an rdtsc/rdtscp the tracer answered (trapTsc): lib/decode.ts writes the same
  void tsc() {
    begin("rdtsc", true);
    ts();
    out_ += v(1) ? ",\"insn\":\"rdtscp\"" : ",\"insn\":\"rdtsc\"";
    keyOf("value");
    putInt64(out_, v(0));
    if (v(1)) key("aux", v(2));
    out_ += "}\n";
  }

  void warning() {
    begin("warning", false);
    key("tid", tid());
    ts();
    Blob message;
    keyOf("message");
    text(firstBlob(-1, message) ? &message : nullptr);
    out_ += "}\n";
  }

 private:
  const EncodeTables& t_;
  const uint8_t* rec_;
  EncodeState& st_;
  std::string& out_;
};

}  // namespace

void encodeRecords(const EncodeTables& tables, const uint8_t* buf, size_t len, EncodeState& st, std::string& out) {
  for (size_t off = 0; off + kRecordHeader <= len;) {
    uint32_t reclen = u32At(buf + off);
    if (reclen < kRecordHeader || off + reclen > len) break;  // not a record the engine wrote
    RecordText r(tables, buf + off, st, out);
    off += reclen;
    switch (r.kind()) {
      case REC_SYSCALL: r.syscall(); break;
      case REC_SPAWN: r.spawn(); break;
      case REC_EXEC: r.exec(); break;
      case REC_SIGNAL: r.signal(); break;
      case REC_EXIT: r.exit(); break;
      case REC_END: r.end(); break;
      case REC_WARNING: r.warning(); break;
      case REC_TSC: r.tsc(); break;
      default: continue;  // a kind this version does not know: skipped, no seq taken
    }
    st.seq++;
  }
}

}  // namespace rift
