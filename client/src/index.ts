export { closeClient, createClient, type AppRouter, type ClientOptions, type GameJournalClient } from "./client.ts";
export {
  createFrameStream,
  defaultRetryDelayMs,
  FrameStreamError,
  resolveStreamUrl,
  type FrameStream,
  type FrameStreamErrorKind,
  type FrameStreamOptions,
  type SendResult,
  type StreamEnvelope,
  type StreamSocket,
} from "./frame-stream.ts";
