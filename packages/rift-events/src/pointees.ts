/**
 * Memory that a struct argument points to, as capture-plan data: which pointer field of which
 * argument's struct to follow, for which selector values (setsockopt's level and name, bpf's
 * command), and how long the memory there is (a C string, or a length field of the same struct
 * times an element size). The engines follow these rows without knowing any syscall: a
 * `When` row guards the row after it, a `Pointee` row reads args[arg] + ptr (a pointer), then
 * the memory it points to, into the blob of the argument with the given index (index 0, or no
 * index, is the struct itself, captured by the argument's own row).
 *
 * Row layouts (PLAN_ROW int32 fields each, see syscalls.ts):
 *   When:    nr, arg, 0, When, value, field, op, 0, 0: the next row of nr only when the low 32
 *            bits of argument `arg` (field 0), or the u32 at offset field - 1 of the struct it
 *            points to, equal `value` (op 0) or are at least `value` (op 1, unsigned); consecutive
 *            When rows all hold
 *   Pointee: nr, arg, atExit, Pointee, strings << 20 | lenOff << 8 | (of + 1) << 4 | lenSize,
 *            index << 16 | ptrOff, max, hops << 16 | (via + 1) << 1 | onError, scale:
 *            the pointer at offset ptrOff of the struct at argument `arg` (ptrOff 0xffff: the
 *            argument itself; 0x8000 | off: the memory at the thread's stack pointer at the
 *            call's entry plus off, what rt_sigreturn takes back from a signal frame); its length the unsigned lenSize-byte field at lenOff of that struct
 *            (of + 1 = 0) or of the struct at argument `of`, times scale, or (lenSize 0) a C
 *            string; `max` bounds the bytes kept (-1: whole). strings 1: the memory is that many
 *            pointers to C strings, blob `index`, and string j is blob index + 1 + j (each
 *            bounded by `max`). strings 2: lenOff bytes, a fixed length. via + 1 > 0: the struct is where the pointer at offset `via` of
 *            the argument's struct points (one level further), and `hops` levels more through
 *            the same offset of each struct reached (a linked list's later entries)
 */

export const PointeeKind = { Pointee: 6, When: 7 } as const;
/** a Pointee row's ptrOff when the argument itself is the pointer */
const POINTER_IS_ARG = 0xffff;
/** a Pointee row's ptrOff bit: the memory is at the stack pointer plus the low 15 bits */
const POINTER_AT_SP = 0x8000;

export type PointeeLength =
  /** a NUL-terminated string, kept up to -s */
  | { cstring: true }
  /**
   * an unsigned field of the struct (its offset and size in bytes) times `scale` bytes; `of`: of
   * the struct another argument points to instead (getsockopt's *optlen)
   */
  | { field: number; size: 1 | 2 | 4 | 8; scale: number; of?: number }
  /** that many pointers to C strings (the field's count), each string kept up to -s */
  | { field: number; size: 1 | 2 | 4 | 8; strings: true }
  /** a fixed number of bytes (an int the kernel writes back: clone3's pidfd, parent_tid), 4095 at most */
  | { bytes: number };

export interface Pointee {
  /** the syscall, by name */
  call: string;
  /** the argument holding the struct's address */
  arg: number;
  /**
   * only when these arguments' low 32 bits have these values (or, with a field offset, the
   * u32 at that offset of the struct the argument points to)
   */
  when: ReadonlyArray<readonly [arg: number, value: number, field?: number]>;
  /**
   * the pointer field's offset in the struct; 'arg': the argument itself points to the memory;
   * { sp }: the memory is at the thread's stack pointer at the call's entry plus sp
   */
  ptr: number | 'arg' | { sp: number };
  len: PointeeLength;
  /** the blob index of the argument the memory goes to (1 and up) */
  index: number;
  /** read at the call's exit (the kernel's answer), when it succeeded (onError: also when it failed) */
  atExit?: boolean;
  onError?: boolean;
  /** the struct is where the pointer at this offset of the argument's struct points */
  via?: number;
  /** follow `via` this many more times, through the same offset of each struct reached (the
   * entries of a linked list: IORING_REGISTER_QUERY's) */
  hops?: number;
  /**
   * the argument that says how long the struct is (bpf's size): only when it reaches past the
   * pointer and the length field (what lies past it is not the program's)
   */
  sizedBy?: number;
  /**
   * bytes kept at most (strings: -s, arrays: 64 KiB, unless given); 'string': -s and one more,
   * to know whether the bytes went on past them
   */
  max?: number | 'string';
}

