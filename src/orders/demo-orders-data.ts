import type { OrderItem, OrderState } from './types.ts';

/**
 * One order of the demo set. Every demo buyer gets a personal copy of each, with times computed
 * back from the moment the copy is made, so "delivered 2 days ago" stays true for a new visitor.
 */
export interface DemoOrderTemplate {
  /** Last two digits of the order id: `CD100NN` for the first seeded buyer, `CDbbbNN` for later ones. */
  no: number;
  state: OrderState;
  category: string;
  ordered_hours_ago: number;
  shipped_hours_ago?: number;
  delivered_hours_ago?: number;
  /** Carrier prefix of the tracking number (SF 顺丰, YT 圆通, JD 京东, DB 德邦 freight). */
  carrier?: 'SF' | 'YT' | 'JD' | 'DB';
  tracking_status?: { zh: string; en: string };
  items: OrderItem[];
  /** What the order is there to try, for the demo-orders table. */
  try: string;
}

const DELIVERED = { zh: '已签收，签收人：本人', en: 'Delivered, signed for by the buyer' };
const DAY = 24;

/** The demo set, in id order. src/orders/demo-orders.md documents it; a test keeps the two in step. */
export const DEMO_ORDER_TEMPLATES: readonly DemoOrderTemplate[] = [
  {
    no: 1,
    state: 'unpaid',
    category: 'kitchenware',
    ordered_hours_ago: 2,
    items: [{ sku: 'KW-MUG-WHT', name: '白瓷马克杯 White porcelain mug', quantity: 2, price: 39 }],
    try: 'cancel before paying',
  },
  {
    no: 2,
    state: 'paid',
    category: 'apparel',
    ordered_hours_ago: 20,
    items: [{ sku: 'AP-LINEN-M', name: '亚麻衬衫 Linen shirt, size M', quantity: 1, price: 159 }],
    try: 'not shipped yet: refund at once, or change the size',
  },
  {
    no: 3,
    state: 'shipped',
    category: 'shoes',
    ordered_hours_ago: 3 * DAY,
    shipped_hours_ago: 2 * DAY,
    carrier: 'SF',
    tracking_status: {
      zh: '快件已到达【杭州转运中心】，正发往【上海】',
      en: 'Arrived at the Hangzhou sorting centre, on its way to Shanghai',
    },
    items: [{ sku: 'SH-RUN-42', name: '跑步鞋 Running shoes, EU 42', quantity: 1, price: 399 }],
    try: 'in transit: where is my parcel, intercept',
  },
  {
    no: 4,
    state: 'shipped',
    category: 'electronics',
    ordered_hours_ago: 44,
    shipped_hours_ago: 30,
    carrier: 'JD',
    tracking_status: { zh: '运输中，预计明天送达', en: 'In transit, expected tomorrow' },
    items: [{ sku: 'EL-LAPTOP-14', name: '14英寸轻薄笔记本电脑 14-inch laptop', quantity: 1, price: 8999 }],
    try: 'high value in transit: cancel or intercept',
  },
  {
    no: 5,
    state: 'delivered',
    category: 'kitchenware',
    ordered_hours_ago: 5 * DAY,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [{ sku: 'KW-GLASS-6', name: '玻璃杯六只装 Glass tumblers, set of 6', quantity: 1, price: 89 }],
    try: 'arrived broken 2 days ago: photo, reship or refund',
  },
  {
    no: 6,
    state: 'delivered',
    category: 'apparel',
    ordered_hours_ago: 118,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [{ sku: 'AP-JEANS-W30', name: '直筒牛仔裤 Straight-leg jeans, W30', quantity: 1, price: 229 }],
    try: 'wrong size or changed mind within 7 days: exchange, return',
  },
  {
    no: 7,
    state: 'delivered',
    category: 'shoes',
    ordered_hours_ago: 600,
    shipped_hours_ago: 23 * DAY,
    delivered_hours_ago: 20 * DAY,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [{ sku: 'SH-CANVAS-39', name: '帆布鞋 Canvas sneakers, EU 39', quantity: 1, price: 189 }],
    try: 'delivered 20 days ago: past the 7-day no-reason return',
  },
  {
    no: 8,
    state: 'delivered',
    category: 'electronics',
    ordered_hours_ago: 610,
    shipped_hours_ago: 24 * DAY,
    delivered_hours_ago: 20 * DAY,
    carrier: 'JD',
    tracking_status: DELIVERED,
    items: [{ sku: 'EL-EARBUDS', name: '蓝牙耳机 Bluetooth earbuds', quantity: 1, price: 299 }],
    try: 'stopped working after 20 days: quality problem',
  },
  {
    no: 9,
    state: 'delivered',
    category: 'books',
    ordered_hours_ago: 116,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [
      { sku: 'BK-PRINCE-HC', name: '《小王子》精装 The Little Prince, hardcover', quantity: 1, price: 48 },
      { sku: 'BK-NOTEBOOK', name: '笔记本 Notebook', quantity: 2, price: 12 },
    ],
    try: 'an item missing from a two-item parcel',
  },
  {
    no: 10,
    state: 'delivered',
    category: 'large_furniture',
    ordered_hours_ago: 10 * DAY,
    shipped_hours_ago: 7 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'DB',
    tracking_status: DELIVERED,
    items: [{ sku: 'LF-SOFA-3', name: '三人布艺沙发 Three-seat fabric sofa', quantity: 1, price: 4999 }],
    try: 'high value, excluded from no-reason return; damaged on arrival',
  },
  {
    no: 11,
    state: 'delivered',
    category: 'custom_made',
    ordered_hours_ago: 14 * DAY,
    shipped_hours_ago: 4 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [
      { sku: 'CM-FRAME-ENGR', name: '定制刻字木质相框 Engraved wooden photo frame', quantity: 1, price: 128 },
    ],
    try: 'custom-made: no no-reason return; engraving wrong',
  },
  {
    no: 12,
    state: 'delivered',
    category: 'fresh_food',
    ordered_hours_ago: 50,
    shipped_hours_ago: 46,
    delivered_hours_ago: 26,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [{ sku: 'FF-LYCHEE-2.5KG', name: '妃子笑荔枝 Fresh lychees, 2.5 kg', quantity: 1, price: 139 }],
    try: 'fresh food arrived spoiled yesterday',
  },
  {
    no: 13,
    state: 'delivered',
    category: 'cosmetics',
    ordered_hours_ago: 100,
    shipped_hours_ago: 3 * DAY,
    delivered_hours_ago: 2 * DAY,
    carrier: 'YT',
    tracking_status: DELIVERED,
    items: [{ sku: 'CO-CREAM-50', name: '保湿面霜 Moisturising face cream, 50 ml', quantity: 1, price: 329 }],
    try: 'opened cosmetics: excluded; allergy goes to a human',
  },
  {
    no: 14,
    state: 'delivered',
    category: 'digital_goods',
    ordered_hours_ago: 74,
    delivered_hours_ago: 74,
    items: [{ sku: 'DG-EBOOK-CODE', name: '电子书兑换码 E-book gift code', quantity: 1, price: 30 }],
    try: 'digital goods: code already delivered, not returnable',
  },
  {
    no: 15,
    state: 'cancelled',
    category: 'apparel',
    ordered_hours_ago: 150,
    items: [{ sku: 'AP-DRESS-S', name: '针织连衣裙 Knit dress, size S', quantity: 1, price: 269 }],
    try: 'already cancelled',
  },
  {
    no: 16,
    state: 'refunded',
    category: 'kitchenware',
    ordered_hours_ago: 300,
    shipped_hours_ago: 11 * DAY,
    delivered_hours_ago: 9 * DAY,
    carrier: 'JD',
    tracking_status: DELIVERED,
    items: [{ sku: 'KW-WOK-28', name: '不粘炒锅 Non-stick wok, 28 cm', quantity: 1, price: 199 }],
    try: 'already refunded: where is my money',
  },
  {
    no: 17,
    state: 'shipped',
    category: 'books',
    ordered_hours_ago: 52,
    shipped_hours_ago: 40,
    carrier: 'YT',
    tracking_status: { zh: '派送中，快递员正在为您派件', en: 'Out for delivery with the courier' },
    items: [
      { sku: 'BK-3BODY-SET', name: '《三体》全三册 The Three-Body Problem trilogy', quantity: 1, price: 93 },
    ],
    try: 'out for delivery today: please wait',
  },
  {
    no: 18,
    state: 'delivered',
    category: 'apparel',
    ordered_hours_ago: 650,
    shipped_hours_ago: 25 * DAY,
    delivered_hours_ago: 20 * DAY,
    carrier: 'SF',
    tracking_status: DELIVERED,
    items: [{ sku: 'AP-COAT-WOOL-L', name: '羊毛大衣 Wool coat, size L', quantity: 1, price: 599 }],
    try: 'changed mind after 20 days: outside the 7-day window',
  },
];
