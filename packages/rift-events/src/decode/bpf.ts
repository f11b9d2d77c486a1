/**
 * bpf(2)'s attribute union as strace prints it: the command's struct, read as long as the call's
 * size argument says (what lies past it is 0), its fields printed in groups, each group only when
 * the size reaches it (the kernel grew each struct one release at a time). Memory the attribute
 * points to is printed where the engine captured it (the plan's rows in ../pointees.ts, each
 * capture index N of the attribute's argument: PROG_LOAD's program, licence, log and signature, OBJ_PIN's and
 * OBJ_GET's path, RAW_TRACEPOINT_OPEN's name, BTF_LOAD's bytes); the rest print as addresses.
 *
 * A command's layout is data: a list of fields at their offsets (x86-64), `cut` rows where
 * strace stops when the size does not reach an offset, and an `exit` row from which the fields
 * are the kernel's answer (read at the call's exit).
 */
import { captureBytes, capturedBytes, type Capture } from '../events.js';
import { ebpfProgram } from './bpf-filter.js';
import { boundedString } from './kstr.js';
import { cstringIn, ifindexText } from './sockaddr.js';
import { makedev, timeComment } from './structs.js';
import type { StructCtx } from './structs.js';
import { ABBREV, RAW, getCallStyle, hex, printEnum, printFlags, quote } from './values.js';

type Kind =
  | 'u32' | 'i32' | 'x32' | 'u64' | 'x64' | 'addr' | 'fd' | 'ifindex' | 'kver' | 'name'
  /** a pointer to memory this decoder does not have: NULL or the address */
  | 'ptr'
  /** a directory descriptor (AT_FDCWD by name) */
  | 'dirfd'
  /** a pointer to a C string the engine captured (index 2 of the attribute): strace's printstr */
  | 'str:2'
  /** a pointer to a path the engine captured (index 1): strace's printpath */
  | 'path:1'
  /** a pointer to a string of at most 128 bytes (index 1): strace's printstr_ex with that bound */
  | 'str128:1'
  | `enum:${string}` | `flags:${string}`
  /** 64-bit flags whose 0 has a name (BPF_ANY) */
  | `flags64:${string}`;
type Field = readonly [name: string, offset: number, kind: Kind];
type Row =
  | Field
  /** the rest only when the attribute reaches this offset */
  | { cut: number }
  /** the rest only when it reaches this offset, and read at exit */
  | { exit: number }
  /** when it does not reach `upto`: this field alone, and nothing after */
  | { upto: number; alone: Field }
  /** BPF_MAP_CREATE's numa_node: only with BPF_F_NUMA_NODE */
  | { numa: number }
  /** fields printed inside a named struct (strace's union member): name={...} */
  | { group: string; rows: readonly Row[] }
  /** a field whose meaning another field decides: its text, name included */
  | { custom: (b: Buffer, c: StructCtx, len: number, exit: Buffer) => string };

/** strace's page size bound: a larger attribute prints as its address */
const PAGE = 4096;

const PROG_LOAD: readonly Row[] = [
  ['prog_type', 0, 'enum:bpf_prog_type'], ['insn_cnt', 4, 'u32'],
  // the program with -v (capture index 1), else its address
  { custom: (b, c) => {
    const p = b.readBigUInt64LE(8);
    return `insns=${p && c.verbose ? ebpfProgram(pointee(c, 1), b.readUInt32LE(4), p) : p ? hex(p) : 'NULL'}`;
  } },
  ['license', 16, 'str:2'],
  { cut: 24 }, ['log_level', 24, 'u32'], ['log_size', 28, 'u32'],
  // at most log_size bytes of it, up to a NUL (capture index 3, at entry)
  { custom: (b, c) => {
    const p = b.readBigUInt64LE(32);
    const cap = p ? pointeeCap(c, 3) : undefined;
    if (!p || !cap || cap.fault) return `log_buf=${p ? hex(p) : 'NULL'}`;
    return `log_buf=${boundedString(captureBytes(cap), b.readUInt32LE(28), { ...c, addr: hex(p) })}`;
  } },
  { cut: 40 }, ['kern_version', 40, 'kver'],
  { cut: 44 }, ['prog_flags', 44, 'flags:bpf_prog_flags'],
  { cut: 48 }, ['prog_name', 48, 'name'],
  { cut: 64 }, ['prog_ifindex', 64, 'ifindex'],
  { cut: 68 }, ['expected_attach_type', 68, 'enum:bpf_attach_type'],
  { cut: 72 }, ['prog_btf_fd', 72, 'fd'], ['func_info_rec_size', 76, 'u32'], ['func_info', 80, 'addr'], ['func_info_cnt', 88, 'u32'],
  ['line_info_rec_size', 92, 'u32'], ['line_info', 96, 'addr'], ['line_info_cnt', 104, 'u32'],
  { cut: 108 }, ['attach_btf_id', 108, 'u32'],
  { cut: 112 }, ['attach_prog_fd', 112, 'fd'],
  { cut: 120 },
  { upto: 128, alone: ['fd_array', 120, 'addr'] }, ['core_relo_cnt', 116, 'u32'], ['fd_array', 120, 'addr'], ['core_relos', 128, 'addr'], ['core_relo_rec_size', 136, 'u32'],
  { exit: 140 }, ['log_true_size', 140, 'u32'],
  { cut: 144 }, ['prog_token_fd', 144, 'fd'],
  { cut: 148 }, ['fd_array_cnt', 148, 'u32'],
  { cut: 152 },
  // signature_size bytes in hex, -s of them (capture index 4)
  { custom: (b, c) => {
    const p = b.readBigUInt64LE(152), size = b.readUInt32LE(160);
    const cap = p ? pointeeCap(c, 4) : undefined;
    const want = Math.min(c.stringSize + 1, size), shown = Math.min(want, c.stringSize);
    if (!p || !cap || cap.fault || cap.len < want) return `signature=${p ? hex(p) : 'NULL'}`;
    return `signature=${quote(captureBytes(cap).subarray(0, shown), { ...c, hex: 2 })}${size > c.stringSize ? '...' : ''}`;
  } }, ['signature_size', 160, 'u32'], ['keyring_id', 164, 'i32'],
];

