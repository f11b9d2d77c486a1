/**
 * perf_event_open(2)'s struct perf_event_attr as strace's print_perf_event_attr: as long as its
 * size field says (0: the first version's 64 bytes; more than strace knows: what it knows, then
 * `...`), only the 48 before wakeup_events unless -v; the config by the event's type, the bit flags that
 * are set (all with -v), the fields past the first version only where the size reaches them.
 * An E2BIG answer shows the size the kernel wrote back (`size=X => PERF_ATTR_SIZE_VER8`).
 *
 * Captured: the struct's 144 bytes (as many as can be read) at entry, its first 8 at exit
 * whatever the result (the size the kernel wrote).
 */
import type { CaseCapture } from '../syscalls.js';
import type { StructCtx, StructDecoder } from './structs.js';
import { hex0, printEnum, printFlags } from './values.js';

/** the size strace knows (PERF_ATTR_SIZE_VER9), the first version's, where -v starts */
const KNOWN = 144, VER0 = 64, WAKEUP = 48;
const PERF_TYPE = { HARDWARE: 0, SOFTWARE: 1, TRACEPOINT: 2, HW_CACHE: 3, BREAKPOINT: 5 } as const;
const SAMPLE_BRANCH_STACK = 1n << 11n, SAMPLE_STACK_USER = 1n << 13n;

/** the one-bit flags of the word at 40, by bit (precise_ip, two bits at 15, is apart) */
const FLAGS_LO = ['disabled', 'inherit', 'pinned', 'exclusive', 'exclude_user', 'exclude_kernel', 'exclude_hv', 'exclude_idle', 'mmap', 'comm', 'freq',
  'inherit_stat', 'enable_on_exec', 'task', 'watermark'];
const FLAGS_HI = ['mmap_data', 'sample_id_all', 'exclude_host', 'exclude_guest', 'exclude_callchain_kernel', 'exclude_callchain_user', 'mmap2',
  'comm_exec', 'use_clockid', 'context_switch', 'write_backward', 'namespaces', 'ksymbol', 'bpf_event', 'aux_output', 'cgroup', 'text_poke', 'build_id',
  'inherit_thread', 'remove_on_exec', 'sigtrap'];
const PRECISE_IP = ['arbitrary skid', 'constant skid', 'requested to have 0 skid', 'must have 0 skid'];
const AUX_FLAGS = ['aux_start_paused', 'aux_pause', 'aux_resume'];

/** `V<<N` of the shifted-out part of a config */
const shifted = (v: number | bigint, by: number): string => `${hex0(v)}<<${by}`;

function configText(type: number, config: bigint): string {
  switch (type) {
    case PERF_TYPE.HARDWARE: {
      const parts = config >> 32n ? [shifted(config >> 32n, 32)] : [];
      parts.push(printEnum('perf_hw_id', config & 0xffffffffn, 32));
      return parts.join('|');
    }
    case PERF_TYPE.SOFTWARE:
      return printEnum('perf_sw_ids', config, 64);
    case PERF_TYPE.TRACEPOINT:
      return String(config);
    case PERF_TYPE.HW_CACHE: {
      const parts = config >> 32n ? [shifted(config >> 32n, 32)] : [];
      if ((config & 0xffffffffn) >> 24n) parts.push(shifted((config & 0xffffffffn) >> 24n, 24));
      parts.push(`${printEnum('perf_hw_cache_op_result_id', (config >> 16n) & 0xffn, 32)}<<16`, `${printEnum('perf_hw_cache_op_id', (config >> 8n) & 0xffn, 32)}<<8`,
        printEnum('perf_hw_cache_id', config & 0xffn, 32));
      return parts.join('|');
    }
    default:
      return hex0(config);
  }
}

