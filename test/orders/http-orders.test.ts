import { afterEach, describe, expect, it } from 'vitest';
import { isCalmdeskError } from '../../src/core/errors.ts';
import { HttpOrderSource } from '../../src/orders/http-orders.ts';
import { FAKE_API_TOKEN, type FakeOrderApi, shopApi, startFakeOrderApi } from './fake-order-api.ts';
import { CONTRACT_ORDERS, orderSourceContract } from './order-source.contract.ts';

orderSourceContract('http', async (orders) => {
  const api = await startFakeOrderApi(shopApi(orders));
  const source = new HttpOrderSource({ baseUrl: api.baseUrl, token: FAKE_API_TOKEN, timeoutMs: 2000 });
  return { source, close: () => api.close() };
});

const ANN = 'web:ann-1a2b';
const annsOrder = CONTRACT_ORDERS[0]!;

describe('HttpOrderSource talking to a shop that misbehaves', () => {
  let api: FakeOrderApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  function sourceFor(baseUrl: string, timeoutMs = 2000): HttpOrderSource {
    return new HttpOrderSource({ baseUrl, token: FAKE_API_TOKEN, timeoutMs, retryDelayMs: 10 });
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isCalmdeskError(error, 'CALMDESK_ORDER_API_FAILED'), String(error)).toBe(true);
    return error as Error;
  }

  it('sends the token and the normalised order number, and asks for the limit', async () => {
    api = await startFakeOrderApi(shopApi(CONTRACT_ORDERS));
    const source = sourceFor(api.baseUrl);
    await source.find(ANN, 'cd 90001');
    await source.recent(ANN, 3);
    expect(api.requests).toEqual([
      { url: '/api/buyers/web%3Aann-1a2b/orders/CD90001', authorization: `Bearer ${FAKE_API_TOKEN}` },
      { url: '/api/buyers/web%3Aann-1a2b/orders?limit=3', authorization: `Bearer ${FAKE_API_TOKEN}` },
    ]);
  });

  it('gives up with a clear error when the shop does not answer in time, after one retry', async () => {
    api = await startFakeOrderApi(() => {
      // Never answers.
    });
    const error = await failure(sourceFor(api.baseUrl, 100).find(ANN, 'CD90001'));
    expect(error.message).toMatch(/failed twice; last: no answer within 100 ms/);
    expect(api.requests).toHaveLength(2);
  });

  it('retries a 500 once and gives up on the second', async () => {
    api = await startFakeOrderApi((_request, response) => {
      response.writeHead(500).end('boom');
    });
    const error = await failure(sourceFor(api.baseUrl).recent(ANN, 5));
    expect(error.message).toMatch(/HTTP 500/);
    expect(api.requests).toHaveLength(2);
  });

  it('succeeds when the retry after a 503 works', async () => {
    const shop = shopApi(CONTRACT_ORDERS);
    let calls = 0;
    api = await startFakeOrderApi((request, response) => {
      calls += 1;
      if (calls === 1) response.writeHead(503).end();
      else shop(request, response);
    });
    expect(await sourceFor(api.baseUrl).find(ANN, 'CD90001')).toEqual({ status: 'found', order: annsOrder });
  });

  it('says so when the body is not JSON', async () => {
    api = await startFakeOrderApi((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "CD90001", oops');
    });
    const error = await failure(sourceFor(api.baseUrl).find(ANN, 'CD90001'));
    expect(error.message).toMatch(/not JSON/);
    expect(api.requests).toHaveLength(1);
  });

  it('names the field when an order does not match the contract', async () => {
    api = await startFakeOrderApi((_request, response) => {
      response.writeHead(200).end(JSON.stringify({ ...annsOrder, state: 'lost_in_space' }));
    });
    const error = await failure(sourceFor(api.baseUrl).find(ANN, 'CD90001'));
    expect(error.message).toMatch(/does not match the contract/);
    expect(error.message).toMatch(/state/);
  });

  it('reads 403 as not_found, and refuses to go on when the token is refused', async () => {
    api = await startFakeOrderApi((request, response) => {
      response.writeHead(request.url?.includes('CD90001') ? 403 : 401).end();
    });
    const source = sourceFor(api.baseUrl);
    expect(await source.find(ANN, 'CD90001')).toEqual({ status: 'not_found' });
    const error = await failure(source.find(ANN, 'CD90002'));
    expect(error.message).toMatch(/HTTP 401 \(the token was refused\)/);
    expect(error.message).not.toContain(FAKE_API_TOKEN);
  });

  it("never shows Ann another buyer's order, even when the API hands it out", async () => {
    const bensOrder = { ...annsOrder, id: 'CD90009', buyer_id: 'telegram:777' };
    api = await startFakeOrderApi((request, response) => {
      const body = request.url?.includes('?limit') ? { orders: [bensOrder, annsOrder] } : bensOrder;
      response.writeHead(200).end(JSON.stringify(body));
    });
    const source = sourceFor(api.baseUrl);
    expect(await source.find(ANN, 'CD90009')).toEqual({ status: 'not_found' });
    expect((await source.recent(ANN, 5)).map((order) => order.id)).toEqual(['CD90001']);
  });

  it('fails clearly when nothing listens at the address', async () => {
    const closed = await startFakeOrderApi(() => {});
    await closed.close();
    const error = await failure(sourceFor(closed.baseUrl).find(ANN, 'CD90001'));
    expect(error.message).toMatch(/network error/);
  });
});
