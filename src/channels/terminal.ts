import { randomUUID } from 'node:crypto';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { type ConversationId, conversationId } from '../core/conversation-id.ts';
import type { OutboundMessage, ReplyOption } from '../core/messages.ts';
import type { Channel, InboundHandler } from './channel.ts';

export interface TerminalChannelOptions {
  input: Readable;
  output: Writable;
  /** The buyer's name; also the chat part of the conversation id, so the chat survives restarts. */
  buyerName: string;
  onInbound: InboundHandler;
  /** Called when the input ends (Ctrl-D) or the buyer types /quit. */
  onClose?: () => void;
}

/**
 * The terminal chat: one buyer, one conversation (`console:<name>`), lines in, replies out. Buttons
 * become a numbered list; typing the number sends the option.
 */
export function createTerminalChannel(
  options: TerminalChannelOptions,
): Channel & { conversationId: ConversationId } {
  const { input, output, onInbound } = options;
  const chat = options.buyerName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'buyer';
  const id = conversationId('console', chat);
  let lastOptions: ReplyOption[] = [];
  let rl: Interface | null = null;
  let queue = Promise.resolve();

  const print = (line: string) => output.write(`${line}\n`);

  return {
    platform: 'console',
    conversationId: id,
    async start() {
      rl = createInterface({ input, terminal: false });
      print(
        `calmdesk · ${options.buyerName} · 输入消息后回车，/quit 退出 · type a message and press Enter, /quit to leave`,
      );
      rl.on('line', (raw) => {
        const line = raw.trim();
        if (line === '') return;
        if (line === '/quit' || line === '/exit') {
          rl?.close();
          return;
        }
        const picked = /^\d+$/.test(line) ? lastOptions[Number(line) - 1] : undefined;
        const text = picked ? picked.value : raw;
        // Lines are handed over one after another: the pipeline keeps order, this keeps the screen tidy.
        queue = queue.then(() =>
          onInbound({
            id: randomUUID(),
            platform: 'console',
            conversationId: id,
            author: { id: `console:${chat}`, name: options.buyerName, role: 'buyer' },
            text,
            attachments: [],
            receivedAt: new Date(),
          }),
        );
      });
      rl.on('close', () => {
        void queue.then(() => options.onClose?.());
      });
    },
    async stop() {
      rl?.close();
      await queue;
    },
    async send(message: OutboundMessage) {
      const who = message.from === 'agent' ? `${message.agentName ?? 'agent'}（人工 / agent）` : '客服助手';
      print(`${who}: ${message.text}`);
      lastOptions = message.options ?? [];
      for (const [i, option] of lastOptions.entries()) print(`   [${i + 1}] ${option.label}`);
    },
  };
}