import { KEYCTL_POINTEES } from './decode/keyctl.js';

const SOL_SOCKET = 1, SO_ATTACH_FILTER = 26, SO_ATTACH_REUSEPORT_CBPF = 51;
const SECCOMP_SET_MODE_FILTER = 1;
/** ptrace(2) requests whose data points to more (uapi/linux/ptrace.h), and the register sets' note types */
const PTRACE = { GETREGSET: 0x4204, SETREGSET: 0x4205, PEEKSIGINFO: 0x4209 } as const;
const NT_PRSTATUS = 1, NT_FPREGSET = 2;
const PATH_MAX = 4096;
/** BPF_MAXINSNS instructions of 8 bytes: what strace prints of a classic or eBPF program at most */
const PROGRAM_BYTES = 4096 * 8;
/** one instruction more than strace prints: it knows the program was longer ("...") */
const PROGRAM_BOUND = PROGRAM_BYTES + 8;
/** bpf(2) commands (uapi/linux/bpf.h) */
const BPF = { PROG_LOAD: 5, OBJ_PIN: 6, OBJ_GET: 7, OBJ_GET_INFO_BY_FD: 15, PROG_QUERY: 16, RAW_TRACEPOINT_OPEN: 17, BTF_LOAD: 18, TASK_FD_QUERY: 20, LINK_CREATE: 28, PROG_STREAM_READ_BY_FD: 37 } as const;
/** BPF_LINK_CREATE's attach types (link_create.attach_type, the u32 at 8) whose struct points to arrays */
const ATTACH = { TRACE_ITER: 28, TRACE_KPROBE_MULTI: 42, TRACE_UPROBE_MULTI: 48, TRACE_FENTRY_MULTI: 59, TRACE_FEXIT_MULTI: 60, TRACE_FSESSION_MULTI: 61 } as const;
/** a LINK_CREATE row for one attach type */
const linkCreate = (type: number, rest: Omit<Pointee, 'call' | 'arg' | 'when'>): Pointee =>
  ({ call: 'bpf', arg: 1, when: [[0, BPF.LINK_CREATE], [1, type, 8]], ...rest });
/** bpf's rows: each only when the attribute's size (argument 2) holds its pointer and length */
const bpfSized = (rows: readonly Pointee[]): Pointee[] => rows.map((r) => (r.call === 'bpf' ? { ...r, sizedBy: 2 } : r));

/** struct sock_fprog / seccomp's: u16 len at 0, the instructions at 8, 8 bytes each */
const FPROG_INSNS = { ptr: 8, len: { field: 0, size: 2, scale: 8 }, index: 1, max: PROGRAM_BOUND } as const;