const MAP_CREATE: readonly Row[] = [
  ['map_type', 0, 'enum:bpf_map_type'], ['key_size', 4, 'u32'], ['value_size', 8, 'u32'], ['max_entries', 12, 'u32'],
  { cut: 16 }, ['map_flags', 16, 'flags:bpf_map_flags'],
  { cut: 20 }, ['inner_map_fd', 20, 'fd'],
  { cut: 24 }, { numa: 24 },
  { cut: 28 }, ['map_name', 28, 'name'],
  { cut: 44 }, ['map_ifindex', 44, 'ifindex'],
  { cut: 48 }, ['btf_fd', 48, 'fd'], ['btf_key_type_id', 52, 'u32'], ['btf_value_type_id', 56, 'u32'],
  { cut: 60 }, ['btf_vmlinux_value_type_id', 60, 'u32'],
  { cut: 64 }, ['map_extra', 64, 'u64'],
  { cut: 72 }, ['value_type_btf_obj_fd', 72, 'fd'],
  { cut: 76 }, ['map_token_fd', 76, 'fd'],
  { cut: 80 }, ['excl_prog_hash', 80, 'addr'], ['excl_prog_hash_size', 88, 'u32'],
];

const MAP_LOOKUP_ELEM: readonly Row[] = [['map_fd', 0, 'fd'], ['key', 8, 'addr'], ['value', 16, 'addr'], { cut: 24 }, ['flags', 24, 'flags64:bpf_lookup_flags']];
const MAP_UPDATE_ELEM: readonly Row[] = [['map_fd', 0, 'fd'], ['key', 8, 'addr'], ['value', 16, 'addr'], ['flags', 24, 'flags64:bpf_update_flags']];
const MAP_DELETE_ELEM: readonly Row[] = [['map_fd', 0, 'fd'], ['key', 8, 'addr']];
const MAP_GET_NEXT_KEY: readonly Row[] = [['map_fd', 0, 'fd'], ['key', 8, 'addr'], ['next_key', 16, 'addr']];
const OBJ_PIN: readonly Row[] = [['pathname', 0, 'path:1'], ['bpf_fd', 8, 'fd'], { cut: 12 }, ['file_flags', 12, 'flags:bpf_file_flags'], { cut: 16 }, ['path_fd', 16, 'dirfd']];
/** the attach types whose target is an interface, not a descriptor */
const IFINDEX_TARGETS = new Set([46, 47, 54, 55, 37]);  // BPF_TCX_INGRESS, BPF_TCX_EGRESS, BPF_NETKIT_PRIMARY, BPF_NETKIT_PEER, BPF_XDP
const PROG_ATTACH: readonly Row[] = [
  { custom: (b, c) => (IFINDEX_TARGETS.has(b.readUInt32LE(8)) ? `target_ifindex=${ifindexText(b.readUInt32LE(0))}` : `target_fd=${field(b, 0, 'fd', 0, c)}`) },
  ['attach_bpf_fd', 4, 'fd'], ['attach_type', 8, 'enum:bpf_attach_type'], ['attach_flags', 12, 'flags:bpf_attach_flags'],
  { cut: 16 }, ['replace_bpf_fd', 16, 'fd'],
  { cut: 20 },
  // BPF_F_ID: the relative program by id
  { custom: (b, c) => (b.readUInt32LE(12) & 32 ? `relative_id=${b.readUInt32LE(20)}` : `relative_fd=${field(b, 20, 'fd', 0, c)}`) },
  ['expected_revision', 24, 'u64'],
];
const PROG_TEST_RUN: readonly Row[] = [
  { custom: (b, c, len) => {
    const out: string[] = [];
    const f = (name: string, o: number, kind: Kind) => out.push(`${name}=${field(b, o, kind, 0, c)}`);
    f('prog_fd', 0, 'fd'); f('retval', 4, 'u32'); f('data_size_in', 8, 'u32'); f('data_size_out', 12, 'u32'); f('data_in', 16, 'addr'); f('data_out', 24, 'addr');
    f('repeat', 32, 'u32'); f('duration', 36, 'u32');
    if (len > 40) { f('ctx_size_in', 40, 'u32'); f('ctx_size_out', 44, 'u32'); f('ctx_in', 48, 'addr'); f('ctx_out', 56, 'addr'); }
    if (len > 64) { f('flags', 64, 'flags:bpf_test_run_flags'); f('cpu', 68, 'u32'); }
    if (len > 72) f('batch_size', 72, 'u32');
    return `test={${out.join(', ')}}`;
  } },
];
// the next id is the kernel's answer
const GET_NEXT_ID: readonly Row[] = [['start_id', 0, 'u32'], { exit: 0 }, ['next_id', 4, 'u32']];
/**
 * BPF_OBJ_GET_INFO_BY_FD: the object, the length given (=> the kernel's when it wrote another) and
 * the address of the info (the struct there is memory this decoder does not have)
 */
