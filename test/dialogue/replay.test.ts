import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { replayChatId, run } from '../../src/cli/replay.ts';

async function replay(lines: (object | string)[], args: string[] = []) {
  const stdin = Readable.from(lines.map((l) => `${typeof l === 'string' ? l : JSON.stringify(l)}\n`));
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const code = await run(args, { stdin, stdout, stderr, env: { CALMDESK_LOG_LEVEL: 'silent' } });
  const rows = () =>
    out.trim() === ''
      ? []
      : out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
  return { code, out, err, rows: code === 0 && !args.includes('--help') ? rows() : [] };
}

const glasses = {
  id: 'CD10005',
  state: 'delivered',
  category: 'kitchenware',
  amount: 89,
  currency: 'CNY',
  ordered_at: '2026-11-15T10:00:00+08:00',
  shipped_at: '2026-11-16T10:00:00+08:00',
  delivered_at: '2026-11-18T10:00:00+08:00',
  items: [{ sku: 'KW-GLASS-6', name: '玻璃杯六只装 Glass tumblers', quantity: 1, price: 89 }],
};
const NOW = '2026-11-20T10:00:00+08:00';

describe('calmdesk replay', () => {
  it('prints --help on stdout', async () => {
    const r = await replay([], ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/usage: calmdesk replay/);
  });

  it('rejects unknown flags as a usage error', async () => {
    const r = await replay([], ['--bogus']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
  });

  it('replays a conversation through the pipeline: one JSON line per input, structured decisions', async () => {
    const r = await replay([
      { conversation: 'c1', text: '订单CD10005的玻璃杯收到就碎了', order: glasses, now: NOW },
      { conversation: 'c1', text: '', attachments: ['https://shop.test/p.jpg'] },
      { conversation: 'c1', text: '1' },
      { conversation: 'c1', text: '确认' },
      { conversation: 'c2 with spaces/and slashes', text: '转人工', now: NOW },
    ]);
    expect(r.code).toBe(0);
    expect(r.rows).toHaveLength(5);
    const [first, photo, chosen, confirmed, human] = r.rows;
    expect(first).toMatchObject({
      conversation: 'c1',
      step: 'listen',
      policy_rule: 'delivered.shop_fault.damaged',
      handoff: null,
    });
    expect(first.replies.join('')).toMatch(/照片/);
    expect(photo).toMatchObject({
      step: 'offer',
      remedies_offered: ['reship', 'partial_refund', 'return_refund'],
    });
    expect(chosen).toMatchObject({ step: 'confirm' });
    expect(confirmed).toMatchObject({ step: 'follow_up', policy_rule: 'delivered.shop_fault.damaged' });
    expect(human).toMatchObject({
      conversation: 'c2 with spaces/and slashes',
      handoff: { priority: 'normal', reasons: ['human_requested'] },
    });
    for (const row of r.rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining([
          'conversation',
          'replies',
          'intent',
          'step',
          'remedies_offered',
          'policy_rule',
          'handoff',
        ]),
      );
    }
  });

  it('carries out a confirmed refund on the replayed order, so a later status question finds it done', async () => {
    const shirt = {
      id: 'CD10002',
      state: 'paid',
      category: 'apparel',
      amount: 159,
      currency: 'CNY',
      ordered_at: '2026-11-19T10:00:00+08:00',
      items: [{ sku: 'AP-LINEN-M', name: '亚麻衬衫 Linen shirt, size M', quantity: 1, price: 159 }],
    };
    const r = await replay([
      {
        conversation: 'buyer-a',
        text: '我的订单CD10002还没发货，不想要了，帮我退款吧',
        order: shirt,
        now: NOW,
      },
      { conversation: 'buyer-a', text: '确认' },
      { conversation: 'buyer-a', text: '退款办好了吗' },
      // Another conversation with an order of the same id: its order is its own, still paid.
      {
        conversation: 'buyer-b',
        text: '我的订单CD10002还没发货，不想要了，帮我退款吧',
        order: shirt,
        now: NOW,
      },
    ]);
    expect(r.code).toBe(0);
    const [asked, confirmed, status, other] = r.rows;
    expect(asked).toMatchObject({ step: 'confirm', policy_rule: 'not_shipped.refund_at_once' });
    expect(confirmed).toMatchObject({ step: 'follow_up' });
    // Told the refund is done (the promise is kept) or that the order is refunded: either way, not "still open".
    expect(status.replies.join('')).toMatch(/已经办好了|已经退款/);
    expect(status.policy_rule).toMatch(/^(case\.status|order\.closed)$/);
    expect(other).toMatchObject({ step: 'confirm', remedies_offered: ['refund_only'] });
  });

  it('answers a bad line with an error line and goes on', async () => {
    const r = await replay([
      'this is not json',
      { text: 'no conversation' },
      { conversation: 'c3', text: 'hi', order: { id: 'X' } },
      { conversation: 'c3', text: 'hello' },
    ]);
    expect(r.code).toBe(0);
    expect(r.rows).toHaveLength(4);
    expect(r.rows[0].error.code).toBe('CALMDESK_BAD_REQUEST');
    expect(r.rows[1].error.message).toMatch(/conversation/);
    expect(r.rows[2]).toMatchObject({ conversation: 'c3', error: { code: 'CALMDESK_BAD_REQUEST' } });
    expect(r.rows[3].replies.length).toBeGreaterThan(0);
  });

  it('maps free conversation ids to safe, distinct console chats', () => {
    expect(replayChatId('a b')).toMatch(/^replay-a_b-[0-9a-f]{8}$/);
    expect(replayChatId('a b')).not.toBe(replayChatId('a_b'));
  });
});