function perfAttr(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  const declared = b.readUInt32LE(4);
  let size = declared > KNOWN ? KNOWN : declared || VER0;
  if (size < VER0) return c.addr;
  // (without -v only what comes before wakeup_events is read)
  if (!c.verbose) size = WAKEUP;
  if (b.length < size) return c.addr;
  // the rest past the size read is zero, as strace's zeroed struct
  const a = Buffer.alloc(KNOWN);
  b.copy(a, 0, 0, size);
  const type = a.readUInt32LE(0);
  const out: string[] = [`type=${printEnum('perf_type', type, 32)}`];
  let sizeText = `size=${printEnum('perf_attr_size', declared, 32)}`;
  // the size the kernel wants, written back with E2BIG
  if (c.errno === 'E2BIG') {
    const after = c.other(0, 'exit');
    sizeText += ` => ${after && after.length >= 8 ? printEnum('perf_attr_size', after.readUInt32LE(4), 32) : '???'}`;
  }
  out.push(sizeText, `config=${configText(type, a.readBigUInt64LE(8))}`);
  const flags = a.readBigUInt64LE(40);
  const bit = (n: number): number => Number((flags >> BigInt(n)) & 1n);
  out.push(`${bit(10) ? 'sample_freq' : 'sample_period'}=${a.readBigUInt64LE(16)}`);
  const sampleType = a.readBigUInt64LE(24);
  out.push(`sample_type=${printFlags('perf_sample_format', sampleType, 64)}`, `read_format=${printFlags('perf_read_format', a.readBigUInt64LE(32), 64)}`);
  const flag = (name: string, v: number): void => {
    if (c.verbose || v) out.push(`${name}=${v}`);
  };
  FLAGS_LO.forEach((name, i) => flag(name, bit(i)));
  const precise = Number((flags >> 15n) & 3n);
  out.push(`precise_ip=${precise} /* ${PRECISE_IP[precise]} */`);
  FLAGS_HI.forEach((name, i) => flag(name, bit(17 + i)));
  const reserved1 = flags >> 38n;
  if (reserved1) out.push(`__reserved_1=${hex0(reserved1)} /* Bits 63..38 */`);
  const done = (): string => {
    if (declared ? declared > size : size < VER0) out.push('...');
    return `{${out.join(', ')}}`;
  };
  if (!c.verbose) return done();
  const breakpoint = type === PERF_TYPE.BREAKPOINT;
  out.push(`${bit(14) ? 'wakeup_watermark' : 'wakeup_events'}=${a.readUInt32LE(WAKEUP)}`);
  if (breakpoint) {
    const bp = a.readUInt32LE(52);
    const name = printEnum('hw_breakpoint_type', bp, 32);
    // an unknown one: any mix of R/W with X is invalid
    out.push(`bp_type=${name !== String(bp) && !name.startsWith('0x') ? name : `${hex0(bp)} /* ${bp <= 7 ? 'HW_BREAKPOINT_INVALID' : 'HW_BREAKPOINT_???'} */`}`);
    out.push(`bp_addr=${hex0(a.readBigUInt64LE(56))}`);
  } else out.push(`config1=${hex0(a.readBigUInt64LE(56))}`);
  /** whether the size reaches the field at `off` */
  const has = (off: number): boolean => off < size;
  if (!has(64)) return done();
  out.push(breakpoint ? `bp_len=${a.readBigUInt64LE(64)}` : `config2=${hex0(a.readBigUInt64LE(64))}`);
  if (!has(72)) return done();
  if (sampleType & SAMPLE_BRANCH_STACK) out.push(`branch_sample_type=${printFlags('perf_branch_sample_type', a.readBigUInt64LE(72), 64)}`);
  if (!has(80)) return done();
  out.push(`sample_regs_user=${hex0(a.readBigUInt64LE(80))}`);
  if (!has(88)) return done();
  if (sampleType & SAMPLE_STACK_USER) out.push(`sample_stack_user=${hex0(a.readUInt32LE(88))}`);
  if (bit(25)) {
    if (!has(92)) return done();
    out.push(`clockid=${printEnum('clock', a.readInt32LE(92), 32)}`);
  }
  if (!has(96)) return done();
  out.push(`sample_regs_intr=${hex0(a.readBigUInt64LE(96))}`);
  if (!has(104)) return done();
  out.push(`aux_watermark=${a.readUInt32LE(104)}`);
  if (!has(108)) return done();
  out.push(`sample_max_stack=${a.readUInt16LE(108)}`);
  if (!has(110)) return done();
  const reserved2 = a.readUInt16LE(110);
  if (reserved2) out[out.length - 1] += ` /* bytes 110..111: ${hex0(reserved2)} */`;
  if (!has(112)) return done();
  out.push(`aux_sample_size=${a.readUInt32LE(112)}`);
  if (!has(116)) return done();
  const aux = a.readUInt32LE(116);
  AUX_FLAGS.forEach((name, i) => flag(name, (aux >>> i) & 1));
  if (aux >>> 3) out.push(`__reserved_3=${hex0(aux >>> 3)} /* Bits 931..959 */`);
  if (!has(120)) return done();
  out.push(`sig_data=${hex0(a.readBigUInt64LE(120))}`);
  if (!has(128)) return done();
  out.push(`config3=${hex0(a.readBigUInt64LE(128))}`);
  if (!has(136)) return done();
  out.push(`config4=${hex0(a.readBigUInt64LE(136))}`);
  return done();
}

export const PERF_EVENT_STRUCTS: Readonly<Record<string, StructDecoder>> = { perf_attr: perfAttr };

/** the size field as the kernel left it (E2BIG: the size it wants) */
export const PERF_EVENT_CAPTURES: readonly CaseCapture[] = [{ call: 'perf_event_open', when: [], arg: 0, spec: 'out:buf(=8)', max: 8, onError: true }];
