interface Slot<T> {
  latest?: T;
  waiters: { resolve: () => void; reject: (err: unknown) => void }[];
  running: boolean;
}

/**
 * Edits of one message go out one at a time and the newest text wins: while an edit is in flight
 * (or waiting out a 429), later edits collapse into one. Each caller's promise settles when a text at
 * least as new as its own has been written, so a final "Done" is never lost behind a stale "Editing".
 */
export class StatusEditor<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(private readonly send: (key: string, body: T) => Promise<void>) {}

  edit(key: string, body: T): Promise<void> {
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { waiters: [], running: false };
      this.slots.set(key, slot);
    }
    slot.latest = body;
    const done = new Promise<void>((resolve, reject) => slot.waiters.push({ resolve, reject }));
    if (!slot.running) void this.drain(key, slot);
    return done;
  }

  private async drain(key: string, slot: Slot<T>): Promise<void> {
    slot.running = true;
    while (slot.latest !== undefined) {
      const body = slot.latest;
      slot.latest = undefined;
      const waiters = slot.waiters.splice(0);
      try {
        await this.send(key, body);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    slot.running = false;
    this.slots.delete(key);
  }
}
