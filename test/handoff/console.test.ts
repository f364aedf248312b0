import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerAgentConsole } from '../../src/channels/web/agent-console.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { hashPassword } from '../../src/handoff/passwords.ts';
import { createDeskFixture, type DeskFixture, openCase } from './fakes.ts';

/** The console's HTTP edge: logins, sessions, CSRF, roles, validation. */
describe('the agent console API', () => {
  let f: DeskFixture;
  let app: FastifyInstance;
  let password: string;

  beforeEach(async () => {
    f = createDeskFixture();
    password = 'correct horse battery';
    const hash = await hashPassword(password);
    for (const [id, name, role] of [
      ['a-mei', 'Mei', 'agent'],
      ['a-tom', 'Tom', 'agent'],
      ['s-ana', 'Ana', 'supervisor'],
    ] as const) {
      await f.store.agents.add({
        id,
        name,
        role,
        password_hash: hash,
        created_at: f.now().toISOString(),
        disabled: false,
      });
    }
    app = Fastify();
    await registerAgentConsole(app, {
      desk: f.desk,
      agents: f.store.agents,
      clock: f.now,
      logger: silentLogger,
      sessionMinutes: 30,
      maxReplyLength: 500,
    });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
  });

  interface Session {
    cookie: string;
    csrf: string;
  }

  async function login(name: string, pass = password): Promise<LightMyRequestResponse> {
    return app.inject({ method: 'POST', url: '/agent/api/login', payload: { name, password: pass } });
  }

  async function session(name: string): Promise<Session> {
    const response = await login(name);
    expect(response.statusCode).toBe(200);
    const setCookie = String(response.headers['set-cookie']);
    return { cookie: setCookie.split(';')[0]!, csrf: response.json().csrf_token };
  }

  function post(s: Session, url: string, payload: unknown = {}, csrf = s.csrf) {
    return app.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { cookie: s.cookie, 'x-csrf-token': csrf },
    });
  }

  function get(s: Session | null, url: string) {
    return app.inject({ method: 'GET', url, headers: s ? { cookie: s.cookie } : {} });
  }

  it('serves the page with a strict Content-Security-Policy', async () => {
    const page = await get(null, '/agent');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await get(null, '/agent/console.js')).headers['content-type']).toContain('javascript');
  });

  it('logs an agent in with an httpOnly, SameSite=Strict session cookie', async () => {
    const response = await login('mei');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ agent: { name: 'Mei', role: 'agent' } });
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^calmdesk_agent=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/agent');
  });

  it('refuses a wrong password or an unknown name the same way', async () => {
    const wrong = await login('Mei', 'not the password');
    const unknown = await login('Nobody', 'whatever it is');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('slows down guessing after five wrong passwords', async () => {
    for (let i = 0; i < 5; i++) expect((await login('Tom', `guess ${i}`)).statusCode).toBe(401);
    expect((await login('Tom')).statusCode).toBe(429);
    f.advance(16);
    expect((await login('Tom')).statusCode).toBe(200);
  });

  it('refuses the API without a session, and after the session expired', async () => {
    expect((await get(null, '/agent/api/queue')).statusCode).toBe(401);
    const mei = await session('Mei');
    expect((await get(mei, '/agent/api/queue')).statusCode).toBe(200);
    f.advance(29);
    expect((await get(mei, '/agent/api/queue')).statusCode).toBe(200); // activity slides the expiry
    f.advance(31);
    const expired = await get(mei, '/agent/api/queue');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toContain('log in again');
    expect(
      (await get({ cookie: 'calmdesk_agent=forged-token', csrf: '' }, '/agent/api/queue')).statusCode,
    ).toBe(401);
  });

  it('ends the session on logout', async () => {
    const mei = await session('Mei');
    const out = await post(mei, '/agent/api/logout');
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect((await get(mei, '/agent/api/me')).statusCode).toBe(401);
  });

  it('refuses a change without the session’s CSRF token, or with a forged one', async () => {
    const { record } = await openCase(f, 'web:lin');
    const mei = await session('Mei');
    const tom = await session('Tom');
    const missing = await app.inject({
      method: 'POST',
      url: `/agent/api/cases/${record.id}/claim`,
      payload: {},
      headers: { cookie: mei.cookie },
    });
    expect(missing.statusCode).toBe(403);
    expect((await post(mei, `/agent/api/cases/${record.id}/claim`, {}, 'forged')).statusCode).toBe(403);
    expect((await post(mei, `/agent/api/cases/${record.id}/claim`, {}, tom.csrf)).statusCode).toBe(403);
    expect((await f.store.handoffs.get(record.id))?.status).toBe('queued');
    expect((await post(mei, `/agent/api/cases/${record.id}/claim`)).statusCode).toBe(200);
  });

  it('claims once, tells the second agent who has it, and refuses his reply', async () => {
    const { record } = await openCase(f, 'web:lin', 'urgent', ['health_safety']);
    const mei = await session('Mei');
    const tom = await session('Tom');
    const queue = await get(tom, '/agent/api/queue');
    expect(queue.json().entries[0]).toMatchObject({
      record: { id: record.id, priority: 'urgent' },
      overdue: false,
    });
    expect((await post(mei, `/agent/api/cases/${record.id}/claim`)).json()).toMatchObject({
      holder: { name: 'Mei' },
    });
    const lost = await post(tom, `/agent/api/cases/${record.id}/claim`);
    expect(lost.statusCode).toBe(409);
    expect(lost.json().error).toMatchObject({ reason: 'already_claimed', holder: { name: 'Mei' } });
    const refused = await post(tom, `/agent/api/cases/${record.id}/reply`, { text: 'Tom here' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.reason).toBe('not_holder');
    const sent = await post(mei, `/agent/api/cases/${record.id}/reply`, { text: 'Mei here, I am on it.' });
    expect(sent.statusCode).toBe(201);
    expect(f.sent.map((m) => [m.from, m.text])).toEqual([['agent', 'Mei here, I am on it.']]);
  });

  it('refuses oversized and malformed replies with a message', async () => {
    const { record } = await openCase(f, 'web:lin');
    const mei = await session('Mei');
    await post(mei, `/agent/api/cases/${record.id}/claim`);
    const huge = await post(mei, `/agent/api/cases/${record.id}/reply`, { text: 'x'.repeat(40_000) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.message).toContain('shorter');
    const long = await post(mei, `/agent/api/cases/${record.id}/reply`, { text: 'y'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({
      code: 'CALMDESK_TEXT_TOO_LONG',
      message: 'text: at most 500 characters',
    });
    expect((await post(mei, `/agent/api/cases/${record.id}/reply`, { text: '   ' })).statusCode).toBe(400);
    expect(
      (await post(mei, `/agent/api/cases/${record.id}/reply`, { text: 'hi', extra: 1 })).statusCode,
    ).toBe(400);
    expect(f.sent).toEqual([]);
  });

  it('shows approvals to supervisors only, and lets them decide', async () => {
    const { record } = await openCase(f, 'web:lin');
    const mei = await session('Mei');
    const ana = await session('Ana');
    await post(mei, `/agent/api/cases/${record.id}/claim`);
    const requested = await post(mei, `/agent/api/cases/${record.id}/approvals`, {
      amount: 300,
      reason: 'Doctor visit',
    });
    expect(requested.statusCode).toBe(201);
    expect((await get(mei, '/agent/api/approvals')).statusCode).toBe(403);
    const pending = (await get(ana, '/agent/api/approvals')).json().approvals;
    expect(pending).toHaveLength(1);
    const byAgent = await post(mei, `/agent/api/approvals/${pending[0].id}/decision`, {
      approved: true,
      comment: '',
    });
    expect(byAgent.statusCode).toBe(403);
    const decided = await post(ana, `/agent/api/approvals/${pending[0].id}/decision`, {
      approved: true,
      comment: 'ok',
    });
    expect(decided.json()).toMatchObject({ status: 'approved', decided_by: { name: 'Ana' } });
    const resolved = await post(mei, `/agent/api/cases/${record.id}/resolve`, {
      outcome_note: 'Paid the doctor',
      amount: 300,
    });
    expect(resolved.json()).toMatchObject({ status: 'resolved' });
  });

  it('streams desk events live to a logged-in agent, and counts her as online', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const mei = await session('Mei');
    expect((await fetch(`${address}/agent/api/events`)).status).toBe(401);
    const abort = new AbortController();
    const stream = await fetch(`${address}/agent/api/events`, {
      headers: { cookie: mei.cookie },
      signal: abort.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.headers.get('content-security-policy')).toContain("default-src 'none'");
    const reader = stream.body!.getReader();
    let text = '';
    const { record } = await openCase(f, 'web:lin', 'urgent', ['health_safety']);
    while (!text.includes('handoff_requested')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    const data = text.split('\n').find((line) => line.startsWith('data: '));
    expect(JSON.parse(data!.slice(6))).toMatchObject({
      type: 'handoff_requested',
      record: { id: record.id },
    });
    expect(f.desk.agentsOnline().map((a) => a.name)).toEqual(['Mei']);
  });

  it('returns the case file, and 404 for an unknown case', async () => {
    const { record } = await openCase(f, 'web:lin');
    const mei = await session('Mei');
    expect((await get(mei, `/agent/api/cases/${record.id}`)).json()).toMatchObject({
      record: { id: record.id },
    });
    expect((await get(mei, '/agent/api/cases/nope')).statusCode).toBe(404);
  });
});
