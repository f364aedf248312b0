import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isCalmdeskError } from '../../src/core/errors.ts';
import { DEFAULT_POLICY_PATH, loadPolicy } from '../../src/policy/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'calmdesk-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let written = 0;

// biome-ignore lint/suspicious/noExplicitAny: tests poke at arbitrary fields of the parsed YAML.
function writePolicy(mutate: (raw: Record<string, any>) => void): string {
  const raw = parse(readFileSync(DEFAULT_POLICY_PATH, 'utf8'));
  mutate(raw);
  const path = join(dir, `policy-${++written}.yaml`);
  writeFileSync(path, stringify(raw));
  return path;
}

describe('loadPolicy', () => {
  it('loads the shipped default policy', () => {
    const policy = loadPolicy(DEFAULT_POLICY_PATH);
    expect(policy.return_window.no_reason_days).toBe(7);
    expect(policy.excluded_categories.map((c) => c.category)).toContain('large_furniture');
    expect(policy.responsibility.damaged).toBe('shop');
    expect(policy.responsibility.changed_mind).toBe('buyer');
    expect(policy.escalation.priorities.health_safety).toBe('urgent');
  });

  it('documents every field of the default policy with a comment', () => {
    const lines = readFileSync(DEFAULT_POLICY_PATH, 'utf8').split('\n');
    // Every mapping key that opens a section or holds a scalar has a comment on it or just above it.
    const undocumented = lines.flatMap((line, i) => {
      const key = line.match(/^(\s*)([a-z_]+):/);
      if (!key) return [];
      if (line.includes('#')) return [];
      const above = lines[i - 1] ?? '';
      const inList =
        /^\s+(damaged|wrong_item|missing|quality|delivery|health|changed_mind|ordered_wrong|shop|buyer|zh|en|category|when|label|threat|compensation_beyond_authority|outside_policy|anger_sustained|anger_rising|human_requested|not_understood|remedies_refused|high_value_order|health_safety|refund_only|cancel_order|intercept|return_refund|exchange|reship|partial_refund|coupon|ship|anger_rising_delta|anger_rising_min):/.test(
          line,
        );
      return above.trim().startsWith('#') || inList ? [] : [line.trim()];
    });
    expect(undocumented).toEqual([]);
  });

  it('lists every bad field at once', () => {
    const path = writePolicy((raw) => {
      raw.return_window.no_reason_days = -1;
      raw.remedies.delivered.damaged = ['teleport'];
      delete raw.authority.max_refund;
      raw.escalation.priorities.threat = 'whenever';
    });
    let error: unknown;
    try {
      loadPolicy(path);
    } catch (e) {
      error = e;
    }
    expect(isCalmdeskError(error, 'CALMDESK_POLICY_INVALID')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('return_window.no_reason_days');
    expect(message).toContain('remedies.delivered.damaged.0');
    expect(message).toContain('authority.max_refund');
    expect(message).toContain('escalation.priorities.threat');
    expect(message).toContain('4 bad field');
  });

  it('refuses a coupon above the bot limit and a missing problem', () => {
    const path = writePolicy((raw) => {
      raw.authority.coupon_amount = 999;
      delete raw.responsibility.quality;
    });
    expect(() => loadPolicy(path)).toThrow(
      /authority.coupon_amount[\s\S]*responsibility.quality|responsibility.quality[\s\S]*coupon_amount/,
    );
  });

  it('reports a missing file and broken YAML with the policy code', () => {
    expect(() => loadPolicy('/nonexistent/policy.yaml')).toThrow(/CALMDESK_POLICY_INVALID/);
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'version: [1\n');
    expect(() => loadPolicy(path)).toThrow(/not valid YAML/);
  });
});
