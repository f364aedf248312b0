import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStubWebServer } from '../helpers/stub-server.ts';

type Server = Awaited<ReturnType<typeof createStubWebServer>>;

describe('the web chat API', () => {
  let server: Server;
  beforeEach(async () => {
    server = await createStubWebServer();
  });
  afterEach(async () => {
    await server.app.close();
  });

  const post = (id: string, payload: unknown, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: `/api/conversations/${id}/messages`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it('answers a buyer with the bot replies and keeps the transcript', async () => {
    const res = await post('alice1', { text: '我的杯子碎了', buyer_name: '小王' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      conversation_id: 'web:alice1',
      status: 'processed',
      replies: [{ text: '#1 我的杯子碎了' }],
    });

    const transcript = await server.app.inject({
      method: 'GET',
      url: '/api/conversations/web:alice1/messages',
    });
    expect(
      transcript
        .json()
        .messages.map((m: { role: string; name: string; text: string }) => [m.role, m.name, m.text]),
    ).toEqual([
      ['buyer', '小王', '我的杯子碎了'],
      ['bot', 'calmdesk', '#1 我的杯子碎了'],
    ]);
  });

  it('answers a retried message (same message_id) once', async () => {
    const first = await post('alice1', { text: 'hello', message_id: 'client-1' });
    const retry = await post('alice1', { text: 'hello', message_id: 'client-1' });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ status: 'duplicate', replies: [] });
    const transcript = await server.app.inject({ method: 'GET', url: '/api/conversations/alice1/messages' });
    expect(transcript.json().messages).toHaveLength(2);
  });

  it.each([
    ['empty text', { text: '' }, 400, 'CALMDESK_EMPTY_MESSAGE'],
    ['whitespace only', { text: '   \n\t ' }, 400, 'CALMDESK_EMPTY_MESSAGE'],
    ['an unknown field', { text: 'hi', admin: true }, 400, 'CALMDESK_BAD_REQUEST'],
    ['text of the wrong type', { text: 42 }, 400, 'CALMDESK_BAD_REQUEST'],
    [
      'a bad attachment',
      { text: 'hi', attachments: [{ kind: 'virus', ref: 'x' }] },
      400,
      'CALMDESK_BAD_REQUEST',
    ],
    ['invalid JSON', '{"text": "hi"', 400, 'CALMDESK_BAD_REQUEST'],
  ])('refuses %s with a clear 4xx', async (_name, body, status, code) => {
    const res = await post('alice1', body);
    expect(res.statusCode).toBe(status);
    expect(res.json().error).toMatchObject({ code });
    expect(res.json().error.message).toEqual(expect.any(String));
  });

  it('refuses a malformed conversation id, and any conversation not of the web chat', async () => {
    for (const id of ['a%20b', 'telegram:123', 'web:a:b:c', 'x'.repeat(101), 'web:%3Cscript%3E']) {
      const res = await post(id, { text: 'hi' });
      expect(res.statusCode, id).toBe(400);
      expect(res.json().error.code).toBe('CALMDESK_BAD_CONVERSATION_ID');
    }
  });

  it('refuses a body over the limit with 413 and stays up', async () => {
    const res = await post('alice1', { text: 'x'.repeat(1_000_000) });
    expect(res.statusCode).toBe(413);
    expect((await post('alice1', { text: 'still here?' })).statusCode).toBe(201);
  });

  it('refuses text over the length limit with a message, never cutting it', async () => {
    const small = await createStubWebServer({ maxTextLength: 100 });
    const res = await small.app.inject({
      method: 'POST',
      url: '/api/conversations/bob/messages',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: '退'.repeat(101) }),
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/101 characters; the limit is 100/);
    const transcript = await small.app.inject({ method: 'GET', url: '/api/conversations/bob/messages' });
    expect(transcript.json().messages).toEqual([]);
    await small.app.close();
  });

  it('keeps control characters out and the words in', async () => {
    const res = await post('alice1', { text: '退\u0000款\u200b!' });
    expect(res.json().replies[0].text).toBe('#1 退款!');
  });

  it('serves the chat page with a strict content security policy', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.body).toContain('/chat.js');
  });
});

describe('photos', () => {
  const dir = mkdtempSync(join(tmpdir(), 'calmdesk-uploads-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores an uploaded photo and serves it back for the transcript', async () => {
    const server = await createStubWebServer({ uploadsDir: dir });
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const upload = await server.app.inject({
      method: 'POST',
      url: '/api/conversations/carol/uploads',
      headers: { 'content-type': 'image/png' },
      payload: png,
    });
    expect(upload.statusCode).toBe(201);
    const { ref } = upload.json();
    expect(ref).toMatch(/^\/uploads\/[0-9a-f-]{36}\.png$/);
    const back = await server.app.inject({ method: 'GET', url: ref });
    expect(back.rawPayload.equals(png)).toBe(true);
    const refused = await server.app.inject({
      method: 'POST',
      url: '/api/conversations/carol/uploads',
      headers: { 'content-type': 'text/plain' },
      payload: 'not an image',
    });
    expect(refused.statusCode).toBe(415);
    await server.app.close();
  });
});

describe('the live stream', () => {
  it('sends later messages as Server-Sent Events, and what was missed after a reconnect', async () => {
    const server = await createStubWebServer();
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const post = (text: string) =>
      fetch(`${address}/api/conversations/dave/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    await post('first');
    const seen = (await (await fetch(`${address}/api/conversations/dave/messages`)).json()).messages;
    const lastSeq = seen.at(-1).seq;

    const controller = new AbortController();
    const res = await fetch(`${address}/api/conversations/dave/stream?after=${lastSeq}`, {
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let received = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        received += new TextDecoder().decode(value);
      }
    };
    await post('second');
    await until(/#2 second/);
    expect(received).not.toContain('"first"');
    expect(received).toMatch(/id: \d+\nevent: message\ndata: .*"text":"second"/);
    const lastId = [...received.matchAll(/id: (\d+)/g)].at(-1)![1]!;
    controller.abort();

    // A reconnect with Last-Event-ID gets exactly what came after it.
    await post('third');
    const again = await fetch(`${address}/api/conversations/dave/stream`, {
      headers: { 'last-event-id': lastId },
    });
    const replay = again.body!.getReader();
    let text = '';
    while (!text.includes('#3 third')) text += new TextDecoder().decode((await replay.read()).value);
    expect(text).toContain('"text":"third"');
    expect(text).not.toContain('#2 second');
    await replay.cancel();
    await server.app.close();
  });
});
