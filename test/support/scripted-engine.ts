// The summary engine against the scripted OpenAI-compatible server, for the engine's own tests: one server per
// describe block (started before, closed after), emptied before each test, and a factory for engines pointed at it.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createSummaryEngine } from '../../src/summarize/engine.js';
import { silentLogger } from '../../src/logger.js';
import { MODELS } from './models.js';
import { startScriptedLlm, type ScriptedLlm } from './summaries.js';

export const PROMPTS = fileURLToPath(new URL('../../config/prompts/', import.meta.url));

export interface EngineOptions {
  maxRepairs?: number;
  model?: string;
  fallback?: 'extractive' | 'none';
}

/**
 * Call inside a describe block: registers the server's hooks and returns `llm` (its url, requests and script, valid
 * from beforeAll on) and `engine(options)`, an engine on the default template whose model answers from the script.
 */
export function useScriptedEngine(): { llm: ScriptedLlm; engine: (options?: EngineOptions) => ReturnType<typeof createSummaryEngine> } {
  let server: ScriptedLlm | undefined;
  const running = (): ScriptedLlm => {
    if (!server) throw new Error('the scripted LLM starts in beforeAll');
    return server;
  };
  beforeAll(async () => {
    server = await startScriptedLlm();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    running().requests.length = 0;
    running().script.length = 0;
  });
  const llm: ScriptedLlm = {
    get url() { return running().url; },
    get requests() { return running().requests; },
    get script() { return running().script; },
    close: () => running().close(),
  };
  const engine = (options: EngineOptions = {}) =>
    createSummaryEngine({
      models: MODELS,
      openai: { apiKey: 'test', baseUrl: llm.url, model: options.model ?? 'gpt-4o-mini', timeoutMs: 5000, maxRetries: 0, temperature: 0.2 },
      promptsDir: PROMPTS,
      templateId: 'default',
      logger: silentLogger(),
      ...(options.maxRepairs === undefined ? {} : { maxRepairs: options.maxRepairs }),
      ...(options.fallback === undefined ? {} : { fallback: options.fallback }),
    });
  return { llm, engine };
}
