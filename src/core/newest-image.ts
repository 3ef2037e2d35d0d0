/**
 * The one rule for `/edit` without an image, on every platform: the newest image in the thread the
 * command was typed in, else the newest in the channel; and the reply names the image it took, so
 * nobody wonders which one it was. Platforms only supply the lookups over their own history.
 */

export interface ImageLookups<T> {
  /** The newest image in the thread, or null (or absent when the command was not in a thread). */
  inThread?: () => Promise<T | null>;
  /** The newest image in the channel's recent messages. */
  inChannel: () => Promise<T | null>;
}

export interface NewestImage<T> {
  image: T;
  where: "thread" | "channel";
}

export async function findNewestImage<T>(lookups: ImageLookups<T>): Promise<NewestImage<T> | null> {
  const inThread = lookups.inThread ? await lookups.inThread() : null;
  if (inThread) return { image: inThread, where: "thread" };
  const inChannel = await lookups.inChannel();
  return inChannel ? { image: inChannel, where: "channel" } : null;
}
