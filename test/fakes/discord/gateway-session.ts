import type { WebSocket } from "ws";

export interface GatewayPayload {
  op: number;
  d: unknown;
  s: number | null;
  t: string | null;
}

/** Events kept for RESUME; Discord keeps a bounded backlog too. */
const BACKLOG = 1000;

/**
 * One gateway session: created by IDENTIFY, numbered dispatches, a backlog for RESUME, and at most one
 * socket at a time. Closing the socket with 1000/1001 ends the session, as on Discord.
 */
export class GatewaySession {
  seq = 0;
  socket: WebSocket | null = null;
  ended = false;
  identifies = 1;
  resumes = 0;
  private readonly backlog: GatewayPayload[] = [];

  constructor(
    readonly id: string,
    readonly token: string,
    readonly intents: number,
    readonly identify: Record<string, unknown>,
  ) {}

  get connected(): boolean {
    return this.socket !== null && this.socket.readyState === this.socket.OPEN;
  }

  dispatch(t: string, d: unknown): GatewayPayload {
    this.seq += 1;
    const payload: GatewayPayload = { op: 0, t, s: this.seq, d };
    this.backlog.push(payload);
    if (this.backlog.length > BACKLOG) this.backlog.shift();
    if (this.connected) this.socket?.send(JSON.stringify(payload));
    return payload;
  }

  /** Re-sends what the client missed after `seq`; false when the backlog no longer reaches back that far. */
  replayAfter(seq: number): boolean {
    const first = this.backlog[0];
    if (first && first.s !== null && first.s > seq + 1) return false;
    for (const payload of this.backlog) {
      if (payload.s !== null && payload.s > seq) this.socket?.send(JSON.stringify(payload));
    }
    return true;
  }

  detach(code: number): void {
    this.socket = null;
    if (code === 1000 || code === 1001) this.ended = true;
  }
}
