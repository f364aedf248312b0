import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { angerScore, detectThreats } from './emotion.ts';
import type { Classification, Engine } from './engine.ts';
import { extractEntities } from './entities.ts';
import { loadOrTrainModel } from './intent-model.ts';
import { applyIntentRules, textForClassifier } from './intent-rules.ts';
import { detectLanguage } from './language.ts';
import { capText, foldText } from './normalize.ts';
import { warmUpSegmenter } from './segment.ts';
import { extractSlots } from './slots.ts';
import { type Analysis, type EscalationReason, INTENTS, type Intent } from './types.ts';

export {
  type Classification,
  ENGINE_VERSION,
  Engine,
  type EngineOptions,
  type Example,
  trainEngine,
} from './engine.ts';
export type { Analysis } from './types.ts';

/** The NLU the rest of calmdesk uses: one synchronous, never-throwing `analyze` per buyer message. */
export interface Nlu {
  analyze(text: string, options?: AnalyzeOptions): Analysis;
  /** The intents the model knows (the INTENTS.md taxonomy present in intents/). */
  intents: Intent[];
  /** Cache key of the model in use (intents files + engine version). */
  modelHash: string;
  /** Where the model came from at start-up. */
  modelSource: 'cache' | 'shipped' | 'trained';
}

export interface AnalyzeOptions {
  attachments?: readonly { kind: string }[];
  /** Reference time for relative dates ("昨天", "last week"); defaults to the current time. */
  now?: Date;
}

export interface CreateNluOptions {
  /** intents/*.yaml (default: the repository's intents/). */
  intentsDir?: string;
  /** Where trained models are cached (default: the repository's data/models/). */
  cacheDir?: string;
  /** Models shipped with the code (default: the repository's models/). */
  modelsDir?: string;
  /** Retrain even when a cached or shipped model exists. */
  retrain?: boolean;
  onProgress?: (done: number, total: number) => void;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Loads intents and the model (cached, shipped or trained now) and returns the analyser. */
export async function createNlu(options: CreateNluOptions = {}): Promise<Nlu> {
  const model = loadOrTrainModel({
    intentsDir: resolve(options.intentsDir ?? resolve(ROOT, 'intents')),
    cacheDir: resolve(options.cacheDir ?? resolve(ROOT, 'data/models')),
    modelsDir: resolve(options.modelsDir ?? resolve(ROOT, 'models')),
    ...(options.retrain ? { retrain: true } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  warmUpSegmenter(model.engine.features.segmenter);
  const engine = model.engine;
  return {
    analyze: (text, analyzeOptions) => analyze(engine, text, analyzeOptions),
    intents: INTENTS.filter((i) => engine.labels.includes(i)),
    modelHash: model.hash,
    modelSource: model.source,
  };
}

const INTENT_SET = new Set<string>(INTENTS);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** What `analyze` returns when something unexpected happens: a safe, escalation-free answer. */
function fallbackAnalysis(truncated: boolean): Analysis {
  return {
    intent: 'out_of_scope',
    confidence: 0,
    ranking: [{ intent: 'out_of_scope', confidence: 0 }],
    language: 'mixed',
    entities: [],
    anger: 0,
    threats: [],
    slots: {},
    escalate: false,
    escalation_reasons: [],
    truncated,
  };
}

function asIntent(label: string): Intent {
  return INTENT_SET.has(label) ? (label as Intent) : 'out_of_scope';
}

/** Analyses one buyer message. Synchronous and total: bad input gives a result, never an exception. */
export function analyze(engine: Engine, text: string, options: AnalyzeOptions = {}): Analysis {
  const raw = typeof text === 'string' ? text : '';
  const { text: capped, truncated } = capText(raw);
  try {
    const folded = foldText(capped);
    const surface = folded.text;
    const lower = surface.toLowerCase();
    const attachments = options.attachments ?? [];
    const hasPhoto = attachments.some((a) => /^(photo|image|picture|img)$/i.test(a.kind));
    const language = detectLanguage(surface);
    const threats = detectThreats(surface);
    const anger = angerScore(surface, threats);
    const entities = extractEntities(capped, {
      attachments,
      folded,
      ...(options.now ? { now: options.now } : {}),
    });

    const classified: Classification = engine.classifyNormalized(textForClassifier(lower));
    const classifiedIntent = asIntent(classified.intent);
    const ranking = classified.ranking.map((r) => ({
      intent: asIntent(r.intent),
      confidence: round(r.confidence),
    }));
    const decided = applyIntentRules({
      lower,
      intent: classifiedIntent,
      confidence: classified.confidence,
      ranking,
      threats,
      entities,
      hasPhoto,
    });
    const intent = decided.intent;
    const confidence = decided.confidence;

    const slots = extractSlots(lower, intent);
    const reasons: EscalationReason[] = [];
    if (intent === 'health_safety') reasons.push('health_safety');
    if (threats.length > 0) reasons.push('threat');
    if (anger >= 0.7) reasons.push('anger');
    if (intent === 'human_agent') reasons.push('human_requested');
    if (intent === 'compensation_demand') reasons.push('compensation_demand');
    return {
      intent,
      confidence: round(confidence),
      ranking,
      language,
      entities,
      anger: round(anger),
      threats,
      slots,
      escalate: reasons.length > 0,
      escalation_reasons: reasons,
      truncated,
    };
  } catch {
    return fallbackAnalysis(truncated);
  }
}
