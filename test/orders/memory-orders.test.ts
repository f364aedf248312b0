import { MemoryOrderSource } from '../../src/orders/memory-orders.ts';
import { orderSourceContract } from './order-source.contract.ts';

orderSourceContract('memory', async (orders) => ({ source: new MemoryOrderSource(orders) }));
