import type { SlackIds } from "./types.js";

/** The fake workspace's ids, in Slack's formats. */
export const DEFAULT_IDS: SlackIds = {
  teamId: "T0RFEDIT01",
  teamDomain: "rf-edit-test",
  botUserId: "U0RFBOT001",
  botId: "B0RFBOT001",
  appId: "A0RFAPP001",
};

export const DEFAULT_BOT_TOKEN = "xoxb-1111111111-2222222222-fakebottoken";
export const DEFAULT_APP_TOKEN = "xapp-1-A0RFAPP001-3333333333-fakeapptoken";
export const DEFAULT_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

/** A human in the channel, and the channel itself. */
export const DEFAULT_USER_ID = "U0RFUSER01";
export const DEFAULT_CHANNEL_ID = "C0RFCHAN01";
