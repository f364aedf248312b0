/**
 * Turns an order id as a buyer types it into the form the shop stores: `cd10001`, `CD 10001`,
 * `#CD10001` and full-width `ＣＤ１０００１` all become `CD10001`.
 * Every OrderSource compares normalised ids, so the buyer's spelling never decides the answer.
 */
export function normalizeOrderId(raw: string): string {
  // NFKC folds full-width letters, digits and the ideographic space (common with Chinese IMEs) to ASCII.
  return raw.normalize('NFKC').replace(/\s+/g, '').replace(/^#/, '').toUpperCase();
}
