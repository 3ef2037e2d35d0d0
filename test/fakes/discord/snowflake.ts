/** Discord's epoch (2015-01-01T00:00:00Z); snowflakes count milliseconds from it. */
const DISCORD_EPOCH_MS = 1420070400000n;

/**
 * Generates ids shaped like Discord's: timestamp << 22 | worker << 17 | process << 12 | increment, so
 * code that derives creation times from ids (discord.js does) sees sensible dates, and ids sort by time.
 */
export class SnowflakeGenerator {
  private increment = 0;
  private lastMs = 0n;

  constructor(
    private readonly workerId = 1,
    private readonly processId = 0,
  ) {}

  next(): string {
    let now = BigInt(Date.now());
    if (now < this.lastMs) now = this.lastMs;
    if (now === this.lastMs) {
      this.increment = (this.increment + 1) & 0xfff;
      // The 12-bit counter wrapped inside one millisecond: borrow the next millisecond to stay unique.
      if (this.increment === 0) now += 1n;
    } else {
      this.increment = 0;
    }
    this.lastMs = now;
    const id =
      ((now - DISCORD_EPOCH_MS) << 22n) |
      (BigInt(this.workerId & 0x1f) << 17n) |
      (BigInt(this.processId & 0x1f) << 12n) |
      BigInt(this.increment);
    return id.toString();
  }
}

export function snowflakeTimestampMs(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH_MS);
}
