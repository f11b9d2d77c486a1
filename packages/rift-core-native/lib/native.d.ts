// What build/Release/rift_core.node exports (src/addon.cc), typed by hand.
export interface NativeOptions {
  argv?: string[];
  env?: string[];
  cwd?: string;
  stdio?: [number, number, number];
  pids?: number[];
  plan?: Int32Array;
  seccomp?: number[];
  cpu?: number;
  pinChild?: boolean;
  noAslr?: boolean;
  batchEvents?: number;
  maxInFlight?: number;
  flushMs?: number;
}
export type NativeMessage =
  | ['batch', Buffer]
  | ['done', number]
  | ['error', Error & { code: string; errno: number }];
export declare class NativeTracer {
  constructor(opts: NativeOptions, onMessage: (...m: NativeMessage) => void);
  start(): void;
  ack(): void;
  detach(): void;
  kill(): void;
  childPid(): number;
}
