import { resolve } from 'node:path';
import { isCalmdeskError } from '../core/errors.ts';
import { nluOptions, parseNluFlags, progressBar, reportModelFailure } from '../nlu/cli-support.ts';
import { loadOrTrainModel, writeModel } from '../nlu/intent-model.ts';
import type { Command } from './io.ts';

const HELP = `usage: calmdesk train [--ship] [--intents DIR] [--cache DIR] [--models DIR]

(Re)trains the intent model from intents/*.yaml (5-fold cross-validation for the confidence
temperature and the out_of_scope threshold, then the final model) and writes it to the model cache
as <hash>.json. Progress goes to stderr; stdout gets one JSON line: hash, path, cross-validation.

  --ship           also write the model to models/ (shipped with the code, so a clean clone starts
                   without training)
  --intents DIR    intents folder (default: CALMDESK_INTENTS_DIR or intents/)
  --cache DIR      model cache (default: CALMDESK_MODEL_CACHE_DIR or data/models/)
  --models DIR     shipped models folder for --ship (default: models/)
`;

const ROOT = resolve(import.meta.dirname, '../..');

export const run: Command = async (args, io) => {
  const parsed = parseNluFlags(args, { ship: { type: 'boolean' } }, HELP, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  const options = nluOptions(values, io.env);
  try {
    const started = Date.now();
    const model = loadOrTrainModel({
      intentsDir: resolve(options.intentsDir ?? resolve(ROOT, 'intents')),
      cacheDir: resolve(options.cacheDir ?? resolve(ROOT, 'data/models')),
      retrain: true,
      onProgress: progressBar(io.stderr, 'training the intent model'),
    });
    const cv = model.crossValidation ?? { accuracy: 0, macro_f1: 0 };
    const shipped =
      values.ship && model.intents
        ? writeModel(
            resolve(options.modelsDir ?? resolve(ROOT, 'models')),
            model.hash,
            model.intents,
            model.engine,
            cv,
          )
        : null;
    io.stderr.write(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    io.stdout.write(
      `${JSON.stringify({ hash: model.hash, path: model.path ?? null, shipped, intents: model.engine.labels.length, cross_validation: cv })}\n`,
    );
    return 0;
  } catch (error) {
    reportModelFailure(io.stderr, 'train', error);
    return isCalmdeskError(error, 'CALMDESK_INTENTS_INVALID') ? 2 : 1;
  }
};
