import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dummyHash, newToken, sameSecret, tokenHash, verifyPassword } from '../../handoff/passwords.ts';
import type { AgentAccount, AgentRepo, AgentSession } from '../../handoff/ports.ts';
import type { Actor } from '../../handoff/types.ts';
import { BODY_LIMIT } from './agent-http.ts';
import { sendError } from './http-errors.ts';

/** The logged-in agent of a console API request. */
export interface Authed {
  account: AgentAccount;
  session: AgentSession;
  actor: Actor;
  token: string;
}

/** What the console's login, sessions and CSRF check need. */
export interface AgentAuthOptions {
  agents: AgentRepo;
  clock: () => Date;
  /** Idle time before a session expires; every request slides it. */
  sessionMs: number;
  /** Mark the cookie Secure (behind HTTPS). */
  secureCookies: boolean;
  /** Called after an agent logs out, to update their presence. */
  onLogout: (actor: Actor) => void;
}

const COOKIE = 'calmdesk_agent';
const CSRF_HEADER = 'x-csrf-token';

const LoginBody = z
  .object({ name: z.string().trim().min(1).max(64), password: z.string().min(1).max(1024) })
  .strict();

function readCookie(request: FastifyRequest, name: string): string | null {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return null;
}

/** The agent the auth hook attached to this request; only call it on routes behind that hook. */
export function agentOf(request: FastifyRequest): Authed {
  return (request as FastifyRequest & { agent: Authed }).agent;
}

/** Counts wrong passwords per agent name: too many (5 per 15 minutes) make that name wait. */
class LoginThrottle {
  readonly #failed = new Map<string, { count: number; since: number }>();
  readonly #clock: () => Date;

  constructor(clock: () => Date) {
    this.#clock = clock;
  }

  throttled(name: string): boolean {
    const entry = this.#failed.get(name.toLowerCase());
    if (!entry) return false;
    if (this.#clock().getTime() - entry.since > 15 * 60_000) {
      this.#failed.delete(name.toLowerCase());
      return false;
    }
    return entry.count >= 5;
  }

  failed(name: string): void {
    const key = name.toLowerCase();
    const entry = this.#failed.get(key) ?? { count: 0, since: this.#clock().getTime() };
    entry.count += 1;
    this.#failed.set(key, entry);
  }

  succeeded(name: string): void {
    this.#failed.delete(name.toLowerCase());
  }
}

/**
 * Adds login, logout and `me` to the console scope, and the hook that makes every other
 * /agent/api/* route need a session (and, for changes, the session's CSRF token in `x-csrf-token`).
 * The session lives in the store behind an httpOnly, SameSite=Strict cookie. Register it before
 * the routes it protects.
 */
export function registerAgentAuth(scope: FastifyInstance, options: AgentAuthOptions): void {
  const { agents, clock, sessionMs } = options;
  const throttle = new LoginThrottle(clock);

  function cookie(value: string, maxAgeSeconds: number): string {
    return [
      `${COOKIE}=${value}`,
      'Path=/agent',
      'HttpOnly',
      'SameSite=Strict',
      `Max-Age=${maxAgeSeconds}`,
      ...(options.secureCookies ? ['Secure'] : []),
    ].join('; ');
  }

  /** The logged-in agent of this request, with the session slid forward; null when not logged in. */
  async function authenticate(request: FastifyRequest): Promise<Authed | null> {
    const token = readCookie(request, COOKIE);
    if (!token || token.length > 200) return null;
    const now = clock();
    const hash = tokenHash(token);
    const session = await agents.session(hash, now);
    if (!session) return null;
    const account = await agents.byId(session.agent_id);
    if (!account || account.disabled) return null;
    await agents.touchSession(hash, new Date(now.getTime() + sessionMs), now);
    return {
      account,
      session,
      token,
      actor: { id: account.id, name: account.name, role: account.role, via: 'web' },
    };
  }

  scope.post('/agent/api/login', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const parsed = LoginBody.safeParse(request.body);
    if (!parsed.success) {
      return sendError(reply, 400, 'CALMDESK_BAD_REQUEST', 'Send {"name": string, "password": string}.');
    }
    const { name, password } = parsed.data;
    if (throttle.throttled(name)) {
      return sendError(reply, 429, 'CALMDESK_FORBIDDEN', 'Too many wrong passwords; wait 15 minutes.');
    }
    const account = await agents.byName(name);
    // Verify against a dummy hash for unknown names: the answer takes as long either way.
    const valid = await verifyPassword(password, account?.password_hash ?? (await dummyHash()));
    if (!account || !valid || account.disabled) {
      throttle.failed(name);
      return sendError(reply, 401, 'CALMDESK_FORBIDDEN', 'Wrong name or password.');
    }
    throttle.succeeded(name);
    const now = clock();
    const token = newToken();
    const csrf = newToken();
    await agents.deleteExpiredSessions(now);
    await agents.createSession({
      token_hash: tokenHash(token),
      agent_id: account.id,
      csrf_token: csrf,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + sessionMs).toISOString(),
      last_seen_at: now.toISOString(),
    });
    reply.header('set-cookie', cookie(token, Math.floor(sessionMs / 1000)));
    return { agent: { id: account.id, name: account.name, role: account.role }, csrf_token: csrf };
  });

  // Every other API route needs a session; every change also needs the session's CSRF token.
  scope.addHook('preHandler', async (request, reply) => {
    if (!request.url.startsWith('/agent/api/') || request.url.startsWith('/agent/api/login')) return;
    const authed = await authenticate(request);
    if (!authed) {
      return sendError(reply, 401, 'CALMDESK_FORBIDDEN', 'Your session has ended; log in again.');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const header = request.headers[CSRF_HEADER];
      if (typeof header !== 'string' || !sameSecret(header, authed.session.csrf_token)) {
        return sendError(
          reply,
          403,
          'CALMDESK_FORBIDDEN',
          'The CSRF token is missing or wrong; reload the page.',
        );
      }
    }
    (request as FastifyRequest & { agent: Authed | null }).agent = authed;
  });

  scope.post('/agent/api/logout', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const { session, actor } = agentOf(request);
    await agents.deleteSession(session.token_hash);
    options.onLogout(actor);
    reply.header('set-cookie', cookie('', 0));
    return { ok: true };
  });

  scope.get('/agent/api/me', async (request) => {
    const { account, session } = agentOf(request);
    return {
      agent: { id: account.id, name: account.name, role: account.role },
      csrf_token: session.csrf_token,
    };
  });
}
