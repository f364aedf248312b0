import { z } from 'zod';
import type { Logger } from '../core/logger.ts';
import { type FileFetcher, readCapped } from './delivery.ts';
import type { TelegramApi } from './telegram-api.ts';
import { telegramFileId } from './telegram-updates.ts';

/** What getFile tells about a file: its size (when known) and where to download it. */
const FileInfoSchema = z.object({
  file_size: z.number().int().optional(),
  file_path: z.string().optional(),
});

/**
 * Fetches the bytes of a file this bot received, for a platform that needs an upload (an agent's Telegram
 * photo for a Discord buyer). Files over the cap are not downloaded. Never throws.
 */
export function createTelegramFileFetcher(options: {
  api: TelegramApi;
  token: string;
  /** Bot API root (default https://api.telegram.org). */
  apiRoot: string | undefined;
  logger: Logger;
}): FileFetcher {
  const { api, logger } = options;
  return async (attachment, maxBytes) => {
    const fileId = telegramFileId(attachment);
    if (fileId === null) return { ok: false, reason: 'not_mine' };
    try {
      const info = FileInfoSchema.parse(await api.getFile(fileId));
      if (info.file_size !== undefined && info.file_size > maxBytes) {
        return { ok: false, reason: 'too_big', size: info.file_size };
      }
      // A local Bot API server answers with a path on its own disk, which is not ours to read.
      if (!info.file_path || info.file_path.startsWith('/')) return { ok: false, reason: 'failed' };
      const root = (options.apiRoot ?? 'https://api.telegram.org').replace(/\/$/, '');
      const response = await fetch(`${root}/file/bot${options.token}/${info.file_path}`, {
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok || !response.body) {
        await response.body?.cancel();
        return { ok: false, reason: 'failed' };
      }
      const data = await readCapped(response, maxBytes);
      if (!data.ok) return { ok: false, reason: 'too_big', size: data.size };
      const name = attachment.name ?? info.file_path.split('/').at(-1) ?? 'file';
      const mime =
        attachment.mime ??
        (attachment.kind === 'photo' ? 'image/jpeg' : response.headers.get('content-type'));
      return { ok: true, file: { name, data: data.bytes, ...(mime ? { mime } : {}) } };
    } catch (error) {
      // The token is in the download URL: log the error's message only, never the URL.
      logger.warn(
        { reason: String(error instanceof Error ? error.message : error) },
        'Telegram file not fetched',
      );
      return { ok: false, reason: 'failed' };
    }
  };
}
