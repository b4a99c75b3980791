// The package's model table (config/models.json), read once for tests as the composition root reads it at start-up.
import { loadModelTable } from '../../src/summarize/llm/tokens.js';

export const MODELS = loadModelTable(new URL('../../config/models.json', import.meta.url));
