import { userInfo } from 'node:os';
import { createBot } from '../app.ts';
import { createTerminalChannel } from '../channels/terminal.ts';
import { createLogger } from '../core/logger.ts';
import { parseFlags } from './args.ts';
import { type Command, configOrReport } from './io.ts';

const HELP = `usage: calmdesk chat [--name NAME] [--memory]

Chat with the bot in this terminal, as a buyer. The conversation is console:<NAME> and is kept in the
database, so it is still there next time (--memory keeps nothing). Type /quit or press Ctrl-D to leave.
Logs go to data/chat.log unless CALMDESK_LOG_FILE says otherwise.
`;

export const run: Command = async (args, io) => {
  const flags = parseFlags(args, { name: { type: 'string' }, memory: { type: 'boolean' } });
  if (flags.values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  const loaded = configOrReport(io);
  if (!loaded) return 2;
  const config = { ...loaded, ...(flags.values.memory ? { store: 'memory' as const } : {}) };
  // The screen belongs to the conversation: logs go to a file.
  const logger = createLogger({ level: config.logLevel, destination: config.logFile ?? 'data/chat.log' });
  const bot = await createBot({ config, logger });
  const name = flags.values.name ?? (safeUser() || 'buyer');

  return new Promise<number>((resolve) => {
    const channel = createTerminalChannel({
      input: io.stdin,
      output: io.stdout,
      buyerName: name,
      onInbound: async (message) => {
        await bot.pipeline.handleInbound(message);
      },
      onClose: () => {
        void bot.stop().then(() => resolve(0));
      },
    });
    bot.addChannel(channel);
    void channel.start();
  });
};

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