const OBJ_GET_INFO_BY_FD: readonly Row[] = [
  { custom: (b, c, _len, exit) => {
    const given = b.readUInt32LE(4), got = exit.readUInt32LE(4);
    return `info={bpf_fd=${field(b, 0, 'fd', 0, c)}, info_len=${given}${got !== given ? ` => ${got}` : ''}, info=${objInfo(b, exit, c)}}`;
  } },
];
/** struct bpf_map_info's fields, each group only when the info's length goes past its offset */
const MAP_INFO: readonly Row[] = [
  ['type', 0, 'enum:bpf_map_type'], ['id', 4, 'u32'], ['key_size', 8, 'u32'], ['value_size', 12, 'u32'], ['max_entries', 16, 'u32'], ['map_flags', 20, 'flags:bpf_map_flags'],
  { cut: 24 }, { custom: (b) => `name=${cstringIn(b.subarray(24, 40), 16)}` },
  { cut: 40 }, ['ifindex', 40, 'ifindex'], ['btf_vmlinux_value_type_id', 44, 'u32'], { custom: (b) => `netns_dev=${makedev(b.readBigUInt64LE(48))}` }, ['netns_ino', 56, 'u64'],
  { cut: 64 }, ['btf_id', 64, 'u32'], ['btf_key_type_id', 68, 'u32'], ['btf_value_type_id', 72, 'u32'],
  { cut: 80 }, ['btf_vmlinux_id', 76, 'u32'], ['map_extra', 80, 'x64'],
  { cut: 88 }, ['hash', 88, 'x64'], ['hash_size', 96, 'u32'],
];
const MAP_INFO_SIZE = 104;
/**
 * OBJ_GET_INFO_BY_FD's info with -v, as the kernel left it (capture index 1 at exit, info_len
 * bytes as it says): a map's struct bpf_map_info (the object's kind from its descriptor's path,
 * as strace reads it: known with -y); else, or when it could not be read, its address
 */
function objInfo(b: Buffer, exit: Buffer, c: StructCtx): string {
  const p = exit.readBigUInt64LE(8);
  const addr = p ? hex(p) : 'NULL';
  const size = exit.readUInt32LE(4);
  const cap = exitPointeeCap(c, 1);
  if (!c.verbose || !cap || cap.fault || size === 0 || size > PAGE || cap.len < size) return addr;
  const kind = /<anon_inode:bpf-(map|prog)>$/.exec(c.fdText?.(b.readInt32LE(0)) ?? '')?.[1];
  if (kind === 'prog') return progInfo(captureBytes(cap), size, c);
  if (kind !== 'map') return addr;
  const len = Math.min(size, MAP_INFO_SIZE);
  const info = padded(captureBytes(cap), len);
  const out: string[] = [];
  fields(MAP_INFO, info, info, len, c, out);
  return `{${out.join(', ')}}`;
}

const PROG_INFO_SIZE = 228;
/**
 * struct bpf_prog_info as the kernel left it (`bytes`, `size` long), the lengths and counts the
 * program gave first where the kernel changed them (the info at entry, capture index 1: GIVEN =>
 * KERNEL'S), and what it points to as strace prints it: jited_prog_insns' bytes in hex (index 2),
 * the xlated program (index 3, as many whole instructions as both lengths hold), map_ids (index
 * 4, as many as both counts say); the rest of its pointers as addresses
 */
function progInfo(bytes: Buffer, size: number, c: StructCtx): string {
  const len = Math.min(size, PROG_INFO_SIZE);
  const info = padded(bytes, len);
  const entryCap = pointeeCap(c, 1);
  // (an entry info that could not be read counts as zeros, as strace's)
  const saved = padded(capturedBytes(entryCap) ?? Buffer.alloc(0), len);
  const u = (o: number) => String(info.readUInt32LE(o));
  const changed = (o: number) => (saved.readUInt32LE(o) !== info.readUInt32LE(o) ? `${saved.readUInt32LE(o)} => ${u(o)}` : u(o));
  const addr64 = (b: Buffer, o: number) => (b.readBigUInt64LE(o) ? hex(b.readBigUInt64LE(o)) : 'NULL');
  const changedAddr = (o: number) => (saved.readBigUInt64LE(o) !== info.readBigUInt64LE(o) ? `${addr64(saved, o)} => ${addr64(info, o)}` : addr64(info, o));
  const out: string[] = [];
  const f = (name: string, text: string) => out.push(`${name}=${text}`);
  f('type', printEnum('bpf_prog_type', info.readUInt32LE(0)));
  f('id', u(4));
  f('tag', quote(info.subarray(8, 16), { ...c, hex: 2 }));
  f('jited_prog_len', changed(16));
  const jited = info.readBigUInt64LE(24);
  f('jited_prog_insns', jited ? bytesText(c, jited, info.readUInt32LE(16), exitPointeeCap(c, 2), true) : 'NULL');
  f('xlated_prog_len', changed(20));
  const xlated = info.readBigUInt64LE(32);
  const insns = Math.floor(Math.min(saved.readUInt32LE(20), info.readUInt32LE(20)) / 8);
  const cap3 = exitPointeeCap(c, 3);
  f('xlated_prog_insns', xlated ? ebpfProgram(capturedBytes(cap3), insns, xlated) : 'NULL');
  if (len > 40) {
    const t = info.readBigUInt64LE(40);
    f('load_time', `${t}${bootTimeComment(t)}`);
    f('created_by_uid', String(info.readInt32LE(48)));
    f('nr_map_ids', changed(52));
    const ids = Math.min(saved.readUInt32LE(52), info.readUInt32LE(52));
    f('map_ids', arrayAt(c, info.readBigUInt64LE(56), ids, 4, exitPointeeCap(c, 4), (a, i) => String(a.readUInt32LE(i))));
    f('name', cstringIn(info.subarray(64, 80), 16));
  }
  if (len > 80) {
    f('ifindex', ifindexText(info.readUInt32LE(80)));
    f('gpl_compatible', String(info.readUInt32LE(84) & 1));
    f('netns_dev', makedev(info.readBigUInt64LE(88)));
    f('netns_ino', String(info.readBigUInt64LE(96)));
  }
  if (len > 104) {
    f('nr_jited_ksyms', changed(104));
    f('nr_jited_func_lens', changed(108));
    f('jited_ksyms', changedAddr(112));
    f('jited_func_lens', changedAddr(120));
  }
  if (len > 128) {
    f('btf_id', u(128));
    f('func_info_rec_size', changed(132));
    f('func_info', addr64(info, 136));
    f('nr_func_info', changed(144));
    f('nr_line_info', changed(148));
    f('line_info', addr64(info, 152));
    f('jited_line_info', changedAddr(160));
    f('nr_jited_line_info', changed(168));
    f('line_info_rec_size', changed(172));
    f('jited_line_info_rec_size', changed(176));
    f('nr_prog_tags', changed(180));
    f('prog_tags', addr64(info, 184));
  }
  if (len > 192) {
    f('run_time_ns', String(info.readBigUInt64LE(192)));
    f('run_cnt', String(info.readBigUInt64LE(200)));
  }
  if (len > 208) f('recursion_misses', String(info.readBigUInt64LE(208)));
  if (len > 216) f('verified_insns', u(216));
  if (len > 220) {
    f('attach_btf_obj_id', u(220));
    f('attach_btf_id', u(224));
  }
  return `{${out.join(', ')}}`;
}

