export * from './events.js';
export * from './syscalls.js';
export { SIGNATURES, STRUCT_SIZES, type Signature } from './signatures.js';
export * from './reader.js';
export * from './writer.js';
export * from './select.js';
export * from './decode/index.js';
