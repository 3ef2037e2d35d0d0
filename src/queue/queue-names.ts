/**
 * Queue and key names. BullMQ's prefix is wrapped in a hash tag (`{rf-edit}`) so that all keys of a
 * queue land in one Redis Cluster slot, which BullMQ's Lua scripts need.
 */
export const EDIT_QUEUE = "edit";
export const DELIVERY_QUEUE = "delivery";

export function bullPrefix(keyPrefix: string): string {
  return `{${keyPrefix}}`;
}

export class KeyNames {
  constructor(readonly prefix: string) {}
  image(sha: string): string {
    return `${this.prefix}:img:${sha}`;
  }
  jobRecord(jobId: string): string {
    return `${this.prefix}:job:${jobId}`;
  }
  messageJob(platform: string, channelId: string, messageId: string): string {
    return `${this.prefix}:msg:${platform}:${channelId}:${messageId}`;
  }
  delivered(deliveryId: string): string {
    return `${this.prefix}:delivered:${deliveryId}`;
  }
  /** Whether a delivery's result is being posted or was posted ("posting" | "posted"). */
  posting(deliveryId: string): string {
    return `${this.prefix}:posting:${deliveryId}`;
  }
  cancelFlag(jobId: string): string {
    return `${this.prefix}:cancel:${jobId}`;
  }
  cancelChannel(): string {
    return `${this.prefix}:cancel`;
  }
  inversion(key: string): string {
    return `${this.prefix}:inv:${key}`;
  }
  latestImage(platform: string, channelId: string): string {
    return `${this.prefix}:latest:${platform}:${channelId}`;
  }
}
