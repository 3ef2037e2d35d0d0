import type { ProgressUpdate } from "../flux/types.js";

const LABELS: Record<ProgressUpdate["phase"], string> = {
  preparing: "preparing",
  inverting: "inverting",
  editing: "editing  ",
  finishing: "finishing",
};

/**
 * Step progress on a stream: one line redrawn in place on a terminal, and on anything else (a log
 * file, a CI job) one plain line per step so nothing is lost to carriage returns.
 */
export class ProgressBar {
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly width = 30,
  ) {}

  update(u: ProgressUpdate): void {
    const stepped = u.phase === "inverting" || u.phase === "editing";
    if (!this.stream.isTTY) {
      if (stepped && u.step > 0) this.stream.write(`${u.phase} ${u.step}/${u.total}\n`);
      else if (!stepped && u.step === 0) this.stream.write(`${u.phase}\n`);
      return;
    }
    const fraction = u.total > 0 ? Math.min(1, u.step / u.total) : 0;
    const filled = Math.round(fraction * this.width);
    const bar = `${"#".repeat(filled)}${"-".repeat(this.width - filled)}`;
    const count = stepped ? ` ${u.step}/${u.total}` : "";
    this.stream.write(`\r\x1b[2K${LABELS[u.phase]} [${bar}]${count}`);
    this.drawn = true;
  }

  /** Ends the redrawn line so the next output starts on a fresh one. */
  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[2K");
    this.drawn = false;
  }
}
