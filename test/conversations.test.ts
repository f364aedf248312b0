import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Attachment } from '../src/core/messages.ts';
import { ORDER_STATES, type Order } from '../src/orders/types.ts';
import { createTestBot, type TestBot } from './helpers/test-bot.ts';

/**
 * Runs the scripted journeys in test/conversations/*.yaml through the real pipeline (NLU, dialogue,
 * policy, handoff desk) and checks the structured decision of every turn, not only the wording.
 *
 * A journey:
 *   name: what it shows
 *   now: 2026-11-20T10:00:00+08:00        (optional)
 *   orders: [glasses, { id: …, … }]        (names from _orders.yaml, or inline orders; times "-2d", "-5h" or ISO)
 *   turns:
 *     - buyer: 杯子碎了                    the buyer's text ("" with photo: true for a bare photo)
 *       photo: true                        (optional) a photo attached
 *       repeat: 20                         (optional) say it that many times; expectations hold for each
 *       advance: 25h                       (optional) move the clock before this turn
 *       expect:                            every key optional
 *         intent: damaged_item | [a, b]    the NLU's intent (any of a list)
 *         step: offer
 *         remedies_offered: [reship, partial_refund]
 *         policy_rule: delivered.shop_fault.damaged
 *         outcome: reship                  the case_outcome of this turn (remedy, or buyer_waits)
 *         promise: refund_only             a promise of this kind was made this turn
 *         handoff: null | { priority: urgent, reasons: [health_safety], any_reason: [a, b], needs_approval: true }
 *         reply: 照片|photo                a regex the turn's replies (joined) must match
 *         no_reply: 仅退款                 a regex they must not match
 *         options: 3                       the number of buttons on the last reply
 *         language: zh                     the replies are (not) Chinese
 */

const DIR = join(import.meta.dirname, 'conversations');
const DEFAULT_NOW = '2026-11-20T10:00:00+08:00';

const RelTime = z.string().regex(/^-?\d+(\.\d+)?[dhm]$|^\d{4}-\d\d-\d\dT/);
const ItemSchema = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  price: z.number(),
});
const OrderSpec = z.object({
  id: z.string(),
  state: z.enum(ORDER_STATES),
  category: z.string(),
  amount: z.number(),
  currency: z.string().default('CNY'),
  ordered_at: RelTime,
  shipped_at: RelTime.optional(),
  delivered_at: RelTime.optional(),
  tracking_number: z.string().optional(),
  tracking_status: z.object({ zh: z.string(), en: z.string() }).optional(),
  items: z.array(ItemSchema).min(1),
});
type OrderSpec = z.infer<typeof OrderSpec>;

const ExpectSchema = z
  .object({
    intent: z.union([z.string(), z.array(z.string())]).optional(),
    step: z.string().optional(),
    remedies_offered: z.array(z.string()).optional(),
    policy_rule: z.string().optional(),
    outcome: z.string().optional(),
    promise: z.string().optional(),
    handoff: z
      .object({
        priority: z.enum(['urgent', 'high', 'normal']).optional(),
        reasons: z.array(z.string()).optional(),
        any_reason: z.array(z.string()).optional(),
        needs_approval: z.boolean().optional(),
      })
      .nullable()
      .optional(),
    reply: z.string().optional(),
    no_reply: z.string().optional(),
    options: z.number().int().min(0).optional(),
    language: z.enum(['zh', 'en']).optional(),
  })
  .strict();

const TurnSchema = z
  .object({
    buyer: z.string(),
    photo: z.boolean().default(false),
    repeat: z.number().int().min(1).max(50).default(1),
    advance: z
      .string()
      .regex(/^\d+(\.\d+)?[dhm]$/)
      .optional(),
    expect: ExpectSchema.default({}),
  })
  .strict();

const JourneySchema = z
  .object({
    name: z.string().min(1),
    now: z.string().default(DEFAULT_NOW),
    orders: z.array(z.union([z.string(), OrderSpec])).default([]),
    turns: z.array(TurnSchema).min(1),
  })
  .strict();

const LIBRARY = z.record(z.string(), OrderSpec).parse(parse(readFileSync(join(DIR, '_orders.yaml'), 'utf8')));

function ms(spec: string): number {
  const m = spec.match(/^(-?\d+(?:\.\d+)?)([dhm])$/)!;
  const unit = m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000;
  return Number(m[1]) * unit;
}

function at(spec: string, now: Date): string {
  return /^\d{4}-/.test(spec)
    ? new Date(spec).toISOString()
    : new Date(now.getTime() + ms(spec)).toISOString();
}

function toOrder(spec: OrderSpec, now: Date, buyerId: string): Order {
  const order: Order = {
    id: spec.id,
    buyer_id: buyerId,
    state: spec.state,
    category: spec.category,
    amount: spec.amount,
    currency: spec.currency,
    ordered_at: at(spec.ordered_at, now),
    items: spec.items,
  };
  if (spec.shipped_at) order.shipped_at = at(spec.shipped_at, now);
  if (spec.delivered_at) order.delivered_at = at(spec.delivered_at, now);
  if (spec.tracking_number) order.tracking_number = spec.tracking_number;
  if (spec.tracking_status) order.tracking_status = spec.tracking_status;
  return order;
}

