import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import type { Order } from '../../src/orders/types.ts';

export const FAKE_API_TOKEN = 'test-token-123';

export interface FakeOrderApi {
  baseUrl: string;
  /** Every request received: method, path with query, and the Authorization header. */
  requests: { url: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A local order API on 127.0.0.1 (random port) answering with `handler`. */
export async function startFakeOrderApi(handler: Handler): Promise<FakeOrderApi> {
  const requests: FakeOrderApi['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', authorization: request.headers.authorization });
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // Drop connections a test left hanging on purpose (the timeout tests).
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A well-behaved shop implementing the documented API over the given orders. */
export function shopApi(orders: Order[]): Handler {
  const shop = new MemoryOrderSource(orders);
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${FAKE_API_TOKEN}`)
      return send(401, { error: 'unauthorized' });
    const one = url.pathname.match(/^\/api\/buyers\/([^/]+)\/orders\/([^/]+)$/);
    if (one) {
      void shop.find(decodeURIComponent(one[1]!), decodeURIComponent(one[2]!)).then((lookup) => {
        if (lookup.status === 'found') send(200, lookup.order);
        else send(404, { error: 'not found' });
      });
      return;
    }
    const list = url.pathname.match(/^\/api\/buyers\/([^/]+)\/orders$/);
    if (list) {
      const limit = Number(url.searchParams.get('limit') ?? '10');
      void shop.recent(decodeURIComponent(list[1]!), limit).then((orders) => send(200, { orders }));
      return;
    }
    send(404, { error: 'no such route' });
  };
}
