import type { Lexicon } from './types.ts';

/**
 * What the buyer asks for and what it is about: remedies (refund, return, exchange, repair, cancel,
 * change) and the order, its address and its item.
 */
export const REQUESTS: Lexicon = {
  refund: {
    zh: ['退款', '退钱', '钱退', '退费', '返还', '原路返回', '退回款', '把钱', '还钱', '返钱'],
    en: ['refund', 'reimburs', 'money back', 'my money', 'pay me back', 'repay'],
  },
  return: {
    zh: ['退货', '退回', '寄回', '退掉', '寄还', '退了吧', '退给'],
    en: ['return', 'send it back', 'send back', 'ship it back', 'ship back'],
  },
  exchange: {
    zh: ['换货', '换一', '换个', '换新', '调换', '更换', '换成'],
    en: ['exchang', 'swap', 'replac', 'switch it for', 'different size'],
  },
  repair: {
    zh: ['维修', '修理', '返修', '保修', '修一下', '修好', '换新保', '延保', '上门维修'],
    en: ['repair', 'fix it', 'fixed', 'warrant'],
  },
  cancel: {
    zh: ['取消', '撤销', '撤单', '别发', '不要发', '不用发'],
    en: ['cancel', 'call off', 'revoke', "don't ship", 'do not ship', 'stop the order'],
  },
  change: {
    zh: [
      '修改',
      '改成',
      '改一下',
      '改个',
      '更改',
      '变更',
      '改地址',
      '改到',
      '改为',
      '改下',
      '换地址',
      '改期',
      '推迟',
      '延期',
      '改天送',
      '晚点送',
      '预约',
      '约个时间',
      '约时间',
      '改约',
      '改时间',
      '改好',
      '改了吗',
      '改没改',
      '改一改',
    ],
    en: [
      'chang',
      'modif',
      'edit',
      'updat',
      'alter',
      'amend',
      'correct the',
      'adjust',
      'reschedul',
      'postpone',
    ],
  },
  address: {
    zh: ['地址', '收货人', '收件人', '门牌', '小区', '楼'],
    en: ['address', 'location', 'ship to', 'deliver to', 'apartment', 'zip'],
  },
  order: {
    zh: ['订单', '单子', '下单', '下的单', '拍的', '买的', '购买', '网购'],
    en: ['order', 'purchas', 'bought', 'buy'],
  },
  item: {
    zh: ['商品', '东西', '宝贝', '产品', '货物', '物品'],
    en: ['item', 'product', 'thing', 'stuff', 'goods', 'merchandise'],
  },
};
