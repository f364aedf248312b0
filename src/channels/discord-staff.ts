import type { Logger } from '../core/logger.ts';
import type { HandoffDesk } from '../handoff/desk.ts';
import { discordStaffActor } from '../handoff/staff-actors.ts';
import {
  type CaseCard,
  encodeStaffButton,
  type StaffAction,
  type StaffButton,
  staffButtonInput,
} from '../handoff/staff-card.ts';
import { parseStaffCommand, STAFF_SLASH_COMMANDS, staffCommandFrom } from '../handoff/staff-commands.ts';
import { createStaffDesk, type StaffDesk } from '../handoff/staff-desk.ts';
import type { StaffSurface } from '../handoff/staff-surface.ts';
import type { ChannelLinkRepo } from '../storage/channel-links.ts';
import {
  buttonRows,
  type Component,
  type DiscordApi,
  THREAD_NAME_LIMIT,
  withComponents,
} from './discord-api.ts';
import { attachmentLine, type DiscordSender } from './discord-outbound.ts';
import type { DiscordCommand, DiscordPerson, DiscordPost, DiscordPress } from './discord-payloads.ts';
import { DISCORD_TEXT_LIMIT, splitText } from './split-text.ts';

/**
 * The Discord staff channel: the staff desk's surface there (each case's card in the staff channel, and a
 * thread started from the card, so card and thread share one id: the place is `thread:<id>`), and staff
 * messages, button presses and slash commands handed to the staff desk.
 */
export interface DiscordStaff {
  /** The staff desk, when a desk was given; without one the staff channel is not served. */
  readonly staffDesk: StaffDesk | null;
  /** Whether someone has the agents' or the supervisors' role. */
  isStaff(person: DiscordPerson): boolean;
  /** A message in a case's thread or the staff channel; `place` is its case's, when known. */
  onMessage(post: DiscordPost, place: string | undefined, contextText: string | undefined): Promise<void>;
  /** A staff button pressed; the answer, if any, goes to the presser only. */
  onButton(
    press: DiscordPress,
    button: { action: StaffAction; id: string },
    followUp: (text: string) => Promise<unknown>,
  ): Promise<void>;
  /** A slash command (only called with a staff desk); resolves with the answer for the person. */
  onCommand(command: DiscordCommand): Promise<string | undefined>;
}

/** What the staff channel needs from the channel. */
export interface DiscordStaffOptions {
  api: DiscordApi;
  /** The staff channel and the roles of agents and supervisors. */
  staff: { channelId: string; roleId: string; supervisorRoleId?: string };
  desk: HandoffDesk | undefined;
  links: ChannelLinkRepo;
  fetched: DiscordSender['fetched'];
  logger: Logger;
}

/** The staff channel as a staff surface and its input. */
export function createDiscordStaff(options: DiscordStaffOptions): DiscordStaff {
  const { api, staff, desk, links, logger } = options;

  function staffComponents(buttons: readonly StaffButton[]): Component[] {
    return buttonRows(
      buttons.map((button) => ({
        label: button.label,
        customId: encodeStaffButton(button.action, button.id),
        primary: button.action === 'claim',
      })),
    );
  }

  function cardContent(card: CaseCard): string {
    return splitText(card.text, DISCORD_TEXT_LIMIT)[0] ?? card.title;
  }

  const surface: StaffSurface = {
    via: 'discord',
    titleLimit: THREAD_NAME_LIMIT,
    async openCase(_record, card) {
      const cardId = await api.postMessage(staff.channelId, {
        content: cardContent(card),
        components: staffComponents(card.buttons),
      });
      // A thread started from a message takes the message's id: the card is always findable from its thread.
      await api.startThread(staff.channelId, cardId, card.title);
      return { place: `thread:${cardId}`, cardId };
    },
    async post(place, text, attachments = [], buttons = []) {
      const thread = place.slice('thread:'.length);
      const results = await Promise.all(attachments.map(options.fetched));
      const lines = attachments.flatMap((attachment, i) => {
        const result = results[i];
        return result?.ok ? [] : [attachmentLine(attachment, result)];
      });
      const parts = splitText([text, ...lines].join('\n'), DISCORD_TEXT_LIMIT);
      const components = staffComponents(buttons);
      for (const [i, content] of parts.entries()) {
        await api.postMessage(thread, withComponents(content, components, i === parts.length - 1));
      }
      for (const result of results) if (result.ok) await api.upload(thread, result.file);
      // Every message in a thread shows its place.
      return [];
    },
    async updateCard(place, cardId, card) {
      await api
        .editCard(staff.channelId, cardId, {
          content: cardContent(card),
          components: staffComponents(card.buttons),
        })
        .catch((error: unknown) => logger.debug({ err: error, place }, 'case card not edited'));
    },
  };

  const staffDesk: StaffDesk | null = desk ? createStaffDesk({ desk, surface, links, logger }) : null;

  function staffActor(person: DiscordPerson) {
    return discordStaffActor(person, { agentRoleId: staff.roleId, supervisorRoleId: staff.supervisorRoleId });
  }

  const inCaseThread = (thread: { parentId: string | null } | null) => thread?.parentId === staff.channelId;

  return {
    staffDesk,

    isStaff(person) {
      return (
        person.roleIds.includes(staff.roleId) ||
        Boolean(staff.supervisorRoleId && person.roleIds.includes(staff.supervisorRoleId))
      );
    },

    async onMessage(post, place, contextText) {
      if (!staffDesk) return;
      const answer = await staffDesk.handle({
        actor: staffActor(post.author),
        command: parseStaffCommand(post.content, post.attachments),
        // A case's thread was started from its card, so both have the same id.
        ...(place ? { place, cardId: place.slice('thread:'.length) } : {}),
        ...(contextText ? { contextText } : {}),
      });
      if (!answer) return;
      await api
        .postMessage(post.channelId, {
          content: answer.text.slice(0, DISCORD_TEXT_LIMIT),
          message_reference: { message_id: post.id, fail_if_not_exists: false },
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'staff answer not delivered'));
    },

    async onButton(press, button, followUp) {
      if (!staffDesk) return;
      const input = staffButtonInput(button);
      // A card's button sits on the card, whose id is its thread's; an approval's sits in the thread.
      const place = input.caseId
        ? `thread:${press.messageId}`
        : inCaseThread(press.thread)
          ? `thread:${press.channelId}`
          : undefined;
      const answer = await staffDesk.handle({
        actor: staffActor(press.user),
        ...input,
        ...(place ? { place } : {}),
        ...(input.caseId ? { cardId: press.messageId } : {}),
      });
      if (answer) await followUp(answer.text);
    },

    async onCommand(command) {
      if (!staffDesk) return undefined;
      const answer = await staffDesk.handle({
        actor: staffActor(command.user),
        command: staffCommandFrom(command.name, command.values),
        ...(inCaseThread(command.thread)
          ? { place: `thread:${command.channelId}`, cardId: command.channelId }
          : {}),
        ...(command.channelName ? { contextText: command.channelName } : {}),
      });
      return answer?.text;
    },
  };
}

/** The staff slash commands as Discord's application command JSON. */
export function discordSlashCommands(): unknown[] {
  return STAFF_SLASH_COMMANDS.map((command) => ({
    name: command.name,
    description: command.description,
    type: 1,
    options: command.options.map((option) => ({
      type: option.type === 'number' ? 10 : 3,
      name: option.name,
      description: option.description,
      required: option.required,
      ...(option.choices
        ? { choices: option.choices.map((choice) => ({ name: choice, value: choice })) }
        : {}),
    })),
  }));
}
