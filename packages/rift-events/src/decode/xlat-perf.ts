/**
 * perf_event_open(2)'s tables (uapi/linux/perf_event.h, hw_breakpoint.h), in the form of xlat.ts
 * (merged into its XLAT): struct perf_event_attr's type, size versions, config ids by type,
 * sample and read formats, branch sample types, breakpoint types.
 */
import type { Xlat } from './xlat.js';

const E = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'enum', values, ...extra });
const F = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'flags', values, ...extra });
/** names numbered from 0 */
const seq = (names: string[]): Array<[string, number]> => names.map((n, i) => [n, i]);
/** one name a bit, from bit 0 (64-bit tables: bigint past bit 30) */
const bits = (names: string[]): Array<[string, number | bigint]> => names.map((n, i) => [n, i < 31 ? 2 ** i : 1n << BigInt(i)]);

export const PERF_XLAT: Readonly<Record<string, Xlat>> = {
  perf_type: E(seq(['PERF_TYPE_HARDWARE', 'PERF_TYPE_SOFTWARE', 'PERF_TYPE_TRACEPOINT', 'PERF_TYPE_HW_CACHE', 'PERF_TYPE_RAW', 'PERF_TYPE_BREAKPOINT']), { dflt: 'PERF_TYPE_???' }),
  perf_attr_size: E([64, 72, 80, 96, 104, 112, 120, 128, 136, 144].map((v, i) => [`PERF_ATTR_SIZE_VER${i}`, v] as const), { dflt: 'PERF_ATTR_SIZE_???' }),
  perf_hw_id: E(seq(['PERF_COUNT_HW_CPU_CYCLES', 'PERF_COUNT_HW_INSTRUCTIONS', 'PERF_COUNT_HW_CACHE_REFERENCES', 'PERF_COUNT_HW_CACHE_MISSES',
    'PERF_COUNT_HW_BRANCH_INSTRUCTIONS', 'PERF_COUNT_HW_BRANCH_MISSES', 'PERF_COUNT_HW_BUS_CYCLES', 'PERF_COUNT_HW_STALLED_CYCLES_FRONTEND',
    'PERF_COUNT_HW_STALLED_CYCLES_BACKEND', 'PERF_COUNT_HW_REF_CPU_CYCLES']), { dflt: 'PERF_COUNT_HW_???' }),
  perf_sw_ids: E(seq(['PERF_COUNT_SW_CPU_CLOCK', 'PERF_COUNT_SW_TASK_CLOCK', 'PERF_COUNT_SW_PAGE_FAULTS', 'PERF_COUNT_SW_CONTEXT_SWITCHES',
    'PERF_COUNT_SW_CPU_MIGRATIONS', 'PERF_COUNT_SW_PAGE_FAULTS_MIN', 'PERF_COUNT_SW_PAGE_FAULTS_MAJ', 'PERF_COUNT_SW_ALIGNMENT_FAULTS',
    'PERF_COUNT_SW_EMULATION_FAULTS', 'PERF_COUNT_SW_DUMMY', 'PERF_COUNT_SW_BPF_OUTPUT', 'PERF_COUNT_SW_CGROUP_SWITCHES']), { dflt: 'PERF_COUNT_SW_???' }),
  perf_hw_cache_id: E(seq(['PERF_COUNT_HW_CACHE_L1D', 'PERF_COUNT_HW_CACHE_L1I', 'PERF_COUNT_HW_CACHE_LL', 'PERF_COUNT_HW_CACHE_DTLB', 'PERF_COUNT_HW_CACHE_ITLB',
    'PERF_COUNT_HW_CACHE_BPU', 'PERF_COUNT_HW_CACHE_NODE']), { dflt: 'PERF_COUNT_HW_CACHE_???' }),
  perf_hw_cache_op_id: E(seq(['PERF_COUNT_HW_CACHE_OP_READ', 'PERF_COUNT_HW_CACHE_OP_WRITE', 'PERF_COUNT_HW_CACHE_OP_PREFETCH']), { dflt: 'PERF_COUNT_HW_CACHE_OP_???' }),
  perf_hw_cache_op_result_id: E(seq(['PERF_COUNT_HW_CACHE_RESULT_ACCESS', 'PERF_COUNT_HW_CACHE_RESULT_MISS']), { dflt: 'PERF_COUNT_HW_CACHE_RESULT_???' }),
  perf_sample_format: F(bits(['PERF_SAMPLE_IP', 'PERF_SAMPLE_TID', 'PERF_SAMPLE_TIME', 'PERF_SAMPLE_ADDR', 'PERF_SAMPLE_READ', 'PERF_SAMPLE_CALLCHAIN',
    'PERF_SAMPLE_ID', 'PERF_SAMPLE_CPU', 'PERF_SAMPLE_PERIOD', 'PERF_SAMPLE_STREAM_ID', 'PERF_SAMPLE_RAW', 'PERF_SAMPLE_BRANCH_STACK', 'PERF_SAMPLE_REGS_USER',
    'PERF_SAMPLE_STACK_USER', 'PERF_SAMPLE_WEIGHT', 'PERF_SAMPLE_DATA_SRC', 'PERF_SAMPLE_IDENTIFIER', 'PERF_SAMPLE_TRANSACTION', 'PERF_SAMPLE_REGS_INTR',
    'PERF_SAMPLE_PHYS_ADDR', 'PERF_SAMPLE_AUX', 'PERF_SAMPLE_CGROUP', 'PERF_SAMPLE_DATA_PAGE_SIZE', 'PERF_SAMPLE_CODE_PAGE_SIZE', 'PERF_SAMPLE_WEIGHT_STRUCT']),
  { dflt: 'PERF_SAMPLE_???' }),
  perf_read_format: F(bits(['PERF_FORMAT_TOTAL_TIME_ENABLED', 'PERF_FORMAT_TOTAL_TIME_RUNNING', 'PERF_FORMAT_ID', 'PERF_FORMAT_GROUP', 'PERF_FORMAT_LOST']), { dflt: 'PERF_FORMAT_???' }),
  perf_branch_sample_type: F(bits(['PERF_SAMPLE_BRANCH_USER', 'PERF_SAMPLE_BRANCH_KERNEL', 'PERF_SAMPLE_BRANCH_HV', 'PERF_SAMPLE_BRANCH_ANY',
    'PERF_SAMPLE_BRANCH_ANY_CALL', 'PERF_SAMPLE_BRANCH_ANY_RETURN', 'PERF_SAMPLE_BRANCH_IND_CALL', 'PERF_SAMPLE_BRANCH_ABORT_TX', 'PERF_SAMPLE_BRANCH_IN_TX',
    'PERF_SAMPLE_BRANCH_NO_TX', 'PERF_SAMPLE_BRANCH_COND', 'PERF_SAMPLE_BRANCH_CALL_STACK', 'PERF_SAMPLE_BRANCH_IND_JUMP', 'PERF_SAMPLE_BRANCH_CALL',
    'PERF_SAMPLE_BRANCH_NO_FLAGS', 'PERF_SAMPLE_BRANCH_NO_CYCLES', 'PERF_SAMPLE_BRANCH_TYPE_SAVE', 'PERF_SAMPLE_BRANCH_HW_INDEX', 'PERF_SAMPLE_BRANCH_PRIV_SAVE',
    'PERF_SAMPLE_BRANCH_COUNTERS']), { dflt: 'PERF_SAMPLE_BRANCH_???' }),
  hw_breakpoint_type: E(seq(['HW_BREAKPOINT_EMPTY', 'HW_BREAKPOINT_R', 'HW_BREAKPOINT_W', 'HW_BREAKPOINT_RW', 'HW_BREAKPOINT_X'])),
};
