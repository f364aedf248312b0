import { describe, expect, it } from 'vitest';
import { discordStaffActor, telegramStaffActor } from '../../src/handoff/staff-actors.ts';
import {
  caseIdFromText,
  caseTitle,
  decodeStaffButton,
  encodeStaffButton,
  staffButtonInput,
} from '../../src/handoff/staff-card.ts';
import {
  parseStaffCommand,
  STAFF_SLASH_COMMANDS,
  staffCommandFrom,
} from '../../src/handoff/staff-commands.ts';
import type { HandoffRecord } from '../../src/handoff/types.ts';

const record: HandoffRecord = {
  id: '3f2a9c1e-5b7d-4e1a-9c3b-2d4e6f8a0b1c',
  conversation_id: 'telegram:5123456789',
  platform: 'telegram',
  buyer_id: 'telegram:5123456789',
  buyer_name: 'Mei',
  language: 'zh',
  status: 'queued',
  priority: 'urgent',
  reasons: ['health_safety'],
  summary: 'Rash after using the cream.',
  needs_approval: false,
  order_id: null,
  holder: null,
  requested_at: '2026-01-01T00:00:00.000Z',
  claimed_at: null,
  closed_at: null,
  updated_at: '2026-01-01T00:00:00.000Z',
  outcome: null,
};

describe('staff commands typed in a staff group or thread', () => {
  it('reads the case commands, with or without the bot name Telegram adds in groups', () => {
    expect(parseStaffCommand('/claim')).toEqual({ ok: true, command: { kind: 'claim' } });
    expect(parseStaffCommand('/claim@calmdesk_bot')).toEqual({ ok: true, command: { kind: 'claim' } });
    expect(parseStaffCommand('/note  called the courier ')).toEqual({
      ok: true,
      command: { kind: 'note', text: 'called the courier' },
    });
    expect(parseStaffCommand('/release').ok).toBe(true);
  });

  it('reads an outcome: optional remedy, optional amount, then the note', () => {
    expect(parseStaffCommand('/resolve partial_refund ¥30 kept the goods, 30 back')).toEqual({
      ok: true,
      command: { kind: 'resolve', remedy: 'partial_refund', amount: 30, note: 'kept the goods, 30 back' },
    });
    expect(parseStaffCommand('/handback')).toEqual({ ok: true, command: { kind: 'handback' } });
    expect(parseStaffCommand('/handback customer calmed down')).toEqual({
      ok: true,
      command: { kind: 'handback', note: 'customer calmed down' },
    });
  });

  it('treats anything else as words for the buyer, and helps with a wrong command', () => {
    expect(parseStaffCommand('您好，我来处理')).toEqual({
      ok: true,
      command: { kind: 'reply', text: '您好，我来处理', attachments: [] },
    });
    const unknown = parseStaffCommand('/refund 30');
    expect(unknown.ok).toBe(false);
    expect(unknown.ok ? '' : unknown.message).toMatch(/^Unknown command \/refund/);
    expect(parseStaffCommand('/note').ok).toBe(false);
  });

  it('reads an approval request, and a supervisor’s decision with an optional comment', () => {
    expect(parseStaffCommand('/approval ¥80 second broken parcel this month')).toEqual({
      ok: true,
      command: { kind: 'approval', amount: 80, reason: 'second broken parcel this month' },
    });
    expect(parseStaffCommand('/approval 80').ok).toBe(false);
    expect(parseStaffCommand('/approve 3f2a9c1e fine, regular buyer')).toEqual({
      ok: true,
      command: { kind: 'approve', approval: '3f2a9c1e', comment: 'fine, regular buyer' },
    });
    expect(parseStaffCommand('/deny@calmdesk_bot 3f2a9c1e-5b7d')).toEqual({
      ok: true,
      command: { kind: 'deny', approval: '3f2a9c1e-5b7d', comment: '' },
    });
    const bare = parseStaffCommand('/approve');
    expect(bare.ok ? '' : bare.message).toBe(
      'Write the approval id after the command: /approve APPROVAL_ID [COMMENT]',
    );
    // Too short to name one approval safely.
    expect(parseStaffCommand('/approve 3f2').ok).toBe(false);
  });

  it('validates structured commands (Discord slash options) the same way', () => {
    expect(staffCommandFrom('note', { text: 'x' })).toEqual({
      ok: true,
      command: { kind: 'note', text: 'x' },
    });
    expect(staffCommandFrom('resolve', { remedy: 'free_money' }).ok).toBe(false);
    expect(staffCommandFrom('resolve', { remedy: 'coupon', amount: 10 }).ok).toBe(true);
    expect(staffCommandFrom('drop_table').ok).toBe(false);
    expect(staffCommandFrom('approve', { approval: '3f2a9c1e', comment: 'ok' })).toEqual({
      ok: true,
      command: { kind: 'approve', approval: '3f2a9c1e', comment: 'ok' },
    });
    expect(staffCommandFrom('approval', { amount: 80 }).ok).toBe(false);
    // Every slash command Discord offers is one the desk understands.
    expect(STAFF_SLASH_COMMANDS.map((c) => c.name)).toEqual([
      'claim',
      'note',
      'handback',
      'resolve',
      'release',
      'case',
      'approval',
      'approve',
      'deny',
    ]);
  });
});

