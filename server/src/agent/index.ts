export { startAgent, type AgentDeps, type AgentOptions, type AgentReport, type RunningAgent } from "./agent.ts";
export { agentCommand } from "./command.ts";
export { diffSnapshots } from "./event-differ.ts";
export { createFrameBuilder, type FrameBuilder, type FrameFilter, type OutgoingFrame } from "./frame-builder.ts";
export { readGameSession, readPlayerBones, type GameSession } from "./game-json.ts";
export { parseTargets } from "./targets.ts";
