import { describe, expect, test } from "bun:test";
import { parseTargets } from "./targets.ts";

describe("parseTargets", () => {
  test("single ports, ranges and lists, in order and without repeats", () => {
    expect(parseTargets(["127.0.0.1:6721"])).toEqual(["http://127.0.0.1:6721"]);
    expect(parseTargets(["127.0.0.1:6721-6723", "localhost:6722,6725", "127.0.0.1:6722"])).toEqual([
      "http://127.0.0.1:6721",
      "http://127.0.0.1:6722",
      "http://127.0.0.1:6723",
      "http://localhost:6722",
      "http://localhost:6725",
    ]);
    expect(parseTargets(["[::1]:6721"])).toEqual(["http://[::1]:6721"]);
  });

  test("bad addresses are refused with the argument named", () => {
    expect(() => parseTargets([])).toThrow("targets: give at least one game address");
    expect(() => parseTargets(["127.0.0.1"])).toThrow('targets: "127.0.0.1": expected host:port');
    expect(() => parseTargets(["host:6730-6721"])).toThrow('targets: "host:6730-6721": range 6730-6721 runs backwards');
    expect(() => parseTargets(["host:70000"])).toThrow('"70000" is not a port');
    expect(() => parseTargets(["host:1-2-3"])).toThrow('"1-2-3" is not a port or a range');
  });
});
