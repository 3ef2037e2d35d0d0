import { z } from "zod";

/**
 * Job payloads, validated on both sides of the queue. `v` is bumped when a payload changes shape, so
 * a worker never guesses at a job an older or newer bot wrote.
 */

export const JOB_VERSION = 1 as const;

const id = z.string().min(1).max(200);

export const originSchema = z.object({
  platform: z.enum(["discord", "slack", "playground"]),
  workspaceId: id,
  channelId: id,
  threadId: id.optional(),
  messageId: id.optional(),
  statusMessageId: id.optional(),
  userId: id,
  userName: z.string().max(200).optional(),
  extra: z.record(z.string(), z.string().max(2000)).optional(),
});

export const editSpecSchema = z.object({
  prompt: z.string().min(1).max(10_000),
  strength: z.number().min(0).max(1),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  steps: z.number().int().min(1).max(200),
  sampler: z.enum(["ode", "sde"]),
  /** How the ODEs are integrated (docs/algorithm.md); a payload from before the choice means Euler. */
  solver: z.enum(["euler", "midpoint"]).default("euler"),
  /** Steps of the inversion; absent: the edit's steps (payloads from before the choice). */
  inversionSteps: z.number().int().min(1).max(200).optional(),
  gamma: z.number().min(0).max(1),
  eta: z.number().min(0).max(1),
  guidance: z.number().min(0).max(30),
  inversionSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
});

export const imageKeySchema = z.string().regex(/^[a-f0-9]{64}$/, "a sha256 hex digest");

export const editJobSchema = z.object({
  v: z.literal(JOB_VERSION),
  jobId: id,
  /** new: a fresh /edit; rerun: same image, other strength or seed; chain: edits a result. */
  kind: z.enum(["new", "rerun", "chain"]),
  origin: originSchema,
  imageKey: imageKeySchema,
  spec: editSpecSchema,
  parentJobId: id.optional(),
  requestedAt: z.number().int(),
});

export const resultSchema = z.object({
  imageKey: imageKeySchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  totalMs: z.number().nonnegative(),
  timingsMs: z.record(z.string(), z.number()),
  transformerCalls: z.number().int().nonnegative(),
  inversionCached: z.boolean(),
  /** The solver the worker integrated with (absent from results of workers before the choice). */
  solver: z.enum(["euler", "midpoint"]).optional(),
  modelName: z.string(),
  isDemo: z.boolean(),
});

export const deliveryJobSchema = z.object({
  v: z.literal(JOB_VERSION),
  /** One delivery per ended edit job; the idempotency key. */
  deliveryId: id,
  job: editJobSchema,
  status: z.enum(["done", "failed", "cancelled"]),
  result: resultSchema.optional(),
  error: z.object({ code: z.string(), userMessage: z.string() }).optional(),
  finishedAt: z.number().int(),
});

/** Progress the worker reports on a running job (BullMQ job progress). */
export const progressSchema = z.object({
  phase: z.enum(["preparing", "inverting", "editing", "finishing"]),
  step: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});

export type OriginData = z.infer<typeof originSchema>;
export type EditSpec = z.infer<typeof editSpecSchema>;
export type EditJob = z.infer<typeof editJobSchema>;
export type EditResultData = z.infer<typeof resultSchema>;
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;
export type JobProgressData = z.infer<typeof progressSchema>;

/** Names the first problem of a payload that failed validation, for logs. */
export function describeInvalid(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(payload)"}: ${i.message}`)
    .join("; ");
}
