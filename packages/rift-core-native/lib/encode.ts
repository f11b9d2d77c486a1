/**
 * encodeBatch: a batch of the engine's records (src/record_buffer.h) as NDJSON text, made in
 * native code (src/encode.cc). The text is exactly JSON.stringify of each event decodeBatch
 * makes, one a line (test 18 checks it on real records of every kind), without the events: for
 * a consumer that only writes the stream (rift-record), making and stringifying them in
 * JavaScript was most of its time, about 5 us an event and nearly all of the collector's work.
 */
import { createRequire } from 'node:module';
import { SIGNATURES, SYSCALL_NAMES, errnoName, signalName } from '@rift/events/core';
import type { DecodeState } from './decode.js';

interface Encoder {
  setEncodeTables(syscallNames: string[], arities: number[], errnoNames: string[], signalNames: string[]): void;
  encodeRecords(batch: Buffer, state: DecodeState): Buffer;
}
const addon = createRequire(import.meta.url)('../build/Release/rift_core.node') as Encoder;

/**
 * The highest signal number (SIGRTMAX on x86-64), and a bound above every errno the kernel
 * returns, its internal ERESTART* codes included (512-519: a call a signal interrupted)
 */
const SIGRTMAX = 64;
const MAX_ERRNO = 1023;
let tablesSet = false;

/** Hands the engine the names it writes, from the syscall knowledge (once). */
function setTables(): void {
  const names = Array.from(SYSCALL_NAMES, (n) => n ?? '');
  const arities = names.map((n) => SIGNATURES[n]?.args.length ?? 6);
  const errnos = Array.from({ length: MAX_ERRNO + 1 }, (_, i) => errnoName(i));
  const signals = Array.from({ length: SIGRTMAX + 1 }, (_, i) => signalName(i));
  addon.setEncodeTables(names, arities, errnos, signals);
  tablesSet = true;
}

/** The NDJSON text of a batch, assigning seq and relative ts from `st` as decodeBatch does. */
export function encodeBatch(batch: Buffer, st: DecodeState): { text: Buffer; events: number } {
  if (!tablesSet) setTables();
  const seq = st.seq;
  const text = addon.encodeRecords(batch, st);
  return { text, events: st.seq - seq };
}
