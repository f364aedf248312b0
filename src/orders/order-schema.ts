import { z } from 'zod';
import type { Order } from './types.ts';
import { ORDER_STATES } from './types.ts';

/** ISO 8601 time with a zone (`Z` or `+08:00`), as every order time is stored and exchanged. */
const IsoTime = z.iso.datetime({ offset: true });

export const OrderItemSchema = z.object({
  sku: z.string().min(1).max(128),
  name: z.string().min(1).max(500),
  quantity: z.number().int().positive(),
  price: z.number().finite().nonnegative(),
});

/**
 * The zod schema of {@link Order}: used for order API responses, inline orders of `calmdesk replay`
 * and rows read back. Unknown fields are dropped. For inline replay orders that carry no buyer, use
 * `OrderSchema.omit({ buyer_id: true })`.
 */
export const OrderSchema = z.object({
  id: z.string().min(1).max(128),
  buyer_id: z.string().min(1).max(256),
  state: z.enum(ORDER_STATES),
  category: z.string().min(1).max(64),
  amount: z.number().finite().nonnegative(),
  currency: z.string().min(1).max(8),
  ordered_at: IsoTime,
  shipped_at: IsoTime.exactOptional(),
  delivered_at: IsoTime.exactOptional(),
  tracking_number: z.string().min(1).max(128).exactOptional(),
  tracking_status: z.object({ zh: z.string(), en: z.string() }).exactOptional(),
  items: z.array(OrderItemSchema),
});

// Compile-time proof that the schema and the hand-written contract type agree both ways.
type Parsed = z.infer<typeof OrderSchema>;
const _schemaMatchesOrder: (order: Parsed) => Order = (order) => order;
const _orderMatchesSchema: (order: Order) => Parsed = (order) => order;
void _schemaMatchesOrder;
void _orderMatchesSchema;