/** io_uring_register's opcodes whose argument points to more (<linux/io_uring.h>) */
const IORING_REGISTER = {
  FILES_UPDATE: 6, PROBE: 8, FILES2: 13, FILES_UPDATE2: 14, BUFFERS2: 15, BUFFERS_UPDATE: 16, IOWQ_MAX_WORKERS: 19, PBUF_STATUS: 26, NAPI: 27,
  UNREGISTER_NAPI: 28, SEND_MSG_RING: 31, QUERY: 35, ZCRX_CTRL: 36,
} as const;
/** IORING_REGISTER_QUERY's entries read: -s (32) and the next one's header, whose address strace prints */
const URING_QUERY_ENTRIES = 33;
function uringRegisterRows(): Pointee[] {
  const reg = (op: number, rest: Omit<Pointee, 'call' | 'arg' | 'when'>): Pointee => ({ call: 'io_uring_register', arg: 2, when: [[1, op]], ...rest });
  const R = IORING_REGISTER;
  const rows: Pointee[] = [
    // FILES_UPDATE's fds (as many ints as nr_args: the bytes of 1023 at most)
    reg(R.FILES_UPDATE, { ptr: 8, len: { bytes: 4092 }, index: 1 }),
    // the rsrc structs' data (ints or iovecs) and tags (u64), nr elements each (the u32 at 0, or at 24)
    reg(R.FILES2, { ptr: 16, len: { field: 0, size: 4, scale: 4 }, index: 1 }),
    reg(R.FILES2, { ptr: 24, len: { field: 0, size: 4, scale: 8 }, index: 2 }),
    reg(R.BUFFERS2, { ptr: 16, len: { field: 0, size: 4, scale: 16 }, index: 1 }),
    reg(R.BUFFERS2, { ptr: 24, len: { field: 0, size: 4, scale: 8 }, index: 2 }),
    reg(R.FILES_UPDATE2, { ptr: 8, len: { field: 24, size: 4, scale: 4 }, index: 1 }),
    reg(R.FILES_UPDATE2, { ptr: 16, len: { field: 24, size: 4, scale: 8 }, index: 2 }),
    reg(R.BUFFERS_UPDATE, { ptr: 8, len: { field: 24, size: 4, scale: 16 }, index: 1 }),
    reg(R.BUFFERS_UPDATE, { ptr: 16, len: { field: 24, size: 4, scale: 8 }, index: 2 }),
    // SEND_MSG_RING's SQE: attr_ptr's struct io_uring_attr_pi
    reg(R.SEND_MSG_RING, { ptr: 48, len: { bytes: 32 }, index: 3 }),
    // QUERY's list: entry 0's query_data (48 bytes at most), index 2 * URING_QUERY_ENTRIES
    reg(R.QUERY, { ptr: 8, len: { bytes: 48 }, index: 2 * URING_QUERY_ENTRIES }),
    // what the kernel writes back, read at exit when the call went through: PROBE's struct
    // (16 bytes and 256 ops of 8 at most), the workers' counts, a buffer ring's status, NAPI's
    // settings, ZCRX_CTRL's export
    ...([[R.PROBE, 16 + 8 * 256], [R.IOWQ_MAX_WORKERS, 4 * 64], [R.PBUF_STATUS, 40], [R.NAPI, 16], [R.UNREGISTER_NAPI, 16], [R.ZCRX_CTRL, 72]] as const)
      .map(([op, bytes]) => reg(op, { ptr: 'arg', len: { bytes }, index: 1, atExit: true })),
  ];
  // entry k (next_entry, at 0, k times over) as index 2k - 1, its query_data as 2k
  for (let k = 1; k < URING_QUERY_ENTRIES; k++) {
    rows.push(reg(R.QUERY, { ptr: 0, len: { bytes: 40 }, index: 2 * k - 1, ...(k > 1 ? { via: 0, hops: k - 2 } : {}) }));
    if (k < URING_QUERY_ENTRIES - 1) rows.push(reg(R.QUERY, { ptr: 8, len: { bytes: 48 }, index: 2 * k, via: 0, hops: k - 1 }));
  }
  // and the same with IORING_REGISTER_USE_REGISTERED_RING (the opcode's top bit: the ring is
  // a registered index)
  return rows.flatMap((r) => [r, { ...r, when: r.when.map(([arg, v]) => [arg, (v | 0x80000000) >>> 0] as const) }]);
}

