import { z } from 'zod';
import type { StoredEvent } from '../core/events.ts';
import { AttachmentSchema, type TranscriptEntry } from '../core/messages.ts';
import { toTranscriptEntry } from '../core/transcript-bus.ts';
import type { Order } from '../orders/types.ts';
import type { ApprovalRecord, CaseFile, CaseNote, HandoffRecord } from './types.ts';

/**
 * Builds the case file an agent sees from the conversation's event log, its dialogue state and the order.
 * Event data are read leniently: each field is taken only when it has the expected shape, so an event
 * written by an older calmdesk (or a field another module added) never breaks the case file.
 */
export interface CaseFileInput {
  record: HandoffRecord;
  events: StoredEvent[];
  state: Record<string, unknown> | null;
  order: Order | null;
  notes: CaseNote[];
  approvals: ApprovalRecord[];
  waitingMinutes: number;
  overdue: boolean;
}

const Text = z.string();
const Num = z.number();
const Attachments = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    const parsed = AttachmentSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  }),
);

function pick<T>(schema: z.ZodType<T>, ...values: unknown[]): T | undefined {
  for (const value of values) {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Remedies named by an event: `remedy`, `remedies`, or `offered` as a code or a list of codes. */
function remediesOf(data: Record<string, unknown>): string[] {
  const list = pick(z.array(Text), data.remedies, data.offered);
  if (list) return list;
  const one = pick(Text, data.remedy);
  return one ? [one] : [];
}

export function buildCaseFile(input: CaseFileInput): CaseFile {
  const { record, events, state } = input;
  const transcript: TranscriptEntry[] = [];
  const evidence: CaseFile['evidence'] = [];
  const anger: CaseFile['anger'] = [];
  const offered: CaseFile['offered'] = [];
  const refused: CaseFile['refused'] = [];
  const history: CaseFile['history'] = [];
  const policy: CaseFile['policy'] = { rule: null, allowed: [] };
  let problem: string | null = null;
  let wants: string | null = null;
  let intent: string | null = null;
  let satisfaction: number | null = null;

  for (const event of events) {
    const data = event.data;
    const at = event.at.toISOString();
    const rule = pick(Text, data.policy_rule);
    if (rule) policy.rule = rule;
    const allowed = pick(z.array(Text), data.allowed, data.allowed_remedies);
    if (allowed) policy.allowed = allowed;

    switch (event.type) {
      case 'message_received': {
        const entry = toTranscriptEntry(event);
        if (entry) transcript.push(entry);
        for (const attachment of pick(Attachments, data.attachments) ?? [])
          evidence.push({ ...attachment, at });
        break;
      }
      case 'reply_sent':
      case 'agent_message': {
        const entry = toTranscriptEntry(event);
        if (entry) transcript.push(entry);
        break;
      }
      case 'intent_classified': {
        const analysis = { ...obj(data.analysis), ...data };
        const slots = obj(analysis.slots);
        intent = pick(Text, analysis.intent) ?? intent;
        problem = pick(Text, slots.problem, analysis.problem) ?? problem;
        wants = pick(Text, slots.wants, analysis.wants) ?? wants;
        const level = pick(Num, analysis.anger);
        if (level !== undefined) anger.push({ at, anger: level });
        break;
      }
      case 'remedy_offered':
        for (const remedy of remediesOf(data)) offered.push({ remedy, at });
        break;
      case 'remedy_refused':
        for (const remedy of remediesOf(data)) refused.push({ remedy, at });
        break;
      case 'satisfaction_rated': {
        const rating = pick(z.number().int().min(1).max(5), data.rating, data.score, data.satisfaction);
        if (rating !== undefined) satisfaction = rating;
        break;
      }
      case 'handoff_requested':
      case 'handoff_claimed':
      case 'handoff_released':
      case 'handoff_returned':
      case 'handoff_resolved':
      case 'handoff_expired':
      case 'approval_requested':
      case 'approval_decided':
        if (data.handoff_id !== undefined && data.handoff_id !== record.id) break;
        history.push({
          type: event.type,
          at,
          by: pick(Text, data.agent_name, data.by_name) ?? null,
          detail: detailOf(event.type, data),
        });
        break;
      default:
        break;
    }
  }

  // The dialogue state knows the latest understanding when events lack it.
  const stateObj = obj(state);
  problem = problem ?? pick(Text, stateObj.problem) ?? null;
  wants = wants ?? pick(Text, stateObj.wants) ?? null;
  if (!policy.rule) policy.rule = pick(Text, stateObj.policy_rule) ?? null;
  if (policy.allowed.length === 0) policy.allowed = pick(z.array(Text), stateObj.allowed_remedies) ?? [];

  return {
    record,
    waiting_minutes: input.waitingMinutes,
    overdue: input.overdue,
    buyer: { id: record.buyer_id, name: record.buyer_name, platform: record.platform },
    language: record.language,
    order: input.order,
    problem,
    wants,
    intent,
    evidence,
    policy,
    offered,
    refused,
    anger,
    reasons: record.reasons,
    transcript,
    notes: input.notes,
    approvals: input.approvals,
    history,
    satisfaction,
  };
}

function detailOf(type: string, data: Record<string, unknown>): string | null {
  switch (type) {
    case 'handoff_requested': {
      const reasons = pick(z.array(Text), data.reasons) ?? [];
      const priority = pick(Text, data.priority) ?? '';
      return `${priority} ${reasons.join(', ')}`.trim() || null;
    }
    case 'approval_requested':
      return `${pick(Num, data.amount) ?? ''} ${pick(Text, data.currency) ?? ''} ${pick(Text, data.reason) ?? ''}`.trim();
    case 'approval_decided':
      return `${data.approved === true ? 'approved' : 'denied'}${data.comment ? `: ${String(data.comment)}` : ''}`;
    case 'handoff_returned':
    case 'handoff_resolved':
      return pick(Text, data.outcome_note) ?? null;
    default:
      return null;
  }
}
