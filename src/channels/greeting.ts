/**
 * The first words a buyer sees on a chat platform (Telegram /start, a new Discord support thread).
 * Chosen by the platform's language hint: any Chinese locale gets Chinese, everyone else English.
 */
export type GreetingLanguage = 'zh' | 'en';

const GREETINGS: Readonly<Record<GreetingLanguage, string>> = {
  zh:
    '您好，欢迎来到售后服务 🙂 我是店铺的售后助手。订单遇到什么问题——没收到、有破损、发错了，或者想退换——' +
    '直接告诉我就好，方便的话附上订单号和照片。我会陪您一起处理到底。',
  en:
    "Hi, and welcome to after-sales support 🙂 I'm the shop's assistant. Tell me what went wrong with your " +
    "order — it hasn't arrived, it's damaged, it's the wrong item, or you'd like to return it — and add the " +
    "order number and a photo if you can. I'll stay with you until it's sorted.",
};

/** `zh`, `zh-hans`, `zh-TW`… → zh; anything else (or nothing) → en. */
export function greetingLanguage(languageCode: string | undefined | null): GreetingLanguage {
  return languageCode?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

/** The greeting for a platform language code (`zh-hans`, `en`…) or an already chosen language. */
export function buyerGreeting(languageCode: string | undefined | null): string {
  return GREETINGS[greetingLanguage(languageCode)];
}

/** For platforms without a language hint: any Han character in the buyer's words means Chinese. */
export function languageOfText(text: string): GreetingLanguage {
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}
