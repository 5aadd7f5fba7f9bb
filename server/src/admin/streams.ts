import { JOURNAL_STREAMS } from "@gamejournal/shared";
import { deadLetterStream } from "../journal/event-consumer.ts";
import type { ConsumerInfo, Journal } from "../journal/journal.ts";
import type { LeaseHolder, WorkerDefinition } from "../workers/index.ts";

export interface GroupOverview {
  name: string;
  pending: number;
  /** Entries not yet delivered to the group (null when the backend cannot tell). */
  lag: number | null;
  last_delivered_id: string;
  consumers: ConsumerInfo[];
  /** The built-in worker reading through this group, if any. */
  worker: string | null;
  /** Who holds that worker's lease (one active consumer across instances); null: no lease, or nobody holds it. */
  lease: LeaseHolder | null;
}

export interface StreamOverview {
  stream: string;
  /** `journal`: a stream clients append to; `dead-letter`: entries a worker gave up on. */
  kind: "journal" | "dead-letter";
  length: number;
  first_id: string | null;
  last_id: string | null;
  /** Entries ever appended: its change over time is the append rate. */
  entries_added: number;
  groups: GroupOverview[];
}

/**
 * The journal streams and their dead-letter streams with every consumer
 * group, its consumers (pending, idle time) and, for a built-in worker's
 * group, the worker and its lease holder: what the console's streams and
 * groups views show. Streams that do not exist yet are listed empty.
 */
export async function streamsOverview(journal: Journal, workers: readonly WorkerDefinition[]): Promise<StreamOverview[]> {
  const names = JOURNAL_STREAMS.flatMap((s) => [[s, "journal"], [deadLetterStream(s), "dead-letter"]] as const);
  return Promise.all(
    names.map(async ([stream, kind]) => {
      const info = await journal.info(stream);
      const groups = await Promise.all(
        (info?.groups ?? []).map(async (g): Promise<GroupOverview> => {
          const worker = workers.find((w) => w.stream === stream && w.group === g.name);
          const [consumers, lease] = await Promise.all([journal.consumers(stream, g.name), worker?.lease ? worker.lease.holder().catch(() => null) : null]);
          return { name: g.name, pending: g.pending, lag: g.lag, last_delivered_id: g.last_delivered_id, consumers, worker: worker?.name ?? null, lease };
        }),
      );
      return {
        stream,
        kind,
        length: info?.length ?? 0,
        first_id: info?.first_id ?? null,
        last_id: info?.last_id ?? null,
        entries_added: info?.entries_added ?? 0,
        groups,
      };
    }),
  );
}
