import { CalmdeskError } from '../../core/errors.ts';
import type { ClaimOutcome, TransitionChange } from '../../handoff/ports.ts';
import type { HandoffRecord } from '../../handoff/types.ts';
import { canTransition, isOpen, OPEN_STATUSES } from '../../handoff/types.ts';

/** The SQL condition "the case is open" (queued or claimed), for both dialects. */
export const OPEN_CONDITION = `status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** Refuses a transition the table does not allow: a programming error, not an outcome. */
export function assertTransition(change: TransitionChange): void {
  if (!canTransition(change.from, change.to)) {
    throw new CalmdeskError(
      'CALMDESK_HANDOFF_CONFLICT',
      `a case cannot go from ${change.from} to ${change.to}`,
    );
  }
}

/**
 * How a claim ended, told from the case as it stands after the conditional write (`won`: the write
 * changed the row).
 */
export function claimOutcome(record: HandoffRecord | null, won: boolean): ClaimOutcome {
  if (!record) return { ok: false, code: 'not_found' };
  if (won) return { ok: true, record };
  if (record.status === 'claimed' && record.holder) {
    return { ok: false, code: 'already_claimed', record, holder: record.holder };
  }
  return { ok: false, code: 'bad_status', record };
}

/**
 * The conditional UPDATE of a status change, the same on every dialect but for how a parameter is
 * written (`param(n)` for the n-th value, from 1): applied only while the case is in `change.from` (and
 * held by `change.holderId`). Moving to `queued` clears the holder; moving to a closed status sets
 * `closed_at`.
 */
export function transitionUpdate(
  id: string,
  change: TransitionChange,
  param: (n: number) => string,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  // Values are bound in the order their parameters stand in the text, which SQLite's `?` needs.
  const bind = (value: unknown): string => {
    values.push(value);
    return param(values.length);
  };
  const at = change.at.toISOString();
  const sets = [`status = ${bind(change.to)}`, `updated_at = ${bind(at)}`];
  if (change.to === 'queued') {
    sets.push('holder_id = NULL', 'holder_name = NULL', 'holder_via = NULL', 'claimed_at = NULL');
  }
  if (!isOpen(change.to)) sets.push(`closed_at = ${bind(at)}`);
  if (change.outcome !== undefined) sets.push(`outcome = ${bind(change.outcome)}`);
  const where = [`id = ${bind(id)}`, `status = ${bind(change.from)}`];
  if (change.holderId !== undefined) where.push(`holder_id = ${bind(change.holderId)}`);
  return { text: `UPDATE handoffs SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, values };
}