const PHOTO: Attachment = { kind: 'photo', ref: 'https://shop.test/uploads/photo-1.jpg', mime: 'image/jpeg' };

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('_'))
  .sort();

const bots: TestBot[] = [];
afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
});

describe('conversation journeys', () => {
  it('there are at least 30 journeys, in both languages', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    const names = files.join(' ');
    expect(names).toMatch(/-zh\.yaml/);
    expect(names).toMatch(/-en\.yaml/);
  });

  for (const file of files) {
    const journey = JourneySchema.parse(parse(readFileSync(join(DIR, file), 'utf8')));
    it(`${file}: ${journey.name}`, async () => {
      const now = new Date(journey.now);
      const buyerId = 'web:journey-buyer';
      const orders = journey.orders.map((o) => {
        const spec = typeof o === 'string' ? LIBRARY[o] : o;
        if (!spec) throw new Error(`${file}: no order named "${String(o)}" in _orders.yaml`);
        return toOrder(spec, now, buyerId);
      });
      const bot = await createTestBot({ orders, now, buyerId, chat: file.replace(/\W/g, '-') });
      bots.push(bot);
      for (const [index, turn] of journey.turns.entries()) {
        if (turn.advance) bot.advance(ms(turn.advance));
        for (let n = 0; n < turn.repeat; n++) {
          const where = `${file} turn ${index + 1}${turn.repeat > 1 ? ` (#${n + 1})` : ''}: "${turn.buyer}"`;
          const result = await bot.say(turn.buyer, turn.photo ? { attachments: [PHOTO] } : {});
          expect(result.status, where).toBe('processed');
          const texts = result.replies.map((r) => r.text);
          // A sensible reply every time: never silence, never an empty bubble.
          expect(texts.length, `${where}: no reply`).toBeGreaterThan(0);
          for (const t of texts) expect(t.trim().length, `${where}: empty reply`).toBeGreaterThan(0);
          const decision = result.decision;
          expect(decision, where).toBeDefined();
          if (!decision) continue;
          const e = turn.expect;
          const joined = texts.join('\n');
          const detail = `${where}\n  replies: ${joined}\n  trace: ${JSON.stringify(decision.trace)}\n  handoff: ${JSON.stringify(decision.handoff)}\n  analysis: ${JSON.stringify(result.analysis && { intent: result.analysis.intent, confidence: result.analysis.confidence, slots: result.analysis.slots, anger: result.analysis.anger, threats: result.analysis.threats, entities: result.analysis.entities.map((x) => x.value) })}`;
          if (e.intent !== undefined) {
            const allowed = Array.isArray(e.intent) ? e.intent : [e.intent];
            expect(allowed, `${detail}\n  intent`).toContain(decision.trace.intent);
          }
          if (e.step !== undefined) expect(decision.trace.step, `${detail}\n  step`).toBe(e.step);
          if (e.remedies_offered !== undefined) {
            expect(decision.trace.remedies_offered, `${detail}\n  remedies_offered`).toEqual(
              e.remedies_offered,
            );
          }
          if (e.policy_rule !== undefined)
            expect(decision.trace.policy_rule, `${detail}\n  policy_rule`).toBe(e.policy_rule);
          if (e.outcome !== undefined) {
            const outcomes = decision.events
              .filter((x) => x.type === 'case_outcome')
              .flatMap((x) => [x.data.remedy, x.data.outcome]);
            expect(outcomes, `${detail}\n  outcome`).toContain(e.outcome);
          }
          if (e.promise !== undefined) {
            expect(
              decision.promises.map((p) => p.kind),
              `${detail}\n  promise`,
            ).toContain(e.promise);
          }
          if (e.handoff === null) expect(decision.handoff, `${detail}\n  handoff`).toBeNull();
          else if (e.handoff) {
            expect(decision.handoff, `${detail}\n  handoff`).not.toBeNull();
            if (e.handoff.priority)
              expect(decision.handoff?.priority, `${detail}\n  priority`).toBe(e.handoff.priority);
            for (const reason of e.handoff.reasons ?? []) {
              expect(decision.handoff?.reasons, `${detail}\n  reasons`).toContain(reason);
            }
            if (e.handoff.any_reason) {
              const reasons = decision.handoff?.reasons ?? [];
              expect(
                e.handoff.any_reason.some((r) => reasons.includes(r)),
                `${detail}\n  any_reason`,
              ).toBe(true);
            }
            if (e.handoff.needs_approval !== undefined) {
              expect(decision.handoff?.needs_approval ?? false, `${detail}\n  needs_approval`).toBe(
                e.handoff.needs_approval,
              );
            }
          }
          if (e.reply !== undefined) expect(joined, `${detail}\n  reply`).toMatch(new RegExp(e.reply, 'i'));
          if (e.no_reply !== undefined)
            expect(joined, `${detail}\n  no_reply`).not.toMatch(new RegExp(e.no_reply, 'i'));
          if (e.options !== undefined) {
            expect(result.replies.at(-1)?.options?.length ?? 0, `${detail}\n  options`).toBe(e.options);
          }
          if (e.language === 'zh') expect(joined, `${detail}\n  language`).toMatch(/[\u4e00-\u9fff]/);
          if (e.language === 'en') expect(joined, `${detail}\n  language`).not.toMatch(/[\u4e00-\u9fff]/);
        }
      }
    });
  }
});
