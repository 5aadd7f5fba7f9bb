import type { FrameStream } from "@gamejournal/client";
import type { Logger } from "../log.ts";
import type { SpillFile } from "./spill-file.ts";

export interface OutboxReport {
  acknowledged: number;
  rejected: number;
  /** Messages left on disk for the next run (unanswered or never sent). */
  left: number;
}

/** What became of one message: told once the server answered it (or it was left for the next run: never told). */
export type OnAnswer = (status: "acknowledged" | "rejected") => void;

export interface Outbox {
  /**
   * Queues one message (its JSON text): `sent` when it went to the stream
   * at once, `spilled` when it waits on disk. Never throws for a full memory
   * buffer: it spills. `onAnswer` is told when the server answers it.
   */
  push(text: string, onAnswer?: OnAnswer): "sent" | "spilled";
  /** Messages waiting on disk now. */
  readonly spilled: number;
  /** Delivers what it can within `timeoutMs`, closes the stream and leaves the rest on disk. */
  stop(timeoutMs: number): Promise<OutboxReport>;
}

/**
 * The agent's side of the frame stream: messages go to the stream while it
 * holds fewer than `memoryLimit` unanswered ones, and to the spill file
 * beyond that, so a long outage costs disk, not memory.
 *
 * Order is kept: once anything is on disk, new messages go to disk behind
 * it, and each answer from the server moves the oldest spilled messages
 * back into the stream as room frees up. At stop, the stream's unanswered
 * messages go back to disk ahead of the spilled ones.
 */
export function createOutbox({ stream, spill, memoryLimit, logger }: { stream: FrameStream; spill: SpillFile; memoryLimit: number; logger: Logger }): Outbox {
  let acknowledged = 0;
  let rejected = 0;
  let closing = false;
  let spilling = false;
  // The answer callbacks of the spilled messages, in spill order; what an earlier run left has none.
  const spilledAnswers: Array<OnAnswer | undefined> = Array.from({ length: spill.size }, () => undefined);

  function send(text: string, onAnswer?: OnAnswer): void {
    void stream.send(text).then((result) => {
      if (result.status === "acknowledged") acknowledged++;
      else if (result.status === "rejected") rejected++;
      if (result.status === "acknowledged" || result.status === "rejected") onAnswer?.(result.status);
      refill();
    });
  }

  /** Moves the oldest spilled messages into the stream while it has room. */
  function refill(): void {
    while (!closing && spill.size > 0 && stream.buffered < memoryLimit) {
      for (const text of spill.take(memoryLimit - stream.buffered)) send(text, spilledAnswers.shift());
    }
    if (spilling && spill.size === 0) {
      spilling = false;
      logger.info({ buffered: stream.buffered }, "caught up with the spill file");
    }
  }

  if (spill.size > 0) {
    spilling = true;
    logger.info({ messages: spill.size, dir: spill.dir }, "resending what an earlier run left");
    refill();
  }

  return {
    get spilled() {
      return spill.size;
    },
    push(text, onAnswer) {
      if (closing) throw new Error("outbox: push after stop");
      if (spill.size === 0 && stream.buffered < memoryLimit) {
        send(text, onAnswer);
        return "sent";
      }
      if (!spilling) {
        spilling = true;
        logger.warn({ buffered: stream.buffered, dir: spill.dir }, "events API is behind; spilling frames to disk");
      }
      spill.push(text);
      spilledAnswers.push(onAnswer);
      refill();
      return "spilled";
    },
    async stop(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (spill.size > 0 || stream.buffered > 0) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) break;
        refill();
        if (!(await stream.flush(remaining))) break;
      }
      closing = true;
      const unanswered = await stream.close({ timeoutMs: 0 });
      const left = unanswered.length + spill.size;
      spill.persist(unanswered);
      return { acknowledged, rejected, left };
    },
  };
}
