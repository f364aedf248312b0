import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { z } from 'zod';
import { type ConversationId, parseConversationId } from '../../core/conversation-id.ts';
import type { Logger } from '../../core/logger.ts';
import { AttachmentSchema, type TranscriptEntry } from '../../core/messages.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import { TRANSCRIPT_TYPES, type TranscriptBus, toTranscriptEntry } from '../../core/transcript-bus.ts';
import type { Store } from '../../storage/store.ts';
import { jsonErrorHandler, sendError } from './http-errors.ts';

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');

export interface WebServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  maxTextLength: number;
  pipeline: Pipeline;
  store: Store;
  bus: TranscriptBus;
  logger: Logger;
  clock: () => Date;
  /** Where photos buyers upload are kept; null disables uploads (tests, replay). */
  uploadsDir: string | null;
  /** More routes on the same server: the agent console, the Telegram webhook. */
  plugins?: ((app: FastifyInstance) => Promise<void> | void)[];
}

const PostMessageBody = z
  .object({
    text: z.string().max(1_000_000).default(''),
    attachments: z.array(AttachmentSchema).max(10).default([]),
    /** A client-made id: a retried POST with the same id is answered once. */
    message_id: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _ . : - only, at most 100')
      .optional(),
    buyer_name: z.string().trim().min(1).max(60).optional(),
    /** The order the chat is about, when the shop embeds it on an order page; the buyer can still name another. */
    order_id: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

const AfterQuery = z.object({ after: z.coerce.number().int().min(0).default(0) }).strict();

/**
 * Web chat conversations are addressed as `web:<chat>`; the path may give the full id or only `<chat>`.
 * Only web conversations are reachable here: a website must not post into a Telegram chat.
 */
function webConversationId(raw: string): ConversationId | null {
  const id = raw.includes(':') ? raw : `web:${raw}`;
  const parts = parseConversationId(id);
  return parts?.platform === 'web' ? id : null;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The buyer-facing web chat: the page at `/`, the JSON API, and the SSE stream. */
export async function createWebServer(options: WebServerOptions): Promise<FastifyInstance> {
  const { pipeline, store, bus, clock } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    // One log line per request is noise for a chat bot; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.maxBodyBytes,
    // Long enough for any id we accept, so a too-long id gets our own clear 400 rather than a bare 414.
    routerOptions: { maxParamLength: 300 },
  }) as unknown as FastifyInstance; // pino's Logger type narrows the instance; the rest of calmdesk wants the plain one

  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
  });

  app.setErrorHandler(
    jsonErrorHandler(options.logger, {
      tooLarge: {
        code: 'CALMDESK_BODY_TOO_LARGE',
        message: `The request body is over ${options.maxBodyBytes} bytes.`,
      },
      invalidPrefix: 'The request is not valid JSON or not valid: ',
      internal: 'Something went wrong on our side; the request can be retried.',
      logMessage: 'web request failed',
    }),
  );

  const page = (file: string, type: string) => {
    const body = readFileSync(join(PUBLIC_DIR, file));
    return async (_request: unknown, reply: FastifyReply) => reply.type(type).send(body);
  };
  app.get('/', page('chat.html', 'text/html; charset=utf-8'));
  app.get('/chat.js', page('chat.js', 'text/javascript; charset=utf-8'));
  app.get('/chat.css', page('chat.css', 'text/css; charset=utf-8'));
  app.get('/healthz', async () => ({ ok: true, in_flight: pipeline.inFlight }));

  app.post<{ Params: { id: string } }>('/api/conversations/:id/messages', async (request, reply) => {
    const conversationId = webConversationId(request.params.id);
    if (!conversationId) {
      return sendError(
        reply,
        400,
        'CALMDESK_BAD_CONVERSATION_ID',
        'The conversation id must be web:<id> with letters, digits, _ - . (1–100).',
      );
    }
    const parsed = PostMessageBody.safeParse(request.body ?? {});
    if (!parsed.success) {
      return sendError(
        reply,
        400,
        'CALMDESK_BAD_REQUEST',
        'The body does not match {"text": string, "attachments"?: [...]}.',
        { details: z.treeifyError(parsed.error) },
      );
    }
    const body = parsed.data;
    const length = [...body.text].length;
    if (length > options.maxTextLength) {
      return sendError(
        reply,
        422,
        'CALMDESK_TEXT_TOO_LONG',
        `The message is ${length} characters; the limit is ${options.maxTextLength}. Please split it into shorter messages.`,
      );
    }
    if (body.text.trim() === '' && body.attachments.length === 0) {
      return sendError(
        reply,
        400,
        'CALMDESK_EMPTY_MESSAGE',
        'The message is empty: send some text or an attachment.',
      );
    }
    const chat = parseConversationId(conversationId)!.chat;
    const messageId = body.message_id ?? randomUUID();
    const existing = await store.conversations.get(conversationId);
    const result = await pipeline.handleInbound({
      id: messageId,
      platform: 'web',
      conversationId,
      author: { id: `web:${chat}`, name: body.buyer_name ?? existing?.buyer_name ?? 'buyer', role: 'buyer' },
      text: body.text,
      attachments: body.attachments,
      receivedAt: clock(),
      ...(body.order_id ? { orderId: body.order_id } : {}),
    });
    if (result.status === 'failed' && result.replies.length === 0) {
      return sendError(
        reply,
        503,
        'CALMDESK_UNAVAILABLE',
        'The bot is shutting down or the store failed; retry with the same message_id.',
      );
    }
    return reply.code(result.status === 'duplicate' ? 200 : 201).send({
      conversation_id: conversationId,
      message_id: messageId,
      status: result.status,
      replies: result.replies.map((r) =>
        r.options ? { text: r.text, options: r.options } : { text: r.text },
      ),
    });
  });

  // Evidence photos: stored as files under uploadsDir, referenced by /uploads/<name> in the message.
  const IMAGE_TYPES: Record<string, string> = {
    'image/jpeg': 'jpg',
    'image/png': 'png',
    'image/webp': 'webp',
    'image/gif': 'gif',
  };
  const UPLOAD_LIMIT = 5 * 1024 * 1024;
  app.addContentTypeParser(
    Object.keys(IMAGE_TYPES),
    { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT },
    (_req, body, done) => done(null, body),
  );
  app.post<{ Params: { id: string } }>('/api/conversations/:id/uploads', async (request, reply) => {
    const conversationId = webConversationId(request.params.id);
    if (!conversationId)
      return sendError(reply, 400, 'CALMDESK_BAD_CONVERSATION_ID', 'The conversation id must be web:<id>.');
    const uploadsDir = options.uploadsDir;
    if (!uploadsDir)
      return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'Uploads are not enabled on this server.');
    const extension = IMAGE_TYPES[(request.headers['content-type'] ?? '').split(';')[0]!.trim()];
    if (!extension || !Buffer.isBuffer(request.body) || request.body.length === 0) {
      return sendError(
        reply,
        415,
        'CALMDESK_BAD_REQUEST',
        'Upload one JPEG, PNG, WebP or GIF image as the request body.',
      );
    }
    mkdirSync(uploadsDir, { recursive: true });
    const file = `${randomUUID()}.${extension}`;
    await writeFile(join(uploadsDir, file), request.body);
    return reply.code(201).send({ ref: `/uploads/${file}` });
  });
  app.get<{ Params: { file: string } }>('/uploads/:file', async (request, reply) => {
    const match = /^[0-9a-f-]{36}\.(jpg|png|webp|gif)$/.exec(request.params.file);
    if (!match || !options.uploadsDir) return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'No such upload.');
    const body = await readFile(join(options.uploadsDir, request.params.file)).catch(() => null);
    if (!body) return sendError(reply, 404, 'CALMDESK_NOT_FOUND', 'No such upload.');
    const type = match[1] === 'jpg' ? 'image/jpeg' : `image/${match[1]}`;
    return reply.type(type).header('cache-control', 'private, max-age=86400').send(body);
  });

  async function transcript(conversationId: ConversationId, after: number): Promise<TranscriptEntry[]> {
    const events = await store.events.list(conversationId, { afterSeq: after, types: [...TRANSCRIPT_TYPES] });
    return events.map(toTranscriptEntry).filter((e): e is TranscriptEntry => e !== null);
  }

  app.get<{ Params: { id: string }; Querystring: unknown }>(
    '/api/conversations/:id/messages',
    async (request, reply) => {
      const conversationId = webConversationId(request.params.id);
      if (!conversationId)
        return sendError(reply, 400, 'CALMDESK_BAD_CONVERSATION_ID', 'The conversation id must be web:<id>.');
      const query = AfterQuery.safeParse(request.query);
      if (!query.success)
        return sendError(reply, 400, 'CALMDESK_BAD_REQUEST', 'Use ?after=<seq> with a whole number.');
      return {
        conversation_id: conversationId,
        messages: await transcript(conversationId, query.data.after),
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: unknown }>(
    '/api/conversations/:id/stream',
    async (request, reply) => {
      const conversationId = webConversationId(request.params.id);
      if (!conversationId)
        return sendError(reply, 400, 'CALMDESK_BAD_CONVERSATION_ID', 'The conversation id must be web:<id>.');
      const query = AfterQuery.safeParse(request.query);
      const lastEventId = Number(request.headers['last-event-id']);
      let after =
        Number.isInteger(lastEventId) && lastEventId > 0 ? lastEventId : query.success ? query.data.after : 0;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        ...SECURITY_HEADERS,
      });
      const write = (entry: TranscriptEntry) => {
        if (entry.seq <= after) return;
        after = entry.seq;
        res.write(`id: ${entry.seq}\nevent: message\ndata: ${JSON.stringify(entry)}\n\n`);
      };
      // Subscribe first, then replay from the log: a line published in between is caught by one or the other,
      // and `after` keeps it from being written twice.
      const pending: TranscriptEntry[] = [];
      let replaying = true;
      const unsubscribe = bus.subscribe(conversationId, (entry) =>
        replaying ? pending.push(entry) : write(entry),
      );
      res.write('retry: 2000\n\n');
      for (const entry of await transcript(conversationId, after)) write(entry);
      for (const entry of pending.sort((a, b) => a.seq - b.seq)) write(entry);
      replaying = false;
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      heartbeat.unref();
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
      };
      request.raw.on('close', close);
      streams.add(res);
      res.on('close', () => streams.delete(res));
    },
  );

  // Open SSE streams would keep the server from closing (they are never idle): end them before it closes.
  const streams = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  for (const plugin of options.plugins ?? []) await plugin(app);
  return app;
}
