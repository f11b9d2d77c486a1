// The NDJSON text of a batch of binary records (record_buffer.h): exactly what
// JSON.stringify writes of each event lib/decode.ts's decodeBatch makes, key for key (test 18
// holds the two byte-identical). rift-record writes a stream and nothing else: in JavaScript,
// making that text cost about 5 us an event and most of the collector's work; here it is a
// fraction of a microsecond and no garbage.
//
// The engine knows no syscall by name: the names, arities, errno and signal names come from
// the TypeScript syscall knowledge, handed over once (EncodeTables).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rift {

struct EncodeTables {
  std::vector<std::string> syscallNames;  // by nr; "" = no name (syscall_NNN)
  std::vector<uint8_t> arities;           // by nr: arguments written (6 when unknown)
  std::vector<std::string> errnoNames;    // by errno; "" = none (ENNN)
  std::vector<std::string> signalNames;   // by signo; "" = none (the number)
};

struct EncodeState {
  int64_t seq;    // next seq to assign
  int64_t start;  // monotonic ns of the trace start, subtracted from each record's time
};

// Appends the lines of the records in buf[0, len) to out; st.seq moves past the events written.
void encodeRecords(const EncodeTables& tables, const uint8_t* buf, size_t len, EncodeState& st, std::string& out);

}  // namespace rift
