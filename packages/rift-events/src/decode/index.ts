/** Syscall decoding as data: xlat tables, struct decoders, the strace-style formatter. */
export { XLAT, xlat, type Xlat } from './xlat.js';
export { STRUCTS, sockaddrText, sigsetText, waitStatus, fileMode, type StructDecoder, type StructCtx } from './structs.js';
export { siginfoOfEvent } from './siginfo.js';
export { quote, fdPathText, printFlags, printEnum, enumName, signalName as straceSignalName, hex, ptr, int32, lo32, type StringStyle } from './values.js';
export {
  decodeSyscall,
  formatSyscall,
  formatSignal,
  formatExit,
  formatEvent,
  VARIANTS,
  type CallParts,
  type FormatOptions,
  type FdPaths,
  type Paint,
  type Variant,
  type VariantRule,
} from './format.js';
