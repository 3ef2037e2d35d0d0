import type { RestResponse, Router } from "../router.js";
import type { DiscordState } from "../state.js";

/** `GET /attachments/:channelId/:attachmentId/:filename`: the bytes of an uploaded or seeded file. */
export function addCdnRoutes(router: Router, state: DiscordState): void {
  router.add(
    "GET",
    "/attachments/:channelId/:attachmentId/:filename",
    ({ params }): RestResponse => {
      const file = state.file(params.channelId, params.attachmentId);
      if (!file || file.filename !== params.filename) {
        return {
          status: 404,
          raw: Buffer.from("This content is no longer available."),
          headers: { "content-type": "text/plain" },
        };
      }
      return {
        status: 200,
        raw: file.bytes,
        headers: { "content-type": file.contentType, "cache-control": "public, max-age=31536000" },
      };
    },
    { auth: false },
  );
}
