import type { ReplyBook } from './types.ts';
import {
  ackLines,
  hoursText,
  money,
  PROBLEM_WORDS,
  policy,
  promise,
  remedyLabel,
  rule,
  summary,
} from './zh-case.ts';

// Our own wording for a shop's after-sales chat: short, warm, concrete. Never copied from eval data.

export const zh: ReplyBook = {
  money,
  due(at, timezone) {
    const parts = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(at);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${get('month')}月${get('day')}日 ${get('hour')}:${get('minute')}`;
  },
  greet: [
    '您好，我是店铺的售后助手。收到的商品有问题、想退换货或者查物流，直接告诉我就好。',
    '您好呀，售后问题找我就对了。请问遇到什么情况了？',
    '您好，我在的。订单有什么需要帮忙的，您说说看？',
  ],
  here: ['在的，我一直在。', '我在呢。', '在的，您请说。'],
  askOrderPick: [
    '是下面哪一笔订单呢？点一下就好，也可以直接发订单号给我。',
    '想先确认是哪笔订单，您点一下下面的订单，或者发订单号给我。',
  ],
  askOrderNumber: ['麻烦发一下订单号，我马上帮您查。', '方便把订单号发给我吗？我这就帮您看。'],
  orderNotFound: (id) => [`没有查到订单 ${id}。`, `订单 ${id} 我这边没找到，可能有一位号码不对。`],
  askOrderRecheck: ['麻烦核对一下号码，再发我一次？', '方便再核对一下订单号发给我吗？'],
  orderOption: (id, item, amount) => `${id} ${item} ${amount}`,
  wrongOrder: ['好的，是我弄错了。您说的是哪一笔订单呢？', '抱歉搞错了订单。麻烦告诉我是哪一笔？'],
  askProblem: (item) => [
    `请问${item || '商品'}是遇到了什么情况呢？`,
    `想了解一下，${item || '商品'}具体是哪里不对呢？`,
    `方便说说${item || '商品'}出了什么问题吗？`,
  ],
  problemOption: {
    damaged: '收到时破损',
    wrong_item: '发错了',
    missing: '少发漏发',
    quality: '质量问题',
    ordered_wrong: '拍错了/尺码不合适',
    changed_mind: '不想要了',
  },
  ack: ackLines,
  apology: (responsibility, level) =>
    responsibility === 'buyer'
      ? [[''], ['别着急，我们一起看看。'], ['别着急，我们一起看看。']][level]!
      : [
          ['很抱歉给您带来这样的体验。', '抱歉让您遇到这种情况。'],
          ['真的非常抱歉，让您有这么不好的体验。', '实在抱歉，给您添麻烦了。'],
          ['真的非常对不起，这件事我会负责帮您处理到底。', '实在对不起让您这么不愉快，我一定尽快给您解决。'],
        ][level]!,
  askPhoto: (problem, item) => [
    `方便拍一张${PROBLEM_WORDS[problem]}部位的照片发我吗？我看一下情况，好尽快给您处理。`,
    `麻烦拍张${item || '商品'}的照片给我，能看清${PROBLEM_WORDS[problem]}的地方就行，我马上给您处理。`,
  ],
  photoThanks: ['照片收到了，谢谢您。', '收到照片了，看清楚了。', '谢谢您的照片。'],
  noPhoto: ['没关系，没有照片的话我请同事直接跟您核实，已经把情况整理好转给他们了，会尽快联系您。'],
  askCondition: (item, resaleable) => [
    `想确认一下${item || '商品'}的情况：${resaleable}，是这样吗？`,
    `无理由退货需要商品${resaleable}。您手上的${item || '商品'}是这样的吗？`,
  ],
  conditionOption: { resaleable: '是的，全新', used: '已经穿过或用过' },
  remedyLabel,
  offerIntro: [
    '我们可以这样处理，您看哪种更合适：',
    '给您准备了几个方案，您选一个：',
    '有这几种处理方式，您挑一个：',
  ],
  chooseHint: (count) =>
    count === 2
      ? '回复 1 或 2 就可以。'
      : `回复 ${Array.from({ length: count }, (_, i) => i + 1).join('、')} 中的一个数字就可以。`,
  whichOne: ['好的，您选哪一个呢？', '没问题，是哪一个呢？'],
  rule,
  wantsRefused: (wants, shopFault, returnPossible) =>
    shopFault
      ? '按店铺的规则，这种情况我可以直接为您办理下面这几种方式。'
      : wants === 'refund_only' && returnPossible
        ? '仅退款适用于没收到货或者商品有问题的情况；商品本身没问题的话，可以走退货退款。'
        : wants === 'refund_only'
          ? '仅退款适用于没收到货或者商品有问题的情况，这种情况我这边没法直接退款。'
          : '您说的这个方式按店铺规则我这边没法直接办理。',
  summary,
  confirmAsk: ['没问题的话点「确认」。', '您看可以吗？可以的话回复「确认」。'],
  confirmOption: { yes: '确认', no: '换一个方案' },
  promise,
  settled: (p, done) =>
    done
      ? [`好的，已经为您办好：${p}。`, `办好了：${p}。`]
      : [`好的，已经为您办好：${p}。有进展我会第一时间告诉您。`, `办好了：${p}。到时我会主动告诉您结果。`],
  refusedRetry: [
    '明白，这几个方案都不太合适。您更希望怎么处理？也可以从下面再选一次：',
    '好的，理解。那您看下面哪个还能接受，或者告诉我您的想法：',
  ],
  refusedOthers: ['好的，那换个方式。', '没问题，还有别的办法。'],
  onlyOption: [
    '好的，不勉强。按店铺规则，这种情况我能直接办的就是这一种；您要是改主意了，或者想请同事再看看，随时告诉我。',
  ],
  waitOrIntercept: (tracking) => [
    `包裹已经在路上了${tracking ? `（${tracking}）` : ''}，一般很快就能送到。您看是再等等，还是帮您拦截包裹，退回后全额退款？`,
    `您的包裹正在运输中${tracking ? `：${tracking}` : ''}。方便的话可以再等一等；实在不想要，我可以帮您拦截退回再退款。您选哪一种？`,
  ],
  waitOption: { wait: '再等等', intercept: '拦截并退款' },
  waitWhich: [
    '想跟您确认一下：您是愿意再等等，还是要拦截包裹并退款？点下面的按钮选一个就好。',
    '您是想再等等，还是拦截退款呢？点一下下面的按钮告诉我。',
  ],
  waitOk: ['好的，那我们一起等等，有任何情况随时找我。', '好的，包裹到了如果有问题，直接来找我就行。'],
  tracking: (tracking) => [
    tracking
      ? `帮您查了一下，包裹目前的状态是：${tracking}。再耐心等一下，很快就到。`
      : '包裹已经发出，正在运输中，再耐心等一下，很快就到。',
  ],
  urgeShipping: (hours) => [
    `订单还没发货，我已经帮您催仓库了，${hoursText(hours)}发出，发出后我会告诉您。`,
    `这就帮您催一下，仓库会在${hoursText(hours)}发货，发了我第一时间通知您。`,
  ],
  orderClosed: (state) =>
    state === 'cancelled'
      ? ['这笔订单已经取消了，如果付过款，款项会原路退回。']
      : ['这笔订单已经退款了，钱会原路退回到您的支付账户。'],
  noRemedy: ['如果商品本身有问题，比如破损或质量问题，告诉我具体情况，我马上帮您处理。'],
  handoff: (reason) => {
    switch (reason) {
      case 'health_safety':
        return ['您的身体最要紧。我已经加急转给专人处理，会尽快联系您。'];
      case 'threat':
        return [
          '这件事我们非常重视，我已经请主管亲自来跟进，很快联系您。',
          '这件事我已经转给主管亲自处理，请给我们一点时间。',
        ];
      case 'human_requested':
        return ['好的，正在为您转接人工客服，请稍等。', '没问题，这就帮您转人工，请稍等片刻。'];
      case 'compensation_beyond_authority':
        return ['这个金额超出了我能直接答应的范围。我已经把情况整理好交给同事，他们会尽快和您确认。'];
      case 'outside_policy':
        return ['这个情况需要同事来处理，我已经把情况整理好转给他们，会尽快联系您。'];
      case 'anger_sustained':
      case 'anger_rising':
        return ['我请同事直接来帮您处理，不让您再多费口舌。'];
      case 'not_understood':
        return ['抱歉，我没能准确理解您的意思，为了不耽误您，我请同事来帮您。'];
      case 'remedies_refused':
        return ['这几个方案都不太合您心意，我请同事来和您一起商量一个更合适的办法。'];
      case 'high_value_order':
        return ['这笔订单金额比较大，我请专人来帮您处理，确保稳妥。'];
    }
  },
  healthAdvice:
    '在同事联系您之前：请先停止使用这件商品，把商品和包装都留好；如果不舒服的情况比较严重，请尽快就医，保留好病历和票据。',
  holding: ['您的消息已经转给同事了，他们马上就来，请稍等。', '同事正在处理中，您的每条消息他们都能看到。'],
  notUnderstoodPending: ['不好意思，这句我没看懂。', '抱歉，我没太明白您的意思。'],
  notUnderstood: [
    '抱歉，我没太明白您的意思。能换个说法吗？比如告诉我订单遇到了什么问题。',
    '不好意思，这句我没看懂。您是想退款、退换货，还是查物流呢？',
  ],
  outOfScope: [
    '这个问题我可能帮不上忙，我主要负责售后：退款、退换货和物流问题。',
    '抱歉，这个超出了我能处理的范围。售后方面的问题，比如退换货、物流，随时找我。',
  ],
  question: ['您想了解什么呢？退款、退换货、运费规则，都可以问我。'],
  repeatPrefix: ['我再说一下：', '再说一遍：'],
  thanks: ['不客气，有需要随时找我！', '不用客气，祝您生活愉快！', '应该的，还有问题随时来找我。'],
  thanksPending: ['不客气。', '应该的。'],
  anythingElse: ['还有别的需要帮忙的吗？', '还有什么我能帮您的吗？'],
  askSatisfaction: [
    '方便给这次服务打个分吗？1 分最低，5 分最高。',
    '最后想请您给这次服务打个分（1–5 分），谢谢！',
  ],
  satisfactionOption: (score) => (score === 5 ? '5 非常满意' : score === 1 ? '1 不满意' : String(score)),
  satisfactionThanks: (score) =>
    score >= 4
      ? ['谢谢您的评价！祝您生活愉快。', '收到，谢谢您！有需要随时找我。']
      : ['谢谢您的反馈，没让您满意很抱歉，我们会认真改进。', '谢谢您的评价，哪里做得不好我们会改。'],
  statusOpen: (p, due) => [
    `帮您查了：${p}，最晚 ${due} 前完成。到时我会主动告诉您。`,
    `进度是这样的：${p}，截止 ${due}。一有结果我就通知您。`,
  ],
  statusOverdue: (p, due) => [
    `查到了：${p}，原定 ${due} 前完成，现在已经超时了，非常抱歉。我已经催同事加急处理。`,
  ],
  statusDone: (p, money) => [
    `查过了，已经办好了（当时答应您的是：${p}）。${money ? '如果还没看到到账，请再等一会儿，银行到账有时会慢一些。' : ''}`,
  ],
  statusNone: ['我这边暂时没有看到这笔订单的售后申请。您想办理退款还是退换货？告诉我情况，我马上处理。'],
  orderState: (state, tracking) => {
    const names: Record<string, string> = {
      unpaid: '待付款',
      paid: '已付款，还没发货',
      shipped: '已发货，运输中',
      delivered: '已签收',
      cancelled: '已取消',
      refunded: '已退款',
    };
    return `这笔订单目前的状态是：${names[state] ?? state}${tracking ? `（${tracking}）` : ''}。`;
  },
  policy,
  changeOrder: ['修改订单信息需要同事在后台操作，我已经转给他们，会尽快帮您改好。'],
  nudge: [
    '还在吗？刚才的问题您方便的时候回复我就行，我一直在。',
    '您好，还需要继续处理吗？回复我就能接着办。',
  ],
  followKept: (p) => [`跟您说一声：之前答应您的事已经办好了（${p}）。还有问题随时找我！`],
  followOverdue: (p) => [
    `抱歉跟您说一声：${p}，现在已经超过承诺的时间还没完成。我已经加急催办，同事会尽快跟进，给您添麻烦了。`,
  ],
  resumeAgreed: (s) => [`我是售后助手，接着为您服务。刚才同事和您确认的方案是：${s}。我会跟进到底。`],
  resumeResolved: (note) => [
    note ? `我是售后助手，接着为您服务。同事已经处理好了：${note}。` : '我是售后助手，同事已经帮您处理好了。',
  ],
  resumeBack: ['我是售后助手，接着为您服务。还有什么需要我帮忙的吗？'],
  notice: ({ agentsOnline, expectedWaitMinutes, opensAt }) => {
    if (opensAt)
      return `现在是非工作时间，同事会在 ${opensAt} 上班后第一时间处理您的问题，您的消息都会保留。`;
    if (agentsOnline === 0) return '同事暂时不在线，您的问题已经排上队，上线后会第一时间联系您。';
    if (expectedWaitMinutes <= 1) return '同事马上就来，请稍等。';
    return `同事会在大约 ${expectedWaitMinutes} 分钟内接手，请稍等，您可以继续把情况发过来。`;
  },
  noticeHealth: '等待期间如果不适加重，请直接就医，不用等我们回复。',
  otherLanguage:
    '抱歉，我目前只能用中文或英文为您服务。Sorry, I can help in Chinese or English only — could you write in one of them?',
  photoWhy: [
    '照片是为了确认具体情况，有了照片我可以直接给您办理，不用再等人工核实。',
    '拍张照片我这边就能确认，马上给您处理，省得来回核实耽误您时间。',
  ],
};
