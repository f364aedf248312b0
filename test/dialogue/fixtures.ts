import type { DecideInput, Decision, DialogueState } from '../../src/dialogue/types.ts';
import type { Analysis, Intent } from '../../src/nlu/types.ts';
import type { Order } from '../../src/orders/types.ts';
import { defaultPolicy } from '../../src/policy/index.ts';

/** 2025-06-10 10:00 Beijing time: every table test runs at this moment. */
export const NOW = new Date('2025-06-10T02:00:00Z');

const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

/** A hand-built analysis: only what a test says differs from a calm, confident, empty message. */
export function analysis(intent: Intent, patch: Partial<Analysis> = {}): Analysis {
  return {
    intent,
    confidence: 0.9,
    ranking: [{ intent, confidence: 0.9 }],
    language: 'zh',
    entities: [],
    anger: 0,
    threats: [],
    slots: {},
    escalate: false,
    escalation_reasons: [],
    truncated: false,
    ...patch,
  };
}

export function order(id: string, patch: Partial<Order> = {}): Order {
  return {
    id,
    buyer_id: 'buyer:1',
    state: 'delivered',
    category: 'kitchenware',
    amount: 89,
    currency: 'CNY',
    ordered_at: hoursAgo(120),
    shipped_at: hoursAgo(96),
    delivered_at: hoursAgo(48),
    items: [{ sku: 'KW-GLASS-6', name: '玻璃杯六只装 Glass tumblers, set of 6', quantity: 1, price: 89 }],
    ...patch,
  };
}

export const ORDERS = {
  paid: order('CD10002', {
    state: 'paid',
    category: 'apparel',
    amount: 159,
    items: [{ sku: 'AP-LINEN-M', name: '亚麻衬衫 Linen shirt, size M', quantity: 1, price: 159 }],
  }),
  shipped: order('CD10003', {
    state: 'shipped',
    category: 'shoes',
    amount: 399,
    delivered_at: undefined as never,
    tracking_status: { zh: '快件已到达杭州转运中心', en: 'Arrived at the Hangzhou sorting centre' },
    items: [{ sku: 'SH-RUN-42', name: '跑步鞋 Running shoes, EU 42', quantity: 1, price: 399 }],
  }),
  glasses: order('CD10005'),
  jeans: order('CD10006', {
    category: 'apparel',
    amount: 229,
    items: [{ sku: 'AP-JEANS-W30', name: '直筒牛仔裤 Straight-leg jeans, W30', quantity: 1, price: 229 }],
  }),
  old: order('CD10007', { delivered_at: hoursAgo(20 * 24) }),
  books: order('CD10009', {
    category: 'books',
    amount: 72,
    items: [
      { sku: 'BK-PRINCE-HC', name: '《小王子》精装 The Little Prince, hardcover', quantity: 1, price: 48 },
      { sku: 'BK-NOTEBOOK', name: '笔记本 Notebook', quantity: 2, price: 12 },
    ],
  }),
  sofa: order('CD10010', { category: 'large_furniture', amount: 2999 }),
  laptop: order('CD10004', { category: 'electronics', amount: 8999 }),
  coat: order('CD10018', { category: 'apparel', amount: 599, delivered_at: hoursAgo(20 * 24) }),
  cancelled: order('CD10015', { state: 'cancelled' }),
} satisfies Record<string, Order>;

/** A shipped order has no delivery time. */
delete (ORDERS.shipped as Partial<Order>).delivered_at;

export interface Turn {
  analysis: Analysis;
  text?: string;
  order?: Order | null;
  asked_id?: string;
  recent?: Order[];
  photo?: boolean;
  now?: Date;
}

/** Runs decide for one turn. */
export function turn(
  state: DialogueState | null,
  t: Turn,
  decideFn: (input: DecideInput) => Decision,
): Decision {
  const input: DecideInput = {
    state,
    analysis: t.analysis,
    order: {
      lookup: t.order ? { status: 'found', order: t.order } : t.asked_id ? { status: 'not_found' } : null,
      ...(t.asked_id ? { asked_id: t.asked_id } : {}),
      recent: t.recent ?? [],
    },
    policy: defaultPolicy(),
    now: t.now ?? NOW,
    message: {
      text: t.text ?? '',
      attachments: t.photo ? [{ kind: 'photo', ref: 'https://example.test/p.jpg' }] : [],
      buyerName: 'Alice',
    },
  };
  return decideFn(input);
}