/**
 * strace's comment after a boot-clock time (load_time, ns since boot): the wall-clock time it
 * was, from this machine's clocks now (the monotonic clock standing for the boot clock, as on a
 * machine that did not sleep; the recording's machine and boot are assumed to be this one)
 */
function bootTimeComment(ns: bigint): string {
  if (getCallStyle() === RAW) return '';
  const bootedAt = BigInt(Date.now()) * 1000000n - process.hrtime.bigint();
  return timeComment((bootedAt + ns) / 1000000000n);
}

const MAP_GET_FD_BY_ID: readonly Row[] = [['map_id', 0, 'u32'], { cut: 8 }, ['open_flags', 8, 'flags:bpf_file_mode_flags']];

const RAW_TRACEPOINT_OPEN: readonly Row[] = [{ group: 'raw_tracepoint', rows: [['name', 0, 'str128:1'], ['prog_fd', 8, 'fd'], { cut: 23 }, ['cookie', 16, 'x64']] }];
const BTF_LOAD: readonly Row[] = [
  // btf_size bytes (capture index 1) as strace's printstrn: -s of them
  { custom: (b, c) => {
    const p = b.readBigUInt64LE(0);
    const cap = p ? pointeeCap(c, 1) : undefined;
    const size = b.readUInt32LE(16), shown = Math.min(size, c.stringSize);
    if (!p || !cap || cap.fault || cap.len < shown) return `btf=${p ? hex(p) : 'NULL'}`;
    return `btf=${quote(captureBytes(cap).subarray(0, shown), c)}${size > shown ? '...' : ''}`;
  } },
  ['btf_log_buf', 8, 'addr'], ['btf_size', 16, 'u32'], ['btf_log_size', 20, 'u32'], ['btf_log_level', 24, 'u32'],
  { exit: 28 }, ['btf_log_true_size', 28, 'u32'], { cut: 32 }, ['btf_flags', 32, 'flags:bpf_file_flags'], ['btf_token_fd', 36, 'fd'],
];
const BTF_GET_FD_BY_ID: readonly Row[] = [['btf_id', 0, 'u32'], { cut: 8 }, ['open_flags', 8, 'flags:bpf_file_mode_flags'], ['fd_by_id_token_fd', 12, 'fd']];
const TASK_FD_QUERY: readonly Row[] = [{
  group: 'task_fd_query',
  rows: [
    ['pid', 0, 'i32'], ['fd', 4, 'fd'], ['flags', 8, 'u32'],
    // the buffer's length given, => the kernel's when it wrote another; then its answers
    { custom: (b, _c, _len, exit) => `buf_len=${b.readUInt32LE(12)}${exit.readUInt32LE(12) !== b.readUInt32LE(12) ? ` => ${exit.readUInt32LE(12)}` : ''}` },
    // the name the kernel wrote (capture index 1 at exit), as long as both lengths allow
    { custom: (b, c, _len, exit) => {
      const p = exit.readBigUInt64LE(16), n = Math.min(b.readUInt32LE(12), exit.readUInt32LE(12));
      const cap = p ? exitPointeeCap(c, 1) : undefined;
      if (!p || !cap || cap.fault) return `buf=${p ? hex(p) : 'NULL'}`;
      return `buf=${boundedString(captureBytes(cap), n, { ...c, addr: hex(p) })}`;
    } },
    { exit: 0 }, ['prog_id', 24, 'u32'], ['fd_type', 28, 'enum:bpf_task_fd_type'], ['probe_offset', 32, 'x64'], ['probe_addr', 40, 'x64'],
  ],
}];
const batch = (fields: readonly Row[]): readonly Row[] => [{ group: 'batch', rows: fields }];
const MAP_LOOKUP_BATCH = batch([['in_batch', 0, 'addr'], ['out_batch', 8, 'addr'], ['keys', 16, 'addr'], ['values', 24, 'addr'], ['count', 32, 'u32'], ['map_fd', 36, 'fd'],
  ['elem_flags', 40, 'flags64:bpf_lookup_flags'], ['flags', 48, 'x64']]);
