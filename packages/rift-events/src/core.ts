/**
 * @rift/events/core: the stream's types, the syscall knowledge and the writer, without the
 * text decoders and the reader. What the recording side needs; loading the decoders too cost
 * rift-record about 25 ms a run.
 */
export * from './events.js';
export * from './syscalls.js';
export { SIGNATURES, STRUCT_SIZES, type Signature } from './signatures.js';
export * from './writer.js';
export * from './select.js';
