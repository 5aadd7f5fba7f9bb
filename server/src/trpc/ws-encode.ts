import { isTrackedEnvelope } from "@trpc/server";
import { SerializedJson } from "../platform/serialized-json.ts";

/** The `data` message of a subscription, with a pre-serialised payload spliced in as is. */
export function encodeData(idJson: string, value: unknown): string {
  if (isTrackedEnvelope(value)) {
    const [eventId, data] = value;
    const eventIdJson = JSON.stringify(eventId);
    const dataJson = data instanceof SerializedJson ? data.json : JSON.stringify(data);
    return `{"id":${idJson},"jsonrpc":"2.0","result":{"type":"data","id":${eventIdJson},"data":{"id":${eventIdJson},"data":${dataJson}}}}`;
  }
  const dataJson = value instanceof SerializedJson ? value.json : JSON.stringify(value);
  return `{"id":${idJson},"jsonrpc":"2.0","result":{"type":"data","data":${dataJson}}}`;
}
