import type { ListedModel } from '../models/models-route.ts';

const methods = ['generateContent', 'streamGenerateContent', 'countTokens', 'embedContent', 'batchEmbedContents'];

/** One entry in Google's `Model` shape; `name` is what callers put after `models/`. */
export function toGoogleModel(model: ListedModel) {
  return {
    name: `models/${model.id}`,
    baseModelId: model.id,
    version: '001',
    displayName: model.id,
    description: `Served by llm-proxy (${model.ownedBy}).`,
    supportedGenerationMethods: methods,
  };
}
