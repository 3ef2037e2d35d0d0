import type { Sampler, Solver } from "../../gpu-worker/src/flux/types.js";
import type { Origin } from "./types.js";

/** Where the picture comes from: a platform URL (checked against its host list), bytes, or a stored key. */
export type ImageInput =
  | {
      kind: "url";
      url: string;
      allowedHosts: readonly string[];
      /** Sent only to allowed hosts (Slack's bearer token). */
      headers?: Record<string, string>;
      /** What the platform says before we download: checked first, so we never fetch a 2 GB video. */
      declaredContentType?: string;
      declaredBytes?: number;
      name?: string;
    }
  | { kind: "bytes"; bytes: Uint8Array; name?: string }
  | { kind: "stored"; key: string };

/** One platform-neutral /edit, as every adapter produces it. */
export interface EditRequest {
  origin: Origin;
  image: ImageInput;
  prompt: string;
  strength?: number;
  seed?: number;
  sampler?: Sampler;
  solver?: Solver;
  inversionSteps?: number;
  steps?: number;
}
