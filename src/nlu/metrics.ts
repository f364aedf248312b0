/** Classification metrics shared by `calmdesk eval` and the NLU benchmark. */
export interface PerLabel {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macro_f1: number;
  per_intent: Record<string, PerLabel>;
  confusions: { truth: string; predicted: string; count: number }[];
}

/** Accuracy, macro-F1 over the true labels, per-label P/R/F1 and the most frequent confusions. */
export function evaluate(
  truth: readonly string[],
  predicted: readonly string[],
  topConfusions = 10,
): EvalReport {
  const labels = [...new Set([...truth, ...predicted])].sort();
  const per: Record<string, PerLabel> = {};
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct += 1;
  const pairs = new Map<string, number>();
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] !== predicted[i]) {
      const key = `${truth[i]}\u0000${predicted[i]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  const inTruth = new Set(truth);
  let f1Sum = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === label && truth[i] === label) tp += 1;
      else if (predicted[i] === label) fp += 1;
      else if (truth[i] === label) fn += 1;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    per[label] = { precision, recall, f1, support: tp + fn };
    if (inTruth.has(label)) f1Sum += f1;
  }
  const confusions = [...pairs]
    .map(([key, count]) => {
      const [t, p] = key.split('\u0000');
      return { truth: t!, predicted: p!, count };
    })
    .sort((a, b) => b.count - a.count || a.truth.localeCompare(b.truth))
    .slice(0, topConfusions);
  return {
    n: truth.length,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macro_f1: inTruth.size === 0 ? 0 : f1Sum / inTruth.size,
    per_intent: per,
    confusions,
  };
}

/** Area under the ROC curve of `scores` for binary `labels` (ties count half). */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let neg = 0;
  for (const l of labels) {
    if (l) pos += 1;
    else neg += 1;
  }
  if (pos === 0 || neg === 0) return 0.5;
  // Mann-Whitney U with average ranks for ties.
  let rankSumPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]!] === scores[idx[i]!]) j += 1;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[idx[k]!]) rankSumPos += avgRank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** A plain-text table of a report: per-intent rows and the top confusion pairs. */
export function formatReport(report: EvalReport): string {
  const rows = Object.entries(report.per_intent).filter(([, v]) => v.support > 0 || v.precision > 0);
  const width = Math.max(6, ...rows.map(([k]) => k.length));
  const pct = (x: number): string => x.toFixed(3);
  const out = [
    `examples ${report.n}  accuracy ${pct(report.accuracy)}  macro-F1 ${pct(report.macro_f1)}`,
    '',
    `${'intent'.padEnd(width)}  precision  recall  f1     support`,
    ...rows.map(
      ([k, v]) =>
        `${k.padEnd(width)}  ${pct(v.precision).padStart(9)}  ${pct(v.recall).padStart(6)}  ${pct(v.f1)}  ${String(v.support).padStart(7)}`,
    ),
    '',
    'top confusions (truth → predicted)',
    ...report.confusions.map((c) => `  ${String(c.count).padStart(4)}  ${c.truth} → ${c.predicted}`),
  ];
  return `${out.join('\n')}\n`;
}
