import { afterAll, setDefaultTimeout } from "bun:test";
import { stopSharedServices } from "./services.ts";

// Integration tests start real servers; 5 s (Bun's default) is too tight on a busy 2-core machine.
setDefaultTimeout(60_000);

// Registered in the preload, this hook runs once after every test file.
afterAll(async () => {
  await stopSharedServices();
});
