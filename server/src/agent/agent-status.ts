/** Per game target: frames polled (built), sent to the events API, acknowledged by it, spilled to disk, rejected. */
export interface TargetCounts {
  polled: number;
  sent: number;
  spilled: number;
  acknowledged: number;
  rejected: number;
}

/** What the agent has done so far: each target's counts, and what waits on disk. */
export interface AgentStatus {
  targets: Record<string, TargetCounts>;
  /** Messages waiting in the spill directory now. */
  on_disk: number;
}

export function emptyCounts(): TargetCounts {
  return { polled: 0, sent: 0, spilled: 0, acknowledged: 0, rejected: 0 };
}

/** One line for people: `127.0.0.1:6721 polled 120, sent 118, acked 117, spilled 2, rejected 0; on disk 2`. */
export function formatStatus(status: AgentStatus): string {
  const targets = Object.entries(status.targets).map(
    ([target, c]) => `${target.replace(/^https?:\/\//, "")} polled ${c.polled}, sent ${c.sent}, acked ${c.acknowledged}, spilled ${c.spilled}, rejected ${c.rejected}`,
  );
  return `${targets.join("; ")}; on disk ${status.on_disk}`;
}
