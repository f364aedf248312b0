import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../src/nlu/entities.ts';
import type { Entity } from '../../src/nlu/types.ts';

const now = new Date('2026-11-22T10:00:00Z');

function pick(entities: Entity[], type: Entity['type']): Entity[] {
  return entities.filter((e) => e.type === type);
}

describe('entities', () => {
  it('finds an order number with its span, not a phone', () => {
    const text = '订单号2026111812345678，昨天到的';
    const [order] = pick(extractEntities(text, { now }), 'order_id');
    expect(order).toMatchObject({ value: '2026111812345678', start: 3, end: 19 });
    expect(text.slice(order!.start, order!.end)).toBe(order!.raw);
  });

  it('reads full-width digits with spaces inside an order number', () => {
    const text = '订单 ２０２６ １１１８ １２３４ ５６７８';
    const [order] = pick(extractEntities(text, { now }), 'order_id');
    expect(order?.value).toBe('2026111812345678');
    expect(order?.raw).toBe('２０２６ １１１８ １２３４ ５６７８');
  });

  it('upper-cases letter ids and keeps their dashes', () => {
    const entities = extractEntities('my order is ds-20931, the other one CD10482', { now });
    expect(pick(entities, 'order_id').map((e) => e.value)).toEqual(['DS-20931', 'CD10482']);
  });

  it('tells tracking numbers by carrier prefix or by context', () => {
    expect(pick(extractEntities('顺丰SF1234567890123', { now }), 'tracking_number')[0]?.value).toBe(
      'SF1234567890123',
    );
    expect(pick(extractEntities('快递单号 773012345678901', { now }), 'tracking_number')[0]?.value).toBe(
      '773012345678901',
    );
    expect(pick(extractEntities('YT 1234 5678 9012 3', { now }), 'tracking_number')[0]?.value).toBe(
      'YT1234567890123',
    );
  });

  it('normalises phones to E.164', () => {
    const entities = extractEntities('电话 138 1234 5678，或者 +86 13912345678；US: (415) 555-0134', { now });
    expect(pick(entities, 'phone').map((e) => e.value)).toEqual([
      '+8613812345678',
      '+8613912345678',
      '+14155550134',
    ]);
  });

  it('reads amounts in yuan and dollars, with Chinese numerals', () => {
    const entities = extractEntities('退我35.5元，运费9块4毛2，另外 $12.99 和一千五百元', { now });
    expect(pick(entities, 'amount').map((e) => [e.value, e.currency])).toEqual([
      ['35.50', 'CNY'],
      ['9.42', 'CNY'],
      ['12.99', 'USD'],
      ['1500.00', 'CNY'],
    ]);
  });

  it('reads quantities and does not take 两块蛋糕 for money', () => {
    expect(pick(extractEntities('两件都坏了', { now }), 'quantity')[0]?.value).toBe('2');
    expect(pick(extractEntities('3 pcs missing', { now }), 'quantity')[0]?.value).toBe('3');
    const cake = extractEntities('少了两块蛋糕', { now });
    expect(pick(cake, 'amount')).toEqual([]);
    expect(pick(cake, 'quantity')[0]?.value).toBe('2');
  });

  it('turns dates and relative dates into ISO dates from now', () => {
    const values = (text: string): string[] =>
      pick(extractEntities(text, { now }), 'date').map((e) => e.value);
    expect(values('昨天买的')).toEqual(['2026-11-21']);
    expect(values('三天前下单')).toEqual(['2026-11-19']);
    expect(values('11月20日发货')).toEqual(['2026-11-20']);
    expect(values('ordered on 2026-11-20')).toEqual(['2026-11-20']);
    expect(values('it came last week')).toEqual(['2026-11-09']);
    expect(values('two days ago')).toEqual(['2026-11-20']);
  });

  it('finds e-mails and marks photo attachments as evidence', () => {
    const entities = extractEntities('mail me at Buyer@Example.com', {
      now,
      attachments: [{ kind: 'photo' }, { kind: 'document' }],
    });
    expect(pick(entities, 'email')[0]?.value).toBe('buyer@example.com');
    expect(pick(entities, 'photo')).toEqual([{ type: 'photo', value: 'photo', raw: '', start: 0, end: 0 }]);
  });

  it('ignores numbers inside links', () => {
    expect(extractEntities('看这个 https://item.example.com/100012345678.html', { now })).toEqual([]);
  });
});
