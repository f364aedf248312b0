import type { FetchedFile } from './delivery.ts';

/**
 * The Discord REST calls the channel makes, as plain functions over plain types. discord.ts implements
 * them with discord.js's REST manager (which waits out 429s and retries 5xx); everything else in the
 * channel uses this port and never imports discord.js. Each call throws CALMDESK_CHANNEL_FAILED.
 */
export interface DiscordApi {
  /** Posts a message, with mentions off unless `allowed_mentions` names someone; resolves with its id. */
  postMessage(channelId: string, body: MessageBody): Promise<string>;
  /** Uploads one file as its own message; resolves with its id. */
  upload(channelId: string, file: FetchedFile): Promise<string>;
  /** Opens a private thread (not from a message) under a channel; resolves with its id. */
  createPrivateThread(channelId: string, name: string): Promise<string>;
  addThreadMember(threadId: string, userId: string): Promise<void>;
  /** Starts a thread from a message: the thread takes the message's id. */
  startThread(channelId: string, messageId: string, name: string): Promise<void>;
  /** Edits a case card in place. */
  editCard(channelId: string, messageId: string, body: MessageBody): Promise<void>;
}

/** A row of buttons, as Discord's API wants it. */
export type Component = {
  type: 1;
  components: { type: 2; style: number; label: string; custom_id: string }[];
};

/** What calmdesk posts in a message. */
export interface MessageBody {
  content: string;
  components?: Component[];
  allowed_mentions?: { users: string[] };
  message_reference?: { message_id: string; fail_if_not_exists: boolean };
}

/** Longest thread name Discord accepts. */
export const THREAD_NAME_LIMIT = 100;
const BUTTON_LABEL_LIMIT = 80;

/** Buttons in rows; `primary` ones are shown in the accent colour. */
export function buttonRows(buttons: { label: string; customId: string; primary: boolean }[]): Component[] {
  const rows: Component[] = [];
  // Discord allows 5 buttons in a row and 5 rows in a message.
  for (let i = 0; i < buttons.length && rows.length < 5; i += 5) {
    rows.push({
      type: 1,
      components: buttons.slice(i, i + 5).map((button) => ({
        type: 2,
        style: button.primary ? 1 : 2,
        label: button.label.slice(0, BUTTON_LABEL_LIMIT),
        custom_id: button.customId,
      })),
    });
  }
  return rows;
}

/** The body of a message's last part: its buttons, when it has any. */
export function withComponents(content: string, components: Component[], last: boolean): MessageBody {
  return last && components.length > 0 ? { content, components } : { content };
}
