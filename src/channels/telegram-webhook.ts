import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.ts';

/**
 * Webhook mode: Telegram posts each update to us with the secret we gave it in a header. The secret is
 * checked before a single byte of the body is read; then the body is handed on as one update.
 */

/** Where the lead mounts the webhook on the Fastify server. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const MAX_WEBHOOK_BODY = 1_000_000;

/** Webhook mode's request handling, for the lead to mount (see docs/platforms.md). */
export interface TelegramWebhook {
  readonly path: string;
  /** Constant-time check of the `X-Telegram-Bot-Api-Secret-Token` header; call it before reading the body. */
  verifySecret(header: string | string[] | undefined): boolean;
  /** Handles one parsed update body; resolves once it has been handed on. Invalid bodies are logged and dropped. */
  handleUpdate(body: unknown): Promise<void>;
  /** A node:http handler doing both (header first, then the body), for a Fastify `onRequest` hijack or a plain server. */
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
}

/** Whether the header carries the secret, compared in constant time. */
export function sameSecret(expected: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  // Hashing first gives equal lengths, so timingSafeEqual never throws and the length is not leaked.
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(header).digest();
  return timingSafeEqual(a, b);
}

/** The body as text, or null when it is too big or the request broke. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BODY) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

/** The webhook for a secret, handing each update to `handleUpdate`. */
export function createTelegramWebhook(
  secret: string,
  handleUpdate: (body: unknown) => Promise<void>,
  logger: Logger,
): TelegramWebhook {
  return {
    path: TELEGRAM_WEBHOOK_PATH,
    verifySecret: (header) => sameSecret(secret, header),
    handleUpdate,
    handleRequest(req, res) {
      const end = (status: number) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : '');
      };
      if (req.method !== 'POST') return end(405);
      if (!sameSecret(secret, req.headers[SECRET_HEADER])) {
        logger.warn({ remote: req.socket.remoteAddress }, 'webhook call with a wrong secret refused');
        req.resume();
        return end(401);
      }
      void readBody(req).then(async (raw) => {
        if (raw === null) return end(413);
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          return end(400);
        }
        await handleUpdate(body);
        end(200);
      });
    },
  };
}

/** Serves the webhook on its own port (when it is not mounted on the lead's server). */
export async function listenForWebhook(
  webhook: TelegramWebhook,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== TELEGRAM_WEBHOOK_PATH) {
      res.writeHead(404).end();
      return;
    }
    webhook.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

/** Stops serving the webhook's own port. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
