import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { createBot } from '../app.ts';
import { isCalmdeskError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { type Attachment, AttachmentSchema, type InboundMessage } from '../core/messages.ts';
import type { Decision } from '../dialogue/types.ts';
import { orderAfterRemedy } from '../orders/demo-shop.ts';
import { MemoryOrderSource } from '../orders/memory-orders.ts';
import { OrderSchema } from '../orders/order-schema.ts';
import type { OrderLookup, OrderSource } from '../orders/types.ts';
import { parseFlags } from './args.ts';
import { type Command, configOrReport } from './io.ts';

const HELP = `usage: calmdesk replay < conversations.jsonl

Replays buyer messages through the real pipeline (NLU, dialogue, policy, handoff desk) on a memory
store, and prints one JSON line per input line on stdout:

  in:  {"conversation": "c1", "text": "杯子碎了", "attachments"?: [...], "order"?: {...}, "now"?: ISO}
  out: {"conversation": "c1", "replies": [...], "intent", "step", "remedies_offered", "policy_rule",
        "handoff": null | {"reasons", "priority"}}

"order" (usually on a conversation's first line) sets the order the conversation is about:
{id, state, category, amount, currency, ordered_at, shipped_at?, delivered_at?, items}.
"attachments" are {kind: photo|video|document, ref} objects, or plain strings taken as photo refs.
"now" is the time of that line; a conversation keeps its last "now" (plus one second per line) until
another is given; without any, the real time. A bad line prints {"error": {...}} and the replay goes on.
Remedies the buyer confirms are carried out on the replayed orders as in the demo shop (refunded,
cancelled, shipped again), so later lines see the order as it is after the remedy.
Logs go to stderr; stdout carries only JSON. Policy, intents and model cache come from the usual
CALMDESK_* variables.
`;

const ReplayOrderSchema = OrderSchema.omit({ buyer_id: true });

const LineSchema = z
  .object({
    conversation: z.union([z.string().min(1).max(200), z.number()]).transform(String),
    text: z.string().max(20_000).default(''),
    attachments: z
      .array(
        z.union([
          AttachmentSchema,
          z
            .string()
            .min(1)
            .max(2048)
            .transform((ref): Attachment => ({ kind: 'photo', ref })),
        ]),
      )
      .max(20)
      .default([]),
    order: ReplayOrderSchema.optional(),
    now: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((line) => line.text.trim().length > 0 || line.attachments.length > 0, {
    message: 'a line needs text or attachments',
    path: ['text'],
  });

/** Orders per replayed conversation: two conversations may use the same order id without seeing each other's. */
class ReplayOrders implements OrderSource {
  readonly #byBuyer = new Map<string, MemoryOrderSource>();
  readonly #about = new Map<string, string>();

  /** The id of the last inline order of a conversation: the order it is about. */
  about(buyerId: string): string | undefined {
    return this.#about.get(buyerId);
  }

  set(buyerId: string, order: z.infer<typeof ReplayOrderSchema>): void {
    this.#about.set(buyerId, order.id);
    let source = this.#byBuyer.get(buyerId);
    if (!source) {
      source = new MemoryOrderSource();
      this.#byBuyer.set(buyerId, source);
    }
    source.upsert({ ...order, buyer_id: buyerId });
  }

  async find(buyerId: string, orderId: string): Promise<OrderLookup> {
    return (await this.#byBuyer.get(buyerId)?.find(buyerId, orderId)) ?? { status: 'not_found' };
  }

  async recent(buyerId: string, limit: number) {
    return (await this.#byBuyer.get(buyerId)?.recent(buyerId, limit)) ?? [];
  }

  /**
   * Carries out what the buyer agreed to, the way the demo shop does (refunded, cancelled, shipped
   * again), so the conversation's next lines see the order as it is after the remedy.
   */
  async carryOut(buyerId: string, actions: Decision['actions'], now: Date): Promise<void> {
    const source = this.#byBuyer.get(buyerId);
    if (!source) return;
    for (const action of actions ?? []) {
      if (action.type !== 'apply_remedy') continue;
      const lookup = await source.find(buyerId, action.order_id);
      if (lookup.status !== 'found') continue;
      const after = orderAfterRemedy(lookup.order, action.remedy, now);
      if (after !== lookup.order) source.upsert(after);
    }
  }
}

/** A replay conversation id as a console conversation: sanitised, with a hash so distinct ids stay distinct. */
export function replayChatId(conversation: string): string {
  const clean = conversation.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'c';
  const hash = createHash('sha256').update(conversation).digest('hex').slice(0, 8);
  return `replay-${clean}-${hash}`;
}

export const run: Command = async (args, io) => {
  let flags: ReturnType<typeof parseFlags>;
  try {
    flags = parseFlags(args, {});
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (flags.values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const loaded = configOrReport(io);
  if (!loaded) return 2;
  const config = { ...loaded, store: 'memory' as const };
  // stdout is for data only: logs go to stderr, warnings and worse unless asked for more.
  const level = io.env.CALMDESK_LOG_LEVEL ? config.logLevel : 'warn';
  const logger = createLogger({ level, destination: 'stderr' });
  const orders = new ReplayOrders();
  let now = new Date();
  const lastNow = new Map<string, Date>();

  let bot: Awaited<ReturnType<typeof createBot>>;
  try {
    bot = await createBot({ config, orders, clock: () => now, logger });
  } catch (error) {
    const code = isCalmdeskError(error) ? error.code : 'CALMDESK_CONFIG_INVALID';
    io.stderr.write(`calmdesk replay: cannot start (${code}): ${(error as Error).message}\n`);
    return 2;
  }

  const write = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo += 1;
      if (raw.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch (error) {
        write({
          error: {
            line: lineNo,
            code: 'CALMDESK_BAD_REQUEST',
            message: `not JSON: ${(error as Error).message}`,
          },
        });
        continue;
      }
      const parsed = LineSchema.safeParse(json);
      if (!parsed.success) {
        const conversation = (json as { conversation?: unknown } | null)?.conversation;
        write({
          ...(typeof conversation === 'string' ? { conversation } : {}),
          error: {
            line: lineNo,
            code: 'CALMDESK_BAD_REQUEST',
            message: parsed.error.issues
              .map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`)
              .join('; '),
          },
        });
        continue;
      }
      const line = parsed.data;
      const chat = replayChatId(line.conversation);
      const buyerId = `replay:${chat}`;
      const previous = lastNow.get(chat);
      now = line.now ? new Date(line.now) : previous ? new Date(previous.getTime() + 1000) : new Date();
      if (line.now || previous) lastNow.set(chat, now);
      if (line.order) orders.set(buyerId, line.order);

      const message: InboundMessage = {
        id: `replay-${lineNo}`,
        platform: 'console',
        conversationId: `console:${chat}`,
        author: { id: buyerId, name: line.conversation, role: 'buyer' },
        text: line.text,
        attachments: line.attachments,
        receivedAt: now,
      };
      // The inline order is the order the conversation is about (DESIGN.md's replay contract).
      const about = orders.about(buyerId);
      if (about) message.orderId = about;
      try {
        const handled = await bot.pipeline.handleInbound(message);
        const decision = handled.decision;
        if (decision?.actions) await orders.carryOut(buyerId, decision.actions, now);
        write({
          conversation: line.conversation,
          replies: handled.replies.map((r) => r.text),
          intent: decision?.trace.intent ?? handled.analysis?.intent ?? null,
          step: decision?.trace.step ?? null,
          remedies_offered: decision?.trace.remedies_offered ?? [],
          policy_rule: decision?.trace.policy_rule ?? null,
          handoff: decision?.handoff
            ? { reasons: decision.handoff.reasons, priority: decision.handoff.priority }
            : null,
          ...(handled.status === 'processed' ? {} : { status: handled.status }),
        });
      } catch (error) {
        write({
          conversation: line.conversation,
          error: {
            line: lineNo,
            code: isCalmdeskError(error) ? error.code : 'internal',
            message: (error as Error).message,
          },
        });
      }
    }
  } finally {
    await bot.stop();
  }
  return 0;
};
