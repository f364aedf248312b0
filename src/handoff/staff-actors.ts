import type { Actor } from './types.ts';

/**
 * Who may act on a staff surface, and what the others are told. Telegram staff are configured by user
 * id, Discord staff by role; either way they act on the desk as an `Actor` of their platform.
 */

/** Who acts on a Telegram staff group: agents' and supervisors' numeric user ids. */
export interface TelegramStaffIds {
  agents: readonly (number | string)[];
  supervisors?: readonly (number | string)[];
}

/**
 * A Telegram user acts as staff only when their numeric id is configured: as `supervisor` when it is
 * among the supervisors (who need not be listed as agents too), else as `agent`.
 */
export function telegramStaffActor(
  user: { id: number | string; name: string },
  ids: TelegramStaffIds,
): Actor | null {
  const id = String(user.id);
  const among = (list: readonly (number | string)[] | undefined) =>
    (list ?? []).some((allowed) => String(allowed) === id);
  const role = among(ids.supervisors) ? 'supervisor' : among(ids.agents) ? 'agent' : null;
  return role ? { id: `telegram:${id}`, name: user.name, role, via: 'telegram' } : null;
}

/** Who acts on a Discord staff channel: the agents' role and the supervisors' role. */
export interface DiscordStaffRoles {
  agentRoleId: string | undefined;
  supervisorRoleId?: string | undefined;
}

/** A Discord member acts as staff only with the staff role (`agent`) or the supervisor role (`supervisor`). */
export function discordStaffActor(
  user: { id: string; name: string; roleIds: readonly string[] },
  roles: DiscordStaffRoles,
): Actor | null {
  const has = (roleId: string | undefined) => Boolean(roleId && user.roleIds.includes(roleId));
  const role = has(roles.supervisorRoleId) ? 'supervisor' : has(roles.agentRoleId) ? 'agent' : null;
  return role ? { id: `discord:${user.id}`, name: user.name, role, via: 'discord' } : null;
}

/** The answer for someone who is not staff and tries to act on a case. */
export const NOT_STAFF = 'Only the shop’s support staff can act on cases here.';
/** The answer for an agent who tries to decide an approval. */
export const NOT_SUPERVISOR =
  'Only a supervisor can approve or deny a compensation. You act as an agent here: ask a supervisor to decide it.';
