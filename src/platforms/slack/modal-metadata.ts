import { z } from "zod";

/**
 * What a modal edits travels in its private_metadata (Slack returns it in the signed submission),
 * so a submission needs no server-side session.
 */
const editImageSchema = z.object({
  k: z.literal("image"),
  channel: z.string().min(1),
  ts: z.string().min(1),
  threadTs: z.string().min(1),
  file: z.object({
    url_private: z.string().min(1),
    mimetype: z.string().optional(),
    size: z.number().optional(),
    name: z.string().optional(),
  }),
});

const editAgainSchema = z.object({
  k: z.literal("again"),
  jobId: z.string().min(1),
  channel: z.string().min(1),
  threadTs: z.string().optional(),
});

export type EditImageMetadata = z.infer<typeof editImageSchema>;
export type EditAgainMetadata = z.infer<typeof editAgainSchema>;

export function encodeMetadata(m: EditImageMetadata | EditAgainMetadata): string {
  return JSON.stringify(m);
}

export function decodeEditImage(raw: string): EditImageMetadata | null {
  return parse(editImageSchema, raw);
}

export function decodeEditAgain(raw: string): EditAgainMetadata | null {
  return parse(editAgainSchema, raw);
}

function parse<T>(schema: z.ZodType<T>, raw: string): T | null {
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
