import type { CommandReply, GameCommand, GameSocketMessage } from "@gamejournal/shared";
import { RetryableError, withRetry, type RetryPolicy } from "./retry.ts";

/**
 * One seat's plain WebSocket (`/ws?gameId=&token=`), used to send commands:
 * each is answered by the `command_result` carrying its commandId. When the
 * connection drops before the answer, it connects again and sends the same
 * command (same commandId) until answered or the policy's deadline.
 */
export class GameSocketSeat {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private readonly waiting = new Map<string, { resolve: (reply: CommandReply) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly url: string,
    private readonly gameId: string,
    private readonly token: string,
    private readonly policy: RetryPolicy,
    private readonly onRetry?: (error: unknown) => void,
  ) {}

  command(command: GameCommand): Promise<CommandReply> {
    return withRetry(
      `command ${command.commandId} over /ws`,
      this.policy,
      async () => {
        const socket = await this.connect();
        const answered = new Promise<CommandReply>((resolve, reject) => this.waiting.set(command.commandId, { resolve, reject }));
        socket.send(JSON.stringify(command));
        const timeout = setTimeout(() => this.fail(command.commandId, new RetryableError("no answer in 10 s")), 10_000);
        try {
          return await answered;
        } finally {
          clearTimeout(timeout);
          this.waiting.delete(command.commandId);
        }
      },
      this.onRetry,
    );
  }

  close(): void {
    this.socket?.close(1000, "done");
    this.socket = null;
  }

  private fail(commandId: string, error: Error): void {
    this.waiting.get(commandId)?.reject(error);
  }

  private connect(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise<WebSocket>((resolve, reject) => {
      const base = this.url.replace(/\/+$/, "").replace(/^http/, "ws");
      const socket = new WebSocket(`${base}/ws?gameId=${encodeURIComponent(this.gameId)}&token=${encodeURIComponent(this.token)}`);
      socket.onopen = () => {
        this.socket = socket;
        this.opening = null;
        resolve(socket);
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as GameSocketMessage;
        if (message.type === "command_result" && message.commandId) {
          const { type: _type, commandId, ...reply } = message;
          this.waiting.get(commandId)?.resolve(reply as CommandReply);
        }
      };
      socket.onclose = (event) => {
        if (this.socket === socket) this.socket = null;
        if (this.opening) {
          this.opening = null;
          reject(new RetryableError(`the socket closed before opening (${event.code})`));
        }
        for (const id of [...this.waiting.keys()]) this.fail(id, new RetryableError(`the socket closed (${event.code} ${event.reason})`));
      };
      socket.onerror = () => {};
    });
    return this.opening;
  }
}