export const POINTEES: readonly Pointee[] = bpfSized([
  { call: 'setsockopt', arg: 3, when: [[1, SOL_SOCKET], [2, SO_ATTACH_FILTER]], ...FPROG_INSNS },
  { call: 'setsockopt', arg: 3, when: [[1, SOL_SOCKET], [2, SO_ATTACH_REUSEPORT_CBPF]], ...FPROG_INSNS },
  // getsockopt(SO_GET_FILTER): the program the kernel wrote, *optlen (at exit: its instruction count) of 8 bytes
  { call: 'getsockopt', arg: 3, when: [[1, SOL_SOCKET], [2, SO_ATTACH_FILTER]], ptr: 'arg', len: { field: 0, size: 4, scale: 8, of: 4 }, index: 1, atExit: true, max: PROGRAM_BOUND },
  { call: 'seccomp', arg: 2, when: [[0, SECCOMP_SET_MODE_FILTER]], ...FPROG_INSNS },
  // bpf(2)'s union bpf_attr (argument 1), by command
  // PROG_LOAD: insns (insn_cnt eBPF instructions of 8 bytes), license
  { call: 'bpf', arg: 1, when: [[0, BPF.PROG_LOAD]], ptr: 8, len: { field: 4, size: 4, scale: 8 }, index: 1, max: PROGRAM_BOUND },
  { call: 'bpf', arg: 1, when: [[0, BPF.PROG_LOAD]], ptr: 16, len: { cstring: true }, index: 2 },
  // and log_buf as the program gave it: a string of at most log_size bytes
  { call: 'bpf', arg: 1, when: [[0, BPF.PROG_LOAD]], ptr: 32, len: { field: 28, size: 4, scale: 1 }, index: 3, max: 'string' },
  // and its signature, signature_size bytes
  { call: 'bpf', arg: 1, when: [[0, BPF.PROG_LOAD]], ptr: 152, len: { field: 160, size: 4, scale: 1 }, index: 4, max: 'string' },
  // OBJ_PIN, OBJ_GET: pathname
  { call: 'bpf', arg: 1, when: [[0, BPF.OBJ_PIN]], ptr: 0, len: { cstring: true }, index: 1, max: PATH_MAX },
  { call: 'bpf', arg: 1, when: [[0, BPF.OBJ_GET]], ptr: 0, len: { cstring: true }, index: 1, max: PATH_MAX },
  // RAW_TRACEPOINT_OPEN: raw_tracepoint.name, which the kernel reads 128 bytes of at most
  { call: 'bpf', arg: 1, when: [[0, BPF.RAW_TRACEPOINT_OPEN]], ptr: 0, len: { cstring: true }, index: 1, max: 128 },
  // BTF_LOAD: btf_size bytes of BTF (strace prints -s of them)
  { call: 'bpf', arg: 1, when: [[0, BPF.BTF_LOAD]], ptr: 0, len: { field: 16, size: 4, scale: 1 }, index: 1, max: 'string' },
  // LINK_CREATE by attach type: iter_info (u32 map_fd each), kprobe_multi's syms, addrs and
  // cookies, uprobe_multi's path and arrays, tracing_multi's ids and cookies
  linkCreate(ATTACH.TRACE_ITER, { ptr: 16, len: { field: 24, size: 4, scale: 4 }, index: 1 }),
  linkCreate(ATTACH.TRACE_KPROBE_MULTI, { ptr: 24, len: { field: 20, size: 4, strings: true }, index: 16 }),
  linkCreate(ATTACH.TRACE_KPROBE_MULTI, { ptr: 32, len: { field: 20, size: 4, scale: 8 }, index: 2 }),
  linkCreate(ATTACH.TRACE_KPROBE_MULTI, { ptr: 40, len: { field: 20, size: 4, scale: 8 }, index: 3 }),
  linkCreate(ATTACH.TRACE_UPROBE_MULTI, { ptr: 16, len: { cstring: true }, index: 1, max: PATH_MAX }),
  linkCreate(ATTACH.TRACE_UPROBE_MULTI, { ptr: 24, len: { field: 48, size: 4, scale: 8 }, index: 2 }),
  linkCreate(ATTACH.TRACE_UPROBE_MULTI, { ptr: 32, len: { field: 48, size: 4, scale: 8 }, index: 3 }),
  linkCreate(ATTACH.TRACE_UPROBE_MULTI, { ptr: 40, len: { field: 48, size: 4, scale: 8 }, index: 4 }),
  ...[ATTACH.TRACE_FENTRY_MULTI, ATTACH.TRACE_FEXIT_MULTI, ATTACH.TRACE_FSESSION_MULTI].flatMap((type) => [
    linkCreate(type, { ptr: 16, len: { field: 32, size: 4, scale: 4 }, index: 1 }),
    linkCreate(type, { ptr: 24, len: { field: 32, size: 4, scale: 8 }, index: 2 }),
  ]),
  // PROG_QUERY's answers: prog_ids, prog_attach_flags, link_ids, link_attach_flags, prog_cnt u32 each
  ...[16, 32, 40, 48].map((ptr, i): Pointee => ({ call: 'bpf', arg: 1, when: [[0, BPF.PROG_QUERY]], ptr, len: { field: 24, size: 4, scale: 4 }, index: 1 + i, atExit: true })),
  // TASK_FD_QUERY's answer: the name in buf, buf_len bytes as the kernel left it
  { call: 'bpf', arg: 1, when: [[0, BPF.TASK_FD_QUERY]], ptr: 16, len: { field: 12, size: 4, scale: 1 }, index: 1, atExit: true, onError: true, max: 'string' },
  // PROG_STREAM_READ_BY_FD: stream_buf_len bytes of stream_buf as the call left them, whatever it returned
  { call: 'bpf', arg: 1, when: [[0, BPF.PROG_STREAM_READ_BY_FD]], ptr: 0, len: { field: 8, size: 4, scale: 1 }, index: 1, atExit: true, onError: true, max: 'string' },
  // OBJ_GET_INFO_BY_FD: the info struct as the program gave it (a program's lengths and counts
  // given => the kernel's)
  { call: 'bpf', arg: 1, when: [[0, BPF.OBJ_GET_INFO_BY_FD]], ptr: 8, len: { field: 4, size: 4, scale: 1 }, index: 1, max: 4096 },
  // and what a program's info points to, as the kernel left it: jited_prog_insns (jited_prog_len
  // bytes), xlated_prog_insns (xlated_prog_len bytes), map_ids (nr_map_ids u32). (A map's info
  // has other fields there: what they point to, if anything, is read and not printed.)
  ...([[24, 16, 1, 'string'], [32, 20, 1, PROGRAM_BOUND], [56, 52, 4, 4096]] as const).map(([ptr, field, scale, max], i): Pointee =>
    ({ call: 'bpf', arg: 1, when: [[0, BPF.OBJ_GET_INFO_BY_FD]], via: 8, ptr, len: { field, size: 4, scale }, index: 2 + i, atExit: true, onError: true, max })),
  // OBJ_GET_INFO_BY_FD: the info struct as the kernel left it, info_len bytes (the kernel's
  // length), also when the call failed (strace prints it then too)
  { call: 'bpf', arg: 1, when: [[0, BPF.OBJ_GET_INFO_BY_FD]], ptr: 8, len: { field: 4, size: 4, scale: 1 }, index: 1, atExit: true, onError: true, max: 4096 },
  // setxattrat's and getxattrat's value (struct xattr_args: value at 0, size a u32 at 8), as
  // given and as the kernel wrote it: -s and one more byte (decode/xattr_args.ts)
  { call: 'setxattrat', arg: 4, when: [], ptr: 0, len: { field: 8, size: 4, scale: 1 }, index: 1, max: 'string' },
  { call: 'getxattrat', arg: 4, when: [], ptr: 0, len: { field: 8, size: 4, scale: 1 }, index: 1, atExit: true, max: 'string' },
  // rt_sigreturn's signal mask: the signal frame's uc_sigmask, which it puts back. At the call the
  // frame's return address has been popped: the stack pointer is at its struct ucontext, whose
  // uc_flags (8), uc_link (8), uc_stack (24) and uc_mcontext (256) come before the mask
  { call: 'rt_sigreturn', arg: 0, when: [], ptr: { sp: 296 }, len: { bytes: 8 }, index: 1, max: 8 },
  // clone3's set_tid: set_tid_size pids (u64 count at 72, the array at 64), 32 at most as strace
  { call: 'clone3', arg: 0, when: [], ptr: 64, len: { field: 72, size: 8, scale: 4 }, index: 1, max: 128 },
  // and the ints the kernel wrote back, pidfd (the pointer at 8) and parent_tid (at 24)
  { call: 'clone3', arg: 0, when: [], ptr: 8, len: { bytes: 4 }, index: 2, atExit: true, max: 4 },
  { call: 'clone3', arg: 0, when: [], ptr: 24, len: { bytes: 4 }, index: 3, atExit: true, max: 4 },
  // pselect6's and io_pgetevents' signal mask ({sigmask, sigsetsize}: sigsetsize bytes, 8 used)
  { call: 'pselect6', arg: 5, when: [], ptr: 0, len: { field: 8, size: 8, scale: 1 }, index: 1, max: 16 },
  { call: 'io_pgetevents', arg: 5, when: [], ptr: 0, len: { field: 8, size: 8, scale: 1 }, index: 1, max: 16 },
  // what keyctl's structures point to, by operation (decode/keyctl.ts)
  ...KEYCTL_POINTEES,
  // io_uring_enter's struct io_uring_getevents_arg (IORING_ENTER_EXT_ARG, a flag no When row can
  // test: read whatever argument 4 is): sigmask, sigmask_sz (u32 at 8) bytes; ts, a timespec
  { call: 'io_uring_enter', arg: 4, when: [], ptr: 0, len: { field: 8, size: 4, scale: 1 }, index: 1, max: 16 },
  { call: 'io_uring_enter', arg: 4, when: [], ptr: 16, len: { bytes: 16 }, index: 2, max: 16 },
  // io_uring_register's argument by opcode (decode/io_uring.ts; blob 0 is the argument's first bytes)
  ...uringRegisterRows(),
  // ptrace by request (decode/ptrace.ts): PTRACE_PEEKSIGINFO's arguments (the address argument:
  // u64 off, u32 flags, u32 nr) and the siginfos it copied (nr of 128 bytes; `ret` are printed)
  { call: 'ptrace', arg: 2, when: [[0, PTRACE.PEEKSIGINFO]], ptr: 'arg', len: { bytes: 16 }, index: 1 },
  { call: 'ptrace', arg: 3, when: [[0, PTRACE.PEEKSIGINFO]], ptr: 'arg', len: { field: 12, size: 4, scale: 128, of: 2 }, index: 1, atExit: true },
  // PTRACE_GETREGSET's and PTRACE_SETREGSET's registers: iov_len bytes at iov_base (the data's
  // struct iovec), the kernel's at exit; as much as strace reads of NT_PRSTATUS (a
  // user_regs_struct) and NT_FPREGSET (a user_fpregs_struct), the other note types not at all
  ...([[PTRACE.GETREGSET, true], [PTRACE.SETREGSET, false]] as const).flatMap(([req, atExit]) => [
    { call: 'ptrace', arg: 3, when: [[0, req], [2, NT_PRSTATUS]], ptr: 0, len: { field: 8, size: 8, scale: 1 }, index: 1, atExit, max: 216 },
    { call: 'ptrace', arg: 3, when: [[0, req], [2, NT_FPREGSET]], ptr: 0, len: { field: 8, size: 8, scale: 1 }, index: 1, atExit, max: 512 },
  ] satisfies Pointee[]),
]);

