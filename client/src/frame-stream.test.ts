import { describe, expect, test } from "bun:test";
import { createFrameStream, resolveStreamUrl } from "./frame-stream.ts";

describe("resolveStreamUrl", () => {
  test("adds /v3/stream to an http(s) base URL and switches the scheme to ws(s)", () => {
    expect(resolveStreamUrl("http://localhost:8080")).toBe("ws://localhost:8080/v3/stream");
    expect(resolveStreamUrl("https://events.example.com/")).toBe("wss://events.example.com/v3/stream");
    expect(resolveStreamUrl("https://example.com/api/")).toBe("wss://example.com/api/v3/stream");
  });

  test("uses a ws(s) URL as is", () => {
    expect(resolveStreamUrl("ws://localhost:8081/v3/stream")).toBe("ws://localhost:8081/v3/stream");
    expect(resolveStreamUrl("wss://example.com/custom")).toBe("wss://example.com/custom");
  });

  test("rejects anything else with an error naming the field", () => {
    expect(() => resolveStreamUrl("localhost:8080")).toThrow('frame stream: url: expected an http(s) or ws(s) URL, got "localhost:8080"');
    expect(() => resolveStreamUrl("ftp://x")).toThrow("frame stream: url:");
  });
});

describe("createFrameStream options", () => {
  test("a bad maxInFlight is refused before anything connects", () => {
    let opened = 0;
    const createWebSocket = () => {
      opened++;
      throw new Error("unreachable");
    };
    expect(() => createFrameStream({ url: "http://x", maxInFlight: 0, createWebSocket })).toThrow("frame stream: maxInFlight: expected a positive integer, got 0");
    expect(opened).toBe(0);
  });
});