const MAP_UPDATE_BATCH = batch([['keys', 16, 'addr'], ['values', 24, 'addr'], ['count', 32, 'u32'], ['map_fd', 36, 'fd'], ['elem_flags', 40, 'flags64:bpf_update_flags'], ['flags', 48, 'x64']]);
const MAP_DELETE_BATCH = batch([['keys', 16, 'addr'], ['count', 32, 'u32'], ['map_fd', 36, 'fd'], ['elem_flags', 40, 'flags64:bpf_lookup_flags'], ['flags', 48, 'x64']]);
const LINK_UPDATE: readonly Row[] = [{
  group: 'link_update',
  rows: [['link_fd', 0, 'fd'], ['new_prog_fd', 4, 'fd'], ['flags', 8, 'flags:bpf_attach_flags'],
    // the program replaced, with BPF_F_REPLACE only
    { custom: (b, c) => (b.readUInt32LE(8) & 4 ? `old_prog_fd=${field(b, 12, 'fd', 0, c)}` : '') }],
}];
const ids = (a: Buffer, i: number) => String(a.readUInt32LE(i));
const attachFlags = (a: Buffer, i: number) => printFlags('bpf_attach_flags', a.readUInt32LE(i), 32);
/** PROG_QUERY's array at `o` of the attribute as the kernel left it: prog_cnt u32 (capture `index` at exit) */
function queryArray(exit: Buffer, c: StructCtx, o: number, index: number, one: (a: Buffer, i: number) => string): string {
  return arrayAt(c, exit.readBigUInt64LE(o), exit.readUInt32LE(24), 4, exitPointeeCap(c, index), one);
}
const PROG_QUERY: readonly Row[] = [{
  group: 'query',
  rows: [
    { custom: (b, c) => (IFINDEX_TARGETS.has(b.readUInt32LE(4)) ? `target_ifindex=${ifindexText(b.readUInt32LE(0))}` : `target_fd=${field(b, 0, 'fd', 0, c)}`) },
    ['attach_type', 4, 'enum:bpf_attach_type'], ['query_flags', 8, 'flags:bpf_query_flags'], ['attach_flags', 12, 'flags:bpf_attach_flags'],
    // the kernel's answers: the programs, and their count (the one given => the kernel's)
    // (the arrays: capture indexes 1 to 4 at exit, as long as the count the kernel left)
    { exit: 0 },
    { custom: (b, c, _len, exit) => {
      const given = b.readUInt32LE(24), got = exit.readUInt32LE(24);
      return `prog_ids=${queryArray(exit, c, 16, 1, ids)}, prog_cnt=${given !== got ? `${given} => ${got}` : got}`;
    } },
    { cut: 32 }, { custom: (_b, c, _len, exit) => `prog_attach_flags=${queryArray(exit, c, 32, 2, attachFlags)}` },
    { cut: 40 },
    { custom: (_b, c, _len, exit) => `link_ids=${queryArray(exit, c, 40, 3, ids)}, link_attach_flags=${queryArray(exit, c, 48, 4, attachFlags)}` },
    ['revision', 56, 'x64'],
  ],
}];
/** the attach types whose link attaches to a cgroup */
const CGROUP_ATTACH = new Set([0, 1, 2, 3, 6, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 29, 30, 31, 32, 34, 49, 50, 51, 52, 53]);
/** the struct a BPF_LINK_CREATE attribute ends with for its attach type: its fields' text and its size */
function linkCreateTail(b: Buffer, c: StructCtx): [string[], number] {
  const type = b.readUInt32LE(8), flags = b.readUInt32LE(12);
  const u = (o: number) => String(b.readUInt32LE(o));
  const x = (o: number) => field(b, o, 'x64', 0, c);
  const fd = (o: number) => field(b, o, 'fd', 0, c);
  // the arrays the struct points to, captured as index `index` (see ../pointees.ts)
  const u32s = (o: number, cnt: number, index: number) => arrayAt(c, b.readBigUInt64LE(o), cnt, 4, pointeeCap(c, index), (a, i) => String(a.readUInt32LE(i)));
  const x64s = (o: number, cnt: number, index: number) => arrayAt(c, b.readBigUInt64LE(o), cnt, 8, pointeeCap(c, index), (a, i) => (a.readBigUInt64LE(i) ? hex(a.readBigUInt64LE(i)) : '0'));
  // relative to another program by id (BPF_F_ID) or by descriptor, and the revision expected
  const relative = (name: string): [string[], number] => [[`${name}={${flags & 32 ? `relative_id=${u(16)}` : `relative_fd=${fd(16)}`}, expected_revision=${x(24)}}`], 32];
  if (CGROUP_ATTACH.has(type)) {
    if (flags & (8 | 16)) return relative('cgroup');  // BPF_F_BEFORE, BPF_F_AFTER
    return [b.readUInt32LE(16) ? [`target_btf_id=${u(16)}`] : [], 20];
  }
  switch (type) {
    case 28:  // BPF_TRACE_ITER
      return [[`iter_info=${arrayAt(c, b.readBigUInt64LE(16), b.readUInt32LE(24), 4, pointeeCap(c, 1), (a, i) => `{map={map_fd=${c.fdText ? c.fdText(a.readInt32LE(i)) : a.readInt32LE(i)}}}`)}`, `iter_info_len=${u(24)}`], 28];
    case 41:  // BPF_PERF_EVENT
      return [[`perf_event={bpf_cookie=${x(16)}}`], 24];
    case 24: case 25: case 26: case 27: case 58:  // FENTRY, FEXIT, MODIFY_RETURN, LSM_MAC, FSESSION
      return [[`tracing={target_btf_id=${u(16)}, cookie=${x(24)}}`], 32];
    case 59: case 60: case 61: {  // the _MULTI tracing types
      const cnt = b.readUInt32LE(32);
      return [[`tracing_multi={ids=${u32s(16, cnt, 1)}, cookies=${x64s(24, cnt, 2)}, cnt=${cnt}}`], 36];
    }
    case 45:  // BPF_NETFILTER
      return [[`netfilter={pf=${u(16)}, hooknum=${u(20)}, priority=${b.readInt32LE(24)}, flags=${printFlags('bpf_netfilter_flags', b.readUInt32LE(28), 32)}}`], 32];
    case 46: case 47:  // BPF_TCX_INGRESS, BPF_TCX_EGRESS
      return relative('tcx');
    case 54: case 55:  // BPF_NETKIT_PRIMARY, BPF_NETKIT_PEER
      return relative('netkit');
    case 42: {  // BPF_TRACE_KPROBE_MULTI
      const cnt = b.readUInt32LE(20);
      // syms: pointers (capture index 16), string i as index 17 + i
      const syms = arrayAt(c, b.readBigUInt64LE(24), cnt, 8, pointeeCap(c, 16), (a, i) => cstringAt(c, a.readBigUInt64LE(i), 17 + i / 8));
      return [[`kprobe_multi={flags=${printFlags('bpf_kprobe_multi_flags', b.readUInt32LE(16), 32)}, cnt=${cnt}, syms=${syms}, addrs=${x64s(32, cnt, 2)}, cookies=${x64s(40, cnt, 3)}}`], 48];
    }
    case 48: {  // BPF_TRACE_UPROBE_MULTI
      const cnt = b.readUInt32LE(48);
      const parts = [`path=${field(b, 16, 'path:1', 0, c)}`, `offsets=${x64s(24, cnt, 2)}`, `ref_ctr_offsets=${x64s(32, cnt, 3)}`, `cookies=${x64s(40, cnt, 4)}`, `cnt=${cnt}`,
        `flags=${printFlags('bpf_uprobe_multi_flags', b.readUInt32LE(52), 32)}`, `pid=${b.readInt32LE(56)}`];
      return [[`uprobe_multi={${parts.join(', ')}`], 64];
    }
  }
  return [[], 16];
}
const LINK_CREATE: readonly Row[] = [{
  group: 'link_create',
  rows: [
    ['prog_fd', 0, 'fd'],
    { custom: (b, c) => (IFINDEX_TARGETS.has(b.readUInt32LE(8)) ? `target_ifindex=${ifindexText(b.readUInt32LE(4))}` : `target_fd=${field(b, 4, 'fd', 0, c)}`) },
    ['attach_type', 8, 'enum:bpf_attach_type'], ['flags', 12, 'flags:bpf_attach_flags'],
    { cut: 16 },
    { custom: (b, c, len) => {
      const [parts] = linkCreateTail(b, c);
      // uprobe_multi's path_fd when the attribute holds it, and the struct's closing brace
      if (b.readUInt32LE(8) === 48) return `${parts.join(', ')}${len > 60 ? `, path_fd=${field(b, 60, 'fd', 0, c)}` : ''}}`;
      return parts.join(', ');
    } },
  ],
}];
const PROG_STREAM_READ_BY_FD: readonly Row[] = [
  { exit: 0 },
  { group: 'prog_stream_read', rows: [
    // stream_buf_len bytes of it as the call left them (capture index 1 at exit), -s of them
    { custom: (b, c) => {
      const p = b.readBigUInt64LE(0), size = b.readUInt32LE(8);
      return `stream_buf=${p ? bytesText(c, p, size, exitPointeeCap(c, 1), false) : 'NULL'}`;
    } },
    ['stream_buf_len', 8, 'u32'], ['stream_id', 12, 'u32'], ['prog_fd', 16, 'fd']] },
];