/** The plan rows of `POINTEES` (syscall numbers by `nrOf`); strings are bounded by `stringSize`. */
export function pointeeRows(nrOf: (name: string) => number | undefined, stringSize: number, only?: ReadonlySet<number>): number[] {
  const rows: number[] = [];
  for (const p of POINTEES) {
    const nr = nrOf(p.call);
    if (nr === undefined || (only && !only.has(nr))) continue;
    for (const [arg, value, field] of p.when) rows.push(nr, arg, 0, PointeeKind.When, value | 0, field === undefined ? 0 : field + 1, 0, 0, 0);
    const l = p.len;
    if (p.sizedBy !== undefined) {
      // (through `via`: the pointer to the struct that holds them)
      const end = p.via !== undefined ? p.via + 8 : Math.max(typeof p.ptr === 'number' ? p.ptr + 8 : 0, 'field' in l ? l.field + l.size : 0);
      rows.push(nr, p.sizedBy, 0, PointeeKind.When, end, 0, 1, 0, 0);
    }
    let lenDesc = 0, scale = 1;
    if ('strings' in l) lenDesc = (1 << 20) | (l.field << 8) | l.size;
    else if ('bytes' in l) lenDesc = (2 << 20) | (l.bytes << 8);
    else if ('field' in l) [lenDesc, scale] = [(l.field << 8) | ((l.of ?? -1) + 1) << 4 | l.size, l.scale];
    const max = p.max === 'string' ? stringSize + 1 : p.max ?? ('cstring' in l || 'strings' in l ? stringSize : 65536);
    const ptrOff = p.ptr === 'arg' ? POINTER_IS_ARG : typeof p.ptr === 'number' ? p.ptr : POINTER_AT_SP | p.ptr.sp;
    rows.push(nr, p.arg, p.atExit ? 1 : 0, PointeeKind.Pointee, lenDesc, (p.index << 16) | ptrOff, max, (p.hops ?? 0) << 16 | ((p.via ?? -1) + 1) << 1 | (p.onError ? 1 : 0), scale);
  }
  return rows;
}
