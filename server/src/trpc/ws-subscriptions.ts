/** What ends a subscription: its abort controller while it runs, its topic seat once held. */
export interface SubscriptionHandle {
  abort(): void;
}

/**
 * A socket's subscriptions by id. The first is kept inline and a Map is made
 * only for a second: most sockets hold one subscription, and an idle socket
 * should keep as little as it can.
 */
export class Subscriptions {
  private firstId: string | number | undefined;
  private first: SubscriptionHandle | undefined;
  private more: Map<string | number, SubscriptionHandle> | undefined;

  get(id: string | number): SubscriptionHandle | undefined {
    return this.first !== undefined && this.firstId === id ? this.first : this.more?.get(id);
  }

  has(id: string | number): boolean {
    return this.get(id) !== undefined;
  }

  /** How many are open (a connection may hold at most WS_MAX_SUBSCRIPTIONS). */
  get size(): number {
    return (this.first !== undefined ? 1 : 0) + (this.more?.size ?? 0);
  }

  set(id: string | number, handle: SubscriptionHandle): void {
    if (this.first !== undefined && this.firstId === id) this.first = handle;
    else if (this.first === undefined && !this.more?.has(id)) {
      this.firstId = id;
      this.first = handle;
    } else (this.more ??= new Map()).set(id, handle);
  }

  delete(id: string | number): void {
    if (this.first !== undefined && this.firstId === id) {
      this.first = undefined;
      this.firstId = undefined;
    } else this.more?.delete(id);
  }

  /** A snapshot: ending a subscription removes it. */
  values(): SubscriptionHandle[] {
    const all = this.first ? [this.first] : [];
    if (this.more) all.push(...this.more.values());
    return all;
  }

  clear(): void {
    this.first = undefined;
    this.firstId = undefined;
    this.more = undefined;
  }
}