/**
 * each command's layout and its struct's size; BPF_LINK_CREATE's bytes past the struct its
 * attach type uses are extra data
 */
const COMMANDS: ReadonlyMap<number, readonly [readonly Row[], number, ((b: Buffer, c: StructCtx) => number)?]> = new Map<number, readonly [readonly Row[], number, ((b: Buffer, c: StructCtx) => number)?]>([
  [28, [LINK_CREATE, 64, (b, c) => linkCreateTail(b, c)[1]]],
  [0, [MAP_CREATE, 92]],
  [1, [MAP_LOOKUP_ELEM, 32]],
  [2, [MAP_UPDATE_ELEM, 32]],
  [3, [MAP_DELETE_ELEM, 16]],
  [4, [MAP_GET_NEXT_KEY, 24]],
  [5, [PROG_LOAD, 168]],
  [6, [OBJ_PIN, 20]],
  [7, [OBJ_PIN, 20]],
  [8, [PROG_ATTACH, 32]],
  [9, [PROG_ATTACH, 32]],
  [10, [PROG_TEST_RUN, 76]],
  [11, [GET_NEXT_ID, 8]],
  [12, [GET_NEXT_ID, 8]],
  [13, [[['prog_id', 0, 'u32']], 4]],
  [14, [MAP_GET_FD_BY_ID, 12]],
  [15, [OBJ_GET_INFO_BY_FD, 16]],
  [16, [PROG_QUERY, 64]],
  [17, [RAW_TRACEPOINT_OPEN, 24]],
  [18, [BTF_LOAD, 40]],
  [19, [BTF_GET_FD_BY_ID, 16]],
  [20, [TASK_FD_QUERY, 48]],
  [21, [MAP_LOOKUP_ELEM, 32]],
  [22, [[['map_fd', 0, 'fd']], 4]],
  [23, [GET_NEXT_ID, 8]],
  [24, [MAP_LOOKUP_BATCH, 56]],
  [25, [MAP_LOOKUP_BATCH, 56]],
  [26, [MAP_UPDATE_BATCH, 56]],
  [27, [MAP_DELETE_BATCH, 56]],
  [29, [LINK_UPDATE, 16]],
  [30, [[['link_id', 0, 'u32']], 4]],
  [31, [GET_NEXT_ID, 8]],
  [32, [[{ group: 'enable_stats', rows: [['type', 0, 'enum:bpf_stats_type']] }], 4]],
  [33, [[{ group: 'iter_create', rows: [['link_fd', 0, 'fd'], ['flags', 4, 'x32']] }], 8]],
  [34, [[{ group: 'link_detach', rows: [['link_fd', 0, 'fd']] }], 4]],
  [35, [[{ group: 'prog_bind_map', rows: [['prog_fd', 0, 'fd'], ['map_fd', 4, 'fd'], ['flags', 8, 'x32']] }], 12]],
  [36, [[{ group: 'token_create', rows: [['flags', 0, 'x32'], ['bpffs_fd', 4, 'fd']] }], 8]],
  [37, [PROG_STREAM_READ_BY_FD, 20]],
  [38, [[{ group: 'prog_assoc_struct_ops', rows: [['map_fd', 0, 'fd'], ['prog_fd', 4, 'fd'], ['flags', 8, 'x32']] }], 12]],
]);

