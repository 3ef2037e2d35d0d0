import type { ModelSignature } from "../model-spec.js";

export type ExecutionProviderSetting = "auto" | "cuda" | "cpu";

/** One session to open, with the provider asked for it (parts can be placed apart: placement.ts). */
export interface SessionRequest {
  key: string;
  file: string;
  provider: ExecutionProviderSetting;
}

/** A tensor crossing the thread boundary. Float data is float32 here; the worker converts to the model's type. */
export interface WireTensor {
  data: Float32Array | BigInt64Array | Int32Array;
  dims: number[];
}

export interface WireOutput {
  data: Float32Array;
  dims: number[];
}

export interface Note {
  level: "info" | "warn";
  message: string;
}

export type WorkerRequest =
  | {
      op: "open";
      id: number;
      sessions: SessionRequest[];
    }
  | { op: "run"; id: number; key: string; feeds: Record<string, WireTensor> }
  | { op: "close"; id: number };

export type WorkerResponse =
  | {
      op: "opened";
      id: number;
      /** The provider each session was created with. */
      providers: Record<string, "cuda" | "cpu">;
      /** Why `auto` runs on the CPU, when it does. */
      fallback: string | null;
      /** Why the provider is what it is, e.g. why CUDA was not used. */
      notes: Note[];
      signatures: Record<string, ModelSignature>;
    }
  | { op: "result"; id: number; outputs: Record<string, WireOutput> }
  | { op: "closed"; id: number }
  | {
      op: "error";
      id: number;
      message: string;
      key?: string;
      file?: string;
      /** "cuda-unavailable": a session that must run on CUDA could not. */
      code?: string;
    };
