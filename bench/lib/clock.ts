import { dlopen, FFIType, ptr } from "bun:ffi";

/**
 * A clock every process on the machine shares: CLOCK_MONOTONIC in
 * microseconds, read through libc. `performance.now()` and Bun's
 * `process.hrtime` count from each process's own start, and
 * `performance.timeOrigin` drifts between processes by a fraction of a
 * millisecond, which is the size of what the fanout scenario measures.
 */
const CLOCK_MONOTONIC = 1;
let read: (() => number) | undefined;

function open(): () => number {
  const libc = dlopen(process.platform === "darwin" ? "libc.dylib" : "libc.so.6", {
    clock_gettime: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  });
  const buf = new BigInt64Array(2);
  const at = ptr(buf);
  return () => {
    libc.symbols.clock_gettime(CLOCK_MONOTONIC, at);
    return Number(buf[0]) * 1e6 + Number(buf[1]) / 1e3;
  };
}

/** Microseconds on the machine-wide monotonic clock (about 0.1 µs a call). */
export function nowUs(): number {
  read ??= open();
  return read();
}