/** KERNEL_VERSION(a, b, c) of a version word, in the -X style */
function kernelVersion(v: number): string {
  const style = getCallStyle();
  const num = hex(v);
  if (style === RAW) return num;
  const text = `KERNEL_VERSION(${v >>> 16}, ${(v >>> 8) & 0xff}, ${v & 0xff})`;
  return style === ABBREV ? text : `${num} /* ${text} */`;
}

/** the capture of memory the attribute points to, index `index` (taken at entry) */
function pointeeCap(c: StructCtx, index: number): Capture | undefined {
  return (c.entryCaps ?? c.caps).find((x) => x.index === index);
}
/** the same, taken at exit (the kernel's answer): none when the attribute is decoded at entry */
function exitPointeeCap(c: StructCtx, index: number): Capture | undefined {
  return c.entryCaps ? c.caps.find((x) => x.index === index) : undefined;
}

/**
 * `size` bytes at `p` as strace's printstr_ex of that length: -s of them, quoted (in hex with
 * `forceHex`), `...` when there were more; the address when they could not be read
 */
function bytesText(c: StructCtx, p: bigint, size: number, cap: Capture | undefined, forceHex: boolean): string {
  const shown = Math.min(size, c.stringSize);
  if (!cap || cap.fault || cap.len < shown) return hex(p);
  return `${quote(captureBytes(cap).subarray(0, shown), forceHex ? { ...c, hex: 2 } : c)}${size > c.stringSize ? '...' : ''}`;
}

/**
 * An array of `cnt` elements of `size` bytes at `p` as strace's print_array: NULL, [] when empty,
 * the address when its first element could not be read, else the elements that could be and
 * `... /* where the rest begins *\/`; without -v no more than -s of them, then `...`
 */
function arrayAt(c: StructCtx, p: bigint, cnt: number, size: number, cap: Capture | undefined, one: (b: Buffer, offset: number) => string): string {
  if (p === 0n) return 'NULL';
  if (cnt === 0) return '[]';
  const b = capturedBytes(cap) ?? Buffer.alloc(0);
  const out: string[] = [];
  for (let i = 0; i < cnt; i++) {
    if (!c.verbose && i >= c.stringSize) {
      out.push('...');
      break;
    }
    if ((i + 1) * size > b.length) {
      if (i === 0) return hex(p);
      out.push(`... /* ${hex(p + BigInt(i * size))} */`);
      break;
    }
    out.push(one(b, i * size));
  }
  return `[${out.join(', ')}]`;
}

function pointee(c: StructCtx, index: number): Buffer | undefined {
  const cap = pointeeCap(c, index);
  return capturedBytes(cap);
}

/**
 * A C string at `p` from its capture (index `index`), as strace prints it: NULL; the address when
 * it could not be read, or ran into memory that could not be before its NUL; else quoted, -s
 * bytes of it at most, and `...` when it went on past them or reached `bound` bytes without a
 * NUL (printstr: no bound; printpath: PATH_MAX, 4095 bytes shown; printstr_ex's bound: all shown)
 */
