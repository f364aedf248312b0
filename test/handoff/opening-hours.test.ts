import { describe, expect, it } from 'vitest';
import { isCalmdeskError } from '../../src/core/errors.ts';
import { isOpenAt, nextOpening, parseOpeningHours } from '../../src/handoff/opening-hours.ts';

describe('opening hours', () => {
  const shanghai = parseOpeningHours('mon-fri 09:00-18:00 Asia/Shanghai');

  it('reads days as ranges or lists, with the time zone', () => {
    expect(shanghai).toEqual({
      timezone: 'Asia/Shanghai',
      days: [1, 2, 3, 4, 5],
      open: '09:00',
      close: '18:00',
    });
    expect(parseOpeningHours('sat,sun 10:00-16:00').days).toEqual([0, 6]);
    expect(parseOpeningHours('fri-mon 10:00-16:00').days).toEqual([0, 1, 5, 6]);
  });

  it('refuses what it cannot read, saying what is wrong', () => {
    for (const bad of ['weekdays 9-5', 'mon-fri 18:00-09:00', 'mon-fri 09:00-18:00 Mars/Base']) {
      const error = (() => {
        try {
          parseOpeningHours(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(isCalmdeskError(error, 'CALMDESK_CONFIG_INVALID'), bad).toBe(true);
    }
  });

  it('knows when the shop is open in its own time zone', () => {
    expect(isOpenAt(shanghai, new Date('2026-03-02T01:00:00Z'))).toBe(true); // Mon 09:00 Shanghai
    expect(isOpenAt(shanghai, new Date('2026-03-02T00:59:00Z'))).toBe(false);
    expect(isOpenAt(shanghai, new Date('2026-03-02T10:00:00Z'))).toBe(false); // Mon 18:00
    expect(isOpenAt(shanghai, new Date('2026-03-07T03:00:00Z'))).toBe(false); // Saturday
  });

  it('finds the next opening: later today, tomorrow, or after the weekend', () => {
    expect(nextOpening(shanghai, new Date('2026-03-02T00:30:00Z')).toISOString()).toBe(
      '2026-03-02T01:00:00.000Z',
    );
    expect(nextOpening(shanghai, new Date('2026-03-02T12:00:00Z')).toISOString()).toBe(
      '2026-03-03T01:00:00.000Z',
    );
    expect(nextOpening(shanghai, new Date('2026-03-06T11:00:00Z')).toISOString()).toBe(
      '2026-03-09T01:00:00.000Z',
    );
    const now = new Date('2026-03-03T05:00:00Z');
    expect(nextOpening(shanghai, now)).toBe(now);
  });

  it('follows daylight saving time', () => {
    const berlin = parseOpeningHours('mon-sun 09:00-17:00 Europe/Berlin');
    expect(nextOpening(berlin, new Date('2026-03-28T20:00:00Z')).toISOString()).toBe(
      '2026-03-29T07:00:00.000Z',
    );
    expect(nextOpening(berlin, new Date('2026-03-27T20:00:00Z')).toISOString()).toBe(
      '2026-03-28T08:00:00.000Z',
    );
  });
});
