import { z } from "zod";

/** What an "Edit image" modal edits: the message, its thread, and the file it holds. */
export const editImageSchema = z.object({
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

/** What an "Edit again" modal edits: a job's result, answered in its thread. */
export const editAgainSchema = z.object({
  k: z.literal("again"),
  jobId: z.string().min(1),
  channel: z.string().min(1),
  threadTs: z.string().optional(),
});

export type EditImageMetadata = z.infer<typeof editImageSchema>;
export type EditAgainMetadata = z.infer<typeof editAgainSchema>;
export type ModalMetadata = EditImageMetadata | EditAgainMetadata;
