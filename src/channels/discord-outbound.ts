import { parseConversationId } from '../core/conversation-id.ts';
import { CalmdeskError } from '../core/errors.ts';
import { KeyedLock } from '../core/keyed-lock.ts';
import type { Attachment, OutboundMessage, ReplyOption } from '../core/messages.ts';
import { DeliveryProgress, type FetchedFileResult, type FileFetcher, sizeText } from './delivery.ts';
import { buttonRows, type Component, type DiscordApi, withComponents } from './discord-api.ts';
import type { OptionButtons } from './option-buttons.ts';
import { SendsInFlight, sendParts } from './platform-shared.ts';
import { DISCORD_TEXT_LIMIT, splitText, withOptionsListed } from './split-text.ts';

/**
 * Outbound messages as REST calls: text split to Discord's limit with reply options as buttons on the last
 * part, then each file (uploaded when another platform's file can be fetched), one channel's in order.
 */
export interface DiscordSender {
  /** The channel's `send`. */
  send(message: OutboundMessage): Promise<void>;
  /** Another platform's file, fetched for an upload when it can be; never throws. */
  fetched(attachment: Attachment): Promise<FetchedFileResult>;
  /** Waits for the sends in flight. */
  settle(): Promise<void>;
}

/** What the sender needs from the channel. */
export interface DiscordSenderOptions {
  api: DiscordApi;
  /** The values behind long reply options, for their presses. */
  optionButtons: OptionButtons;
  fetchFile: FileFetcher | undefined;
  maxUploadBytes: number;
}

const isUrl = (attachment: Attachment) => /^https?:\/\//.test(attachment.ref);

/**
 * A file as a line Discord can show: URLs embed themselves; another platform's file that could not be
 * uploaded is named, with why when it was too big.
 */
export function attachmentLine(attachment: Attachment, fetched?: FetchedFileResult): string {
  if (isUrl(attachment)) return attachment.ref;
  const name = attachment.name ? `: ${attachment.name}` : '';
  if (fetched && !fetched.ok && fetched.reason === 'too_big') {
    const size = fetched.size !== undefined ? ` (${sizeText(fetched.size)})` : '';
    return `📎 ${attachment.kind}${name}: too large to forward here${size}; kept with the case`;
  }
  return `📎 ${attachment.kind}${name} (kept with the case)`;
}

/** The sender over the REST port. */
export function createDiscordSender(options: DiscordSenderOptions): DiscordSender {
  const { api, optionButtons } = options;
  const sendLock = new KeyedLock();
  const progress = new DeliveryProgress();
  const inFlight = new SendsInFlight();

  function optionComponents(replyOptions: readonly ReplyOption[] | undefined): Component[] {
    return buttonRows(
      (replyOptions ?? []).map((option) => ({
        label: option.label,
        customId: optionButtons.encode(option.value),
        primary: true,
      })),
    );
  }

  async function fetched(attachment: Attachment): Promise<FetchedFileResult> {
    if (isUrl(attachment) || !options.fetchFile) return { ok: false, reason: 'not_mine' };
    return options.fetchFile(attachment, options.maxUploadBytes);
  }

  /** One file as one message: uploaded when its bytes could be fetched, else its line. */
  async function postAttachment(target: string, attachment: Attachment): Promise<void> {
    const result = await fetched(attachment);
    if (result.ok) await api.upload(target, result.file);
    else await api.postMessage(target, { content: attachmentLine(attachment, result) });
  }

  /**
   * Sends text parts (buttons on the last), then each file, one REST call each, resuming after a
   * failure where it stopped.
   */
  async function deliver(
    target: string,
    text: string,
    attachments: readonly Attachment[],
    components: Component[],
  ): Promise<void> {
    const parts = splitText(text, DISCORD_TEXT_LIMIT);
    const key = DeliveryProgress.key(target, parts, attachments);
    await sendParts(progress, key, parts.length + attachments.length, async (index) => {
      const content = parts[index];
      if (content !== undefined) {
        await api.postMessage(target, withComponents(content, components, index === parts.length - 1));
      } else {
        await postAttachment(target, attachments[index - parts.length] as Attachment);
      }
    });
  }

  async function send(message: OutboundMessage): Promise<void> {
    const parts = parseConversationId(message.conversationId);
    if (parts?.platform !== 'discord') {
      throw new CalmdeskError(
        'CALMDESK_BAD_CONVERSATION_ID',
        `not a Discord conversation: ${message.conversationId}`,
      );
    }
    const target = parts.thread ?? parts.chat;
    const body =
      message.from === 'agent' && message.agentName
        ? `**${message.agentName}**: ${message.text}`
        : message.text;
    const text = withOptionsListed(body, message.options);
    await inFlight.track(
      sendLock.run(target, () =>
        deliver(target, text, message.attachments ?? [], optionComponents(message.options)),
      ),
    );
  }

  return { send, fetched, settle: () => inFlight.settle() };
}
