import { expect } from "bun:test";
import type { GameFeedItem, GameSocketMessage } from "@gamejournal/shared";
import { request } from "node:http";
import type { GameJournalClient } from "../../client/src/index.ts";
import { waitFor } from "../harness/index.ts";

/** Test clients of the game rooms: REST calls, the plain `/ws` socket, a tRPC `games.events` subscription, and the leak check. */

export interface Rest {
  status: number;
  body: any;
}

/** One JSON REST call; `token` as a bearer token. */
export async function rest(url: string, method: string, path: string, body?: unknown, token?: string): Promise<Rest> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Creates a game over REST and takes every seat; the tokens by seat. */
export async function startGame(url: string, gameId: string, numPlayers: number, seed = `seed-of-${gameId}`): Promise<Map<number, string>> {
  const created = await rest(url, "POST", "/api/games", { gameId, numPlayers, seed });
  expect(created.status).toBe(201);
  const tokens = new Map<number, string>();
  for (let i = 1; i <= numPlayers; i++) {
    const joined = await rest(url, "POST", `/api/games/${gameId}/join`, { name: `player ${i}` });
    expect(joined.status).toBe(200);
    tokens.set(joined.body.playerId, joined.body.token);
  }
  return tokens;
}

export interface GameSocket extends AsyncDisposable {
  readonly messages: GameSocketMessage[];
  send(message: unknown): void;
  /** Waits until some message (from the first) satisfies `check`; returns it. */
  until(what: string, check: (m: GameSocketMessage) => boolean, timeoutMs?: number): Promise<GameSocketMessage>;
  readonly closeCode: number | undefined;
  close(): Promise<void>;
}

export interface GameSocketOptions {
  gameId: string;
  token?: string;
  tokenIn?: "header" | "query";
  lastEventId?: number;
}

export function gameSocketUrl(serverUrl: string, { gameId, token, tokenIn = "query", lastEventId }: GameSocketOptions): string {
  const url = new URL("/ws", serverUrl.replace(/^http/, "ws"));
  url.searchParams.set("gameId", gameId);
  if (lastEventId !== undefined) url.searchParams.set("lastEventId", String(lastEventId));
  if (token && tokenIn === "query") url.searchParams.set("token", token);
  return url.toString();
}

/** Opens `/ws` and keeps every message it receives, in order. */
export async function openGameSocket(serverUrl: string, options: GameSocketOptions): Promise<GameSocket> {
  const headers = options.token && options.tokenIn === "header" ? { authorization: `Bearer ${options.token}` } : {};
  const ws = new WebSocket(gameSocketUrl(serverUrl, options), { headers } as unknown as string[]);
  const messages: GameSocketMessage[] = [];
  let closeCode: number | undefined;
  let closed!: () => void;
  const whenClosed = new Promise<void>((resolve) => (closed = resolve));
  ws.onmessage = (event) => void messages.push(JSON.parse(String(event.data)) as GameSocketMessage);
  ws.onclose = (event) => {
    closeCode = event.code;
    closed();
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`upgrade to ${gameSocketUrl(serverUrl, options)} refused`));
  });
  const socket: GameSocket = {
    messages,
    send: (message) => ws.send(typeof message === "string" ? message : JSON.stringify(message)),
    until: (what, check, timeoutMs = 15_000) => waitFor(what, () => messages.find(check), { timeoutMs, intervalMs: 5 }),
    get closeCode() {
      return closeCode;
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await whenClosed;
    },
    [Symbol.asyncDispose]: () => socket.close(),
  };
  return socket;
}

/** The HTTP answer to an upgrade request to `/ws` (101 when upgraded). */
export function attemptGameUpgrade(serverUrl: string, options: GameSocketOptions): Promise<{ status: number; body: any }> {
  const url = new URL(gameSocketUrl(serverUrl, options).replace(/^ws/, "http"));
  const headers: Record<string, string> = {
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
  };
  if (options.token && options.tokenIn === "header") headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: undefined });
    });
    req.on("response", async (res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
    });
    req.on("error", reject);
    req.end();
  });
}

export interface Subscription {
  /** Every item with its tracked id, in order. */
  readonly items: Array<{ id: string; data: GameFeedItem }>;
  until(what: string, check: (item: { id: string; data: GameFeedItem }) => boolean, timeoutMs?: number): Promise<void>;
  unsubscribe(): void;
}

/** Subscribes to `games.events` with the typed client and keeps every item. */
export function subscribeGame(client: GameJournalClient, input: { gameId: string; lastEventId?: string }): Subscription {
  const items: Array<{ id: string; data: GameFeedItem }> = [];
  let failure: unknown;
  const sub = client.games.events.subscribe(input, {
    onData: (item) => void items.push(item as { id: string; data: GameFeedItem }),
    onError: (error) => void (failure = error),
  });
  return {
    items,
    until: async (what, check, timeoutMs = 15_000) => {
      await waitFor(what, () => {
        if (failure) throw failure;
        return items.some(check);
      }, { timeoutMs, intervalMs: 5 });
    },
    unsubscribe: () => sub.unsubscribe(),
  };
}

/** The event ids of a run of feed items or socket messages, in order. */
export function eventIds(items: ReadonlyArray<GameFeedItem | GameSocketMessage>): number[] {
  return items.flatMap((m) => (m.type === "event" ? [m.event.eventId] : []));
}

/**
 * Asserts that nothing `viewer` (null: a spectator) received reveals a
 * secret: no seed or deck order anywhere; no hand but the viewer's, in a
 * state view or in `GameStarted`; no card another player took into their
 * hand (`ItemAcquired`) or back (`PlayerRested`).
 */
export function expectNoLeaks(received: unknown, viewer: number | null, seed: string): void {
  const text = JSON.stringify(received);
  expect(text).not.toContain(seed);
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== "object") return;
    const v = value as Record<string, any>;
    for (const key of ["seed", "merchantDeck", "pointDeck"]) expect(Object.keys(v)).not.toContain(key);
    // A state view's seats, and GameStarted's seats: a hand only in the viewer's own.
    if (Array.isArray(v.players)) for (const p of v.players) if (p.playerId !== viewer) expect(p.hand).toBeUndefined();
    if (v.type === "GameStarted") for (const seat of v.data.seats) if (seat.playerId !== viewer) expect(seat.hand).toBeUndefined();
    if (v.type === "ItemAcquired" && v.playerId !== viewer) expect([v.data.card, v.data.cardId]).toEqual([undefined, undefined]);
    if (v.type === "PlayerRested" && v.playerId !== viewer) expect(v.data.cardIds).toBeUndefined();
    Object.values(v).forEach(walk);
  };
  walk(received);
}