function cstringAt(c: StructCtx, p: bigint, index: number, bound = Infinity, shownAtBound = bound): string {
  if (p === 0n) return 'NULL';
  const cap = pointeeCap(c, index);
  if (!cap || cap.fault) return hex(p);
  const b = captureBytes(cap);
  const cut = cap.full !== undefined;
  if (!cut && b.length < bound && b.length <= c.stringSize && b.length > 0 && (Number(p & 0xfffn) + b.length) % 4096 === 0) return hex(p);
  if (b.length >= bound) return quote(b.subarray(0, Math.min(shownAtBound, c.stringSize)), c) + '...';
  if (cut || b.length > c.stringSize) return quote(b.subarray(0, c.stringSize), c) + '...';
  return quote(b, c);
}

function field(b: Buffer, o: number, kind: Kind, len: number, c: StructCtx): string {
  switch (kind) {
    case 'str:2': return cstringAt(c, b.readBigUInt64LE(o), 2);
    case 'path:1': return cstringAt(c, b.readBigUInt64LE(o), 1, 4096, 4095);
    case 'str128:1': return cstringAt(c, b.readBigUInt64LE(o), 1, 128);
    case 'u32': return String(b.readUInt32LE(o));
    case 'i32': return String(b.readInt32LE(o));
    case 'x32': return b.readUInt32LE(o) ? hex(b.readUInt32LE(o)) : '0';
    case 'x64': return b.readBigUInt64LE(o) ? hex(b.readBigUInt64LE(o)) : '0';
    case 'u64': return String(b.readBigUInt64LE(o));
    case 'addr':
    case 'ptr': {
      const p = b.readBigUInt64LE(o);
      return p ? hex(p) : 'NULL';
    }
    case 'fd': return c.fdText ? c.fdText(b.readInt32LE(o)) : String(b.readInt32LE(o));
    case 'dirfd': {
      const fd = b.readInt32LE(o);
      if (fd !== -100) return c.fdText ? c.fdText(fd) : String(fd);
      const style = getCallStyle();
      return style === ABBREV ? 'AT_FDCWD' : style === RAW ? '-100' : '-100 /* AT_FDCWD */';
    }
    case 'ifindex': return ifindexText(b.readUInt32LE(o));
    case 'kver': return kernelVersion(b.readUInt32LE(o));
    case 'name': return cstringIn(b.subarray(o, o + 16), Math.min(16, len - o));
  }
  const [how, table] = kind.split(':') as ['enum' | 'flags' | 'flags64', string];
  if (how === 'flags64') return printFlags(table, b.readBigUInt64LE(o), 64);
  return how === 'enum' ? printEnum(table, b.readUInt32LE(o)) : printFlags(table, b.readUInt32LE(o), 32);
}

/** the fields of `rows` that a `len`-byte attribute holds */
function fields(rows: readonly Row[], entry: Buffer, exit: Buffer, len: number, c: StructCtx, out: string[]): void {
  let b = entry;
  for (const r of rows) {
    if ('cut' in r) {
      if (len <= r.cut) return;
    } else if ('exit' in r) {
      if (len <= r.exit) return;
      b = exit;
    } else if ('upto' in r) {
      if (len <= r.upto) {
        out.push(`${r.alone[0]}=${field(b, r.alone[1], r.alone[2], len, c)}`);
        return;
      }
    } else if ('group' in r) {
      const inner: string[] = [];
      fields(r.rows, b, exit, len, c, inner);
      out.push(`${r.group}={${inner.join(', ')}}`);
    } else if ('custom' in r) {
      const t = r.custom(b, c, len, exit);
      if (t) out.push(t);
    } else if ('numa' in r) {
      // numa_node only with BPF_F_NUMA_NODE
      if (b.readUInt32LE(16) & 4) {
        const n = b.readUInt32LE(r.numa);
        out.push(`numa_node=${n}${n === 0xffffffff && getCallStyle() !== RAW ? ' /* NUMA_NO_NODE */' : ''}`);
      }
    } else {
      out.push(`${r[0]}=${field(b, r[1], r[2], len, c)}`);
    }
  }
}

/** the bytes of a capture, zero-filled to `size` */
function padded(bytes: Buffer, size: number): Buffer {
  const b = Buffer.alloc(Math.max(size, 256));
  bytes.copy(b, 0, 0, Math.min(bytes.length, size));
  return b;
}

export function bpfAttr(b: Buffer, c: StructCtx): string {
  const cmd = Number(BigInt.asUintN(32, BigInt(c.args[0] ?? 0)));
  const size = Number(BigInt.asUintN(32, BigInt(c.args[2] ?? 0)));
  const layout = COMMANDS.get(cmd);
  if (!layout || size === 0 || size > PAGE) return c.addr;
  // the attribute as the call began, and as the kernel left it (an inout capture decoded at exit)
  const entryCap = c.entryCaps?.[0] ?? c.caps[0];
  if (!entryCap || entryCap.fault) return c.addr;
  const entryBytes = c.entryCaps ? captureBytes(entryCap) : b;
  if (entryBytes.length < size) return c.addr;
  const [rows, maxSize, sizeOf] = layout;
  const len = Math.min(size, maxSize);
  const entry = padded(entryBytes, len);
  const exit = c.entryCaps && b.length >= len ? padded(b, len) : entry;
  const out: string[] = [];
  fields(rows, entry, exit, len, c, out);
  const attrSize = sizeOf ? sizeOf(entry, c) : maxSize;
  // bytes past the struct this decoder knows: "..." when any is not 0 (its hex with -v)
  if (size > attrSize) {
    const extra = entryBytes.subarray(attrSize, size);
    if (extra.some((x) => x !== 0)) out.push(c.verbose ? `extra_data=${quote(extra, { hex: 2 })} /* bytes ${attrSize}..${size - 1} */` : '...');
  }
  return `{${out.join(', ')}}`;
}
