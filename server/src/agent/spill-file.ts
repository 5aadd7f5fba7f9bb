import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { systemClock, type Clock } from "../platform/clock.ts";

/**
 * A first-in first-out queue of text lines on disk, for what the agent
 * cannot keep in memory while the events API is away.
 *
 * 1. `push` appends one line to this process's file (lines must not contain
 *    a newline; JSON text never does). `take` returns the oldest lines not
 *    taken yet; taken lines are gone from the queue.
 * 2. Once every line of this process's file was taken, the file is
 *    truncated, so a long outage followed by a catch-up does not leave a
 *    file that only grows.
 * 3. `open` adopts the files earlier runs left in the directory, oldest run
 *    first, ahead of anything this run pushes. A file is adopted only when
 *    the process that wrote it is gone (or had this process's pid, as a
 *    container's pid 1 does on every run).
 * 4. `persist(head)` at a clean stop leaves `head` (lines taken but never
 *    acknowledged) followed by every line not taken, in one file for the
 *    next run; with nothing left, it leaves no file.
 * 5. After a crash the adopted file still holds lines that were taken and
 *    acknowledged: they are sent again (the server deduplicates), while
 *    lines that were in memory only are lost.
 */
export class SpillFile {
  private readonly own: Segment;
  /** Files of earlier runs, oldest first, then this run's file. */
  private readonly segments: Segment[];

  private constructor(
    readonly dir: string,
    adopted: Segment[],
    clock: Clock,
  ) {
    const name = `spill-${process.pid}-${clock.now()}.jsonl`;
    this.own = { path: join(dir, name), fd: openSync(join(dir, name), "a+"), offset: 0, lines: 0 };
    this.segments = [...adopted, this.own];
  }

  /** Opens (creating) `dir` and adopts the files earlier runs left there; this run's file is named by the clock's time. */
  static open(dir: string, clock: Clock = systemClock): SpillFile {
    mkdirSync(dir, { recursive: true });
    const adopted: Segment[] = [];
    const leftovers = readdirSync(dir)
      .map((name) => ({ name, match: /^spill-(\d+)-(\d+)\.jsonl$/.exec(name) }))
      .filter(({ match }) => match && (Number(match[1]) === process.pid || !isAlive(Number(match[1]))))
      .sort((a, b) => Number(a.match![2]) - Number(b.match![2]) || a.name.localeCompare(b.name));
    for (const { name } of leftovers) {
      const path = join(dir, name);
      const fd = openSync(path, "r");
      const lines = countLines(fd);
      if (lines === 0) {
        closeSync(fd);
        rmSync(path, { force: true });
      } else adopted.push({ path, fd, offset: 0, lines });
    }
    return new SpillFile(dir, adopted, clock);
  }

  /** Lines not taken yet. */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.lines, 0);
  }

  push(line: string): void {
    writeSync(this.own.fd, `${line}\n`);
    this.own.lines++;
  }

  /** Up to `max` of the oldest lines not taken yet. */
  take(max: number): string[] {
    const out: string[] = [];
    while (out.length < max) {
      const segment = this.segments[0]!;
      if (segment.lines > 0) {
        const { lines, offset } = readLines(segment.fd, segment.offset, Math.min(max - out.length, segment.lines));
        out.push(...lines);
        segment.offset = offset;
        // A file cut short (a crash mid-write) has fewer whole lines than counted: it is done.
        segment.lines = lines.length === 0 ? 0 : segment.lines - lines.length;
      }
      if (segment.lines > 0) continue;
      if (segment === this.own) {
        ftruncateSync(segment.fd, 0);
        segment.offset = 0;
        break;
      }
      closeSync(segment.fd);
      rmSync(segment.path, { force: true });
      this.segments.shift();
    }
    return out;
  }

  /** Leaves `head` and every line not taken for the next run (see 4), and closes the queue. */
  persist(head: readonly string[]): void {
    const remaining = this.size;
    const tmp = `${this.own.path}.tmp`;
    if (head.length + remaining > 0) {
      const fd = openSync(tmp, "w");
      for (const line of head) writeSync(fd, `${line}\n`);
      while (this.size > 0) for (const line of this.take(256)) writeSync(fd, `${line}\n`);
      closeSync(fd);
    }
    for (const segment of this.segments) {
      closeSync(segment.fd);
      rmSync(segment.path, { force: true });
    }
    this.segments.length = 0;
    if (head.length + remaining > 0) renameSync(tmp, this.own.path);
  }
}

interface Segment {
  path: string;
  fd: number;
  /** Byte offset of the first line not taken. */
  offset: number;
  /** Lines not taken. */
  lines: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const CHUNK = 64 * 1024;

function countLines(fd: number): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  let count = 0;
  for (let position = 0; ; ) {
    const read = readSync(fd, buffer, 0, CHUNK, position);
    if (read === 0) return count;
    for (let i = 0; i < read; i++) if (buffer[i] === 10) count++;
    position += read;
  }
}

/** Reads up to `max` whole lines from `offset`. */
function readLines(fd: number, offset: number, max: number): { lines: string[]; offset: number } {
  const lines: string[] = [];
  let pending = Buffer.alloc(0);
  let position = offset;
  let consumed = offset;
  const buffer = Buffer.allocUnsafe(CHUNK);
  while (lines.length < max) {
    const read = readSync(fd, buffer, 0, CHUNK, position);
    if (read === 0) break;
    position += read;
    pending = pending.length === 0 ? Buffer.from(buffer.subarray(0, read)) : Buffer.concat([pending, buffer.subarray(0, read)]);
    let start = 0;
    for (let nl = pending.indexOf(10, start); nl !== -1 && lines.length < max; nl = pending.indexOf(10, start)) {
      lines.push(pending.toString("utf8", start, nl));
      consumed += nl - start + 1;
      start = nl + 1;
    }
    pending = pending.subarray(start);
  }
  return { lines, offset: consumed };
}
