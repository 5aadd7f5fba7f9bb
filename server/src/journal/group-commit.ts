import type { AppendResult, AppendWrite } from "./journal.ts";

/**
 * Commits a group of appends at once: per call, in the order given, its
 * results or the error that failed it alone.
 */
export type CommitGroup = (calls: ReadonlyArray<readonly AppendWrite[]>) => Promise<Array<AppendResult[] | Error>>;

export interface GroupCommitOptions {
  /** A group closes once it holds this many writes; the next call starts a new one (default 4,000). */
  maxWrites?: number;
}

interface PendingCall {
  writes: readonly AppendWrite[];
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit: the appends that arrive within one turn of the event loop
 * (every request this turn handled, up to `maxWrites` writes) share one
 * commit, one Redis script call or one SQLite transaction, instead of one
 * each. Under load a turn handles many requests, so groups grow with the
 * load; alone, a call waits only for the end of its turn.
 *
 * Guarantees (the adapter's `commit` keeps them; see the adapters):
 * 1. Each caller is answered once its own writes are durable, with its own
 *    results, never before the commit of its group.
 * 2. Order: calls are committed in the order they were made, and groups in
 *    the order they closed (one connection, or one synchronous transaction
 *    after another), so each stream keeps its order.
 * 3. Idempotency holds within a group as across groups: a key repeated in
 *    one group is stored once, and every later write with it gets the
 *    first id (`duplicate: true`).
 * 4. Failure: a commit that fails as a whole fails exactly the callers of
 *    that group; a call that fails alone inside a group (the adapter says
 *    which) fails only that caller.
 */
export class GroupCommit {
  private pending: PendingCall[] = [];
  private pendingWrites = 0;
  private scheduled = false;
  private readonly maxWrites: number;

  constructor(
    private readonly commit: CommitGroup,
    { maxWrites = 4_000 }: GroupCommitOptions = {},
  ) {
    this.maxWrites = maxWrites;
  }

  /** Appends `writes` with the group of this turn; resolves with their results once committed. */
  submit(writes: readonly AppendWrite[]): Promise<AppendResult[]> {
    if (writes.length === 0) return Promise.resolve([]);
    return new Promise<AppendResult[]>((resolve, reject) => {
      if (this.pendingWrites > 0 && this.pendingWrites + writes.length > this.maxWrites) this.close();
      this.pending.push({ writes, resolve, reject });
      this.pendingWrites += writes.length;
      if (!this.scheduled) {
        this.scheduled = true;
        // After this turn's I/O callbacks and their promise chains: every request of the turn is in.
        setImmediate(this.closeTurn);
      }
    });
  }

  private readonly closeTurn = (): void => {
    this.scheduled = false;
    this.close();
  };

  /** Commits the pending calls as one group. */
  private close(): void {
    const calls = this.pending;
    if (calls.length === 0) return;
    this.pending = [];
    this.pendingWrites = 0;
    let committing: Promise<Array<AppendResult[] | Error>>;
    try {
      committing = this.commit(calls.map((c) => c.writes));
    } catch (error) {
      committing = Promise.reject(error);
    }
    committing.then(
      (outcomes) => {
        for (let i = 0; i < calls.length; i++) {
          const outcome = outcomes[i];
          if (outcome instanceof Error) calls[i]!.reject(outcome);
          else if (outcome) calls[i]!.resolve(outcome);
          else calls[i]!.reject(new Error("group commit: no result for this append"));
        }
      },
      (error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const call of calls) call.reject(failure);
      },
    );
  }
}