describe('who may act', () => {
  it('is a configured Telegram user id, as number or string; supervisors by their own list', () => {
    expect(telegramStaffActor({ id: 42, name: 'Ana' }, { agents: ['42'] })).toEqual({
      id: 'telegram:42',
      name: 'Ana',
      role: 'agent',
      via: 'telegram',
    });
    expect(telegramStaffActor({ id: 43, name: 'Eve' }, { agents: [42] })).toBeNull();
    const ids = { agents: [42], supervisors: ['44'] };
    expect(telegramStaffActor({ id: 44, name: 'Bo' }, ids)?.role).toBe('supervisor');
    expect(telegramStaffActor({ id: 42, name: 'Ana' }, ids)?.role).toBe('agent');
  });

  it('is a Discord member with the staff role, or the supervisor role', () => {
    const roles = { agentRoleId: '7', supervisorRoleId: '8' };
    expect(discordStaffActor({ id: '1', name: 'Ana', roleIds: ['9', '7'] }, roles)).toMatchObject({
      id: 'discord:1',
      role: 'agent',
    });
    expect(discordStaffActor({ id: '4', name: 'Bo', roleIds: ['8'] }, roles)?.role).toBe('supervisor');
    expect(discordStaffActor({ id: '5', name: 'Cy', roleIds: ['7', '8'] }, roles)?.role).toBe('supervisor');
    expect(discordStaffActor({ id: '2', name: 'Eve', roleIds: ['9'] }, roles)).toBeNull();
    expect(discordStaffActor({ id: '3', name: 'Any', roleIds: [] }, { agentRoleId: undefined })).toBeNull();
  });
});

describe('finding a case again', () => {
  it('keeps the case id whole in a title cut to the platform limit', () => {
    const long = { ...record, buyer_name: 'A very long display name '.repeat(8) };
    const title = caseTitle(long, 100);
    expect(title.length).toBeLessThanOrEqual(100);
    expect(caseIdFromText(title)).toBe(record.id);
    expect(caseTitle(record, 128)).toBe(`🔴 Mei · case ${record.id}`);
  });

  it('round-trips button data and refuses anything else', () => {
    const data = encodeStaffButton('handback', record.id);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeStaffButton(data)).toEqual({ action: 'handback', id: record.id });
    expect(decodeStaffButton('cd:delete:abc')).toBeNull();
    expect(decodeStaffButton('o:refund_only')).toBeNull();
    // A card button acts on its case; an approval's button decides the approval.
    expect(staffButtonInput({ action: 'claim', id: record.id })).toEqual({
      command: { ok: true, command: { kind: 'claim' } },
      caseId: record.id,
    });
    const approve = decodeStaffButton(encodeStaffButton('approve', record.id));
    expect(approve && staffButtonInput(approve)).toEqual({
      command: { ok: true, command: { kind: 'approve', approval: record.id, comment: '' } },
    });
  });
});
