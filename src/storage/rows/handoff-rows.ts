import { z } from 'zod';
import { PLATFORMS } from '../../core/conversation-id.ts';
import type { AgentAccount, AgentSession } from '../../handoff/ports.ts';
import type { ApprovalRecord, CaseNote, HandoffRecord } from '../../handoff/types.ts';
import { HANDOFF_STATUSES, PRIORITIES } from '../../handoff/types.ts';
import type { Columns } from './columns.ts';

const DESK_VIAS = ['web', 'telegram', 'discord'] as const;

/** The readers of the handoff tables (migrations 002-handoff.sql) for one dialect's columns. */
export interface HandoffRows {
  toRecord(row: unknown): HandoffRecord;
  toNote(row: unknown): CaseNote;
  toApproval(row: unknown): ApprovalRecord;
  toAccount(row: unknown): AgentAccount;
  toSession(row: unknown): AgentSession;
}

export function handoffRows(columns: Columns): HandoffRows {
  const { time, flag } = columns;
  const HandoffRow = z.object({
    id: z.string(),
    conversation_id: z.string(),
    platform: z.enum(PLATFORMS),
    buyer_id: z.string(),
    buyer_name: z.string(),
    language: z.enum(['zh', 'en', 'mixed']),
    status: z.enum(HANDOFF_STATUSES),
    priority: z.enum(PRIORITIES),
    reasons: columns.structured(z.array(z.string())),
    summary: z.string(),
    needs_approval: flag,
    order_id: z.string().nullable(),
    holder_id: z.string().nullable(),
    holder_name: z.string().nullable(),
    holder_via: z.enum(DESK_VIAS).nullable(),
    requested_at: time,
    claimed_at: time.nullable(),
    closed_at: time.nullable(),
    updated_at: time,
    outcome: z.string().nullable(),
  });
  const NoteRow = z.object({
    id: z.string(),
    handoff_id: z.string(),
    author_id: z.string(),
    author_name: z.string(),
    text: z.string(),
    created_at: time,
  });
  const ApprovalRow = z.object({
    id: z.string(),
    handoff_id: z.string(),
    conversation_id: z.string(),
    requested_by_id: z.string(),
    requested_by_name: z.string(),
    amount: z.number(),
    currency: z.string(),
    reason: z.string(),
    status: z.enum(['pending', 'approved', 'denied']),
    decided_by_id: z.string().nullable(),
    decided_by_name: z.string().nullable(),
    comment: z.string().nullable(),
    created_at: time,
    decided_at: time.nullable(),
  });
  const AgentRow = z.object({
    id: z.string(),
    name: z.string(),
    role: z.enum(['agent', 'supervisor']),
    password_hash: z.string(),
    created_at: time,
    disabled: flag,
  });
  const SessionRow = z.object({
    token_hash: z.string(),
    agent_id: z.string(),
    csrf_token: z.string(),
    created_at: time,
    expires_at: time,
    last_seen_at: time,
  });

  // The parsed rows keep only the columns named above (zod drops the rest, such as priority_rank);
  // the columns that make up one person become that person.
  return {
    toRecord(row) {
      const { holder_id, holder_name, holder_via, ...record } = HandoffRow.parse(row);
      const holder =
        holder_id !== null && holder_name !== null && holder_via !== null
          ? { id: holder_id, name: holder_name, via: holder_via }
          : null;
      return { ...record, holder };
    },
    toNote(row) {
      const { author_id, author_name, ...note } = NoteRow.parse(row);
      return { ...note, author: { id: author_id, name: author_name } };
    },
    toApproval(row) {
      const { requested_by_id, requested_by_name, decided_by_id, decided_by_name, ...approval } =
        ApprovalRow.parse(row);
      const decidedBy =
        decided_by_id !== null && decided_by_name !== null
          ? { id: decided_by_id, name: decided_by_name }
          : null;
      return {
        ...approval,
        requested_by: { id: requested_by_id, name: requested_by_name },
        decided_by: decidedBy,
      };
    },
    toAccount: (row) => AgentRow.parse(row),
    toSession: (row) => SessionRow.parse(row),
  };
}
