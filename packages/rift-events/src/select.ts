/**
 * Syscall selection expressions, as strace's -e trace= takes them:
 *   read,openat        names
 *   %file %desc ...    classes
 *   /^stat/            regular expressions over names
 *   !close  !%memory   negation (a selection made only of negations starts from "all")
 *   all, none
 * Used by rift-record -e (prefilter) and rift-filter.
 */
import { CLASSES, syscallClass, SYSCALL_NAMES, syscallNumber } from './syscalls.js';

export class SelectError extends Error {}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/** The closest known syscall name or class, for "did you mean". */
export function suggest(word: string): string | undefined {
  const pool = word.startsWith('%') ? [...CLASSES] : SYSCALL_NAMES.filter(Boolean);
  let best: string | undefined;
  let bestD = Infinity;
  for (const n of pool) {
    const dist = editDistance(word, n);
    if (dist < bestD) [best, bestD] = [n, dist];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function namesOf(term: string): string[] {
  if (term === 'all') return SYSCALL_NAMES.filter(Boolean);
  if (term === 'none') return [];
  if (term.startsWith('%')) {
    if (!(CLASSES as readonly string[]).includes(term)) {
      const s = suggest(term);
      throw new SelectError(`unknown syscall class '${term}'${s ? ` (did you mean '${s}'?)` : ''}`);
    }
    return syscallClass(term);
  }
  if (term.startsWith('/')) {
    const src = term.endsWith('/') && term.length > 1 ? term.slice(1, -1) : term.slice(1);
    let re: RegExp;
    try {
      re = new RegExp(src);
    } catch (e) {
      throw new SelectError(`bad regular expression ${term}: ${(e as Error).message}`);
    }
    return SYSCALL_NAMES.filter((n) => n && re.test(n));
  }
  if (syscallNumber(term) === undefined) {
    const s = suggest(term);
    throw new SelectError(`unknown syscall '${term}'${s ? ` (did you mean '${s}'?)` : ''}`);
  }
  return [term];
}

/** Parses a selection expression into the set of syscall names it selects. */
export function selectNames(expr: string): Set<string> {
  const terms = expr.split(',').map((t) => t.trim()).filter(Boolean);
  if (!terms.length) throw new SelectError('empty syscall selection');
  const positive = terms.filter((t) => !t.startsWith('!'));
  const out = new Set<string>(positive.length ? [] : namesOf('all'));
  for (const t of terms) {
    if (t.startsWith('!')) for (const n of namesOf(t.slice(1))) out.delete(n);
    else for (const n of namesOf(t)) out.add(n);
  }
  return out;
}

/** Same, as x86-64 syscall numbers. */
export function selectSyscalls(expr: string): Set<number> {
  const out = new Set<number>();
  for (const n of selectNames(expr)) out.add(syscallNumber(n)!);
  return out;
}
