import { describe, expect, test } from "bun:test";
import { ClientOfflineError, ErrorReply, MaxCommandRedirectionsError, SocketClosedUnexpectedlyError } from "redis";
import { isRedisOutage, isTransientReply } from "./redis-errors.ts";

describe("which Redis errors are outages", () => {
  test.each(["CLUSTERDOWN The cluster is down", "TRYAGAIN Multiple keys request during rehashing of slot", "MASTERDOWN Link with MASTER is down", "LOADING Redis is loading", "READONLY You can't write against a read only replica."])(
    "the reply %s is an outage",
    (message) => {
      expect(isTransientReply(new ErrorReply(message))).toBe(true);
      expect(isRedisOutage(new ErrorReply(message))).toBe(true);
    },
  );

  test.each(["WRONGTYPE Operation against a key holding the wrong kind of value", "NOPERM this user has no permissions", "CROSSSLOT Keys in request don't hash to the same slot", "ERR unknown command"])(
    "the reply %s is an answer, not an outage",
    (message) => expect(isRedisOutage(new ErrorReply(message))).toBe(false),
  );

  test("lost connections and redirection loops are outages; other errors are not", () => {
    expect(isRedisOutage(new ClientOfflineError())).toBe(true);
    expect(isRedisOutage(new SocketClosedUnexpectedlyError())).toBe(true);
    expect(isRedisOutage(new MaxCommandRedirectionsError())).toBe(true);
    expect(isRedisOutage(new Error("connect ECONNREFUSED 127.0.0.1:7000"))).toBe(true);
    expect(isRedisOutage(new TypeError("x is not a function"))).toBe(false);
  });
});
