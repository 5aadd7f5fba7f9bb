import { describe, expect, test } from "bun:test";
import { ValidationError } from "../errors.ts";
import { parseStreamMessage } from "./stream-message.ts";

const S = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const frame = { frame_index: 1, session: { session_id: S } };

function failure(text: string): ValidationError {
  try {
    parseStreamMessage(text);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`accepted: ${text}`);
}

describe("parseStreamMessage", () => {
  test("an Envelope with a frame, an Envelope with a header, a bare frame", () => {
    expect(parseStreamMessage(JSON.stringify({ frame }))).toEqual([{ kind: "frame", frame }]);
    expect(parseStreamMessage(JSON.stringify({ header: { capture_id: "c" } }))).toEqual([{ kind: "header", header: { capture_id: "c" } }]);
    expect(parseStreamMessage(JSON.stringify({ frameIndex: 2, session: { sessionID: S } }))).toEqual([{ kind: "frame", frame: { frame_index: 2, session: { session_id: S } } }]);
  });

  test("a bare frame that happens to have a `frame` field is still a frame", () => {
    const [item] = parseStreamMessage(JSON.stringify({ ...frame, frame: "extra" }));
    expect(item).toEqual({ kind: "frame", frame: { ...frame, frame: "extra" } });
  });

  test("an array of either, in order", () => {
    const items = parseStreamMessage(JSON.stringify([{ header: {} }, { frame }, frame]));
    expect(items.map((i) => i.kind)).toEqual(["header", "frame", "frame"]);
  });

  test.each([
    ["not json", "the message is not valid JSON", undefined],
    ["null", "message: must be a JSON object", undefined],
    ["[]", "the message is an empty array", undefined],
    ["[1]", "[0]: must be a JSON object", "[0]"],
    [JSON.stringify({ frame: [] }), "frame: must be a JSON object", "frame"],
    [JSON.stringify({ frame, header: {} }), 'message: an Envelope holds either "frame" or "header", not both', undefined],
    [JSON.stringify([{ frame }, { header: "h" }]), "[1].header: must be a JSON object", "[1].header"],
    [JSON.stringify([frame, { frame: { session: {} } }]), "[1].frame.session.session_id: the frame's session id is required", "[1].frame.session.session_id"],
    [JSON.stringify([{ ...frame, events: [{}] }]), "[0].events[0]: an event must have its event type as a key", "[0].events[0]"],
  ])("%s is refused naming the place", (text, message, field) => {
    const error = failure(text);
    expect(error.message).toStartWith(message);
    expect(error.field).toBe(field);
  });
});
