/**
 * What rift-diff compares: each field is a kind of value in the stream that can be ignored or
 * compared (--ignore FIELD, --compare FIELD). Ignoring pid or fd does not drop the numbers: they
 * are mapped to the order in which they first appear, so identity still counts.
 */

export const FIELDS = {
  ts: { ignored: true, about: 'event timestamps' },
  dur: { ignored: true, about: 'syscall durations' },
  addr: {
    ignored: true,
    about: 'pointer values and addresses (pointer arguments, mmap/brk/mremap results, fault addresses); NULL stays NULL',
  },
  pid: {
    ignored: true,
    about: 'pids and tids: mapped to their place in the process tree (1, 1.1, 1.2...), also in /proc/N paths, pid arguments and results',
  },
  fd: { ignored: false, about: 'fd numbers: when ignored, mapped per process to the order of first appearance' },
  random: { ignored: true, about: 'bytes returned by getrandom' },
  clock: { ignored: true, about: 'clock readings: clock_gettime, gettimeofday, time, sysinfo, rusage, remaining sleep' },
  stat: {
    ignored: true,
    about: 'volatile file metadata: device, inode, timestamps, blocks (stat, statx, statfs counts, getdents64 d_ino/d_off); type, mode, size, links and owner are still compared',
  },
  futex: { ignored: true, about: 'futex calls: whether a thread waits on a lock depends on timing (threads, pthread_join)' },
  env: { ignored: true, about: "the size of execve's environment (only its variable count is recorded); its effects are compared" },
  injected: { ignored: true, about: 'the injected/skipped marks that replay and fault injection add' },
  warning: { ignored: true, about: 'warning events written by the recorder' },
  args: { ignored: false, about: 'scalar argument values' },
  ret: { ignored: false, about: 'return values and errno' },
  mem: { ignored: false, about: 'captured memory: paths, strings, data written and read, structs' },
} as const;

export type Field = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as Field[];

export class FieldError extends Error {}

/** The ignored set after --ignore and --compare lists (comma-separated or repeated). */
export function ignoredFields(ignore: readonly string[] = [], compare: readonly string[] = []): Set<Field> {
  const out = new Set<Field>(FIELD_NAMES.filter((f) => FIELDS[f].ignored));
  const parse = (list: readonly string[], flag: string): Field[] =>
    list
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        if (s === 'all') return FIELD_NAMES;
        if (!(FIELD_NAMES as string[]).includes(s))
          throw new FieldError(`${flag}: unknown field '${s}' (fields: ${FIELD_NAMES.join(', ')})`);
        return [s as Field];
      })
      .flat();
  for (const f of parse(compare, '--compare')) out.delete(f);
  for (const f of parse(ignore, '--ignore')) out.add(f);
  return out;
}
