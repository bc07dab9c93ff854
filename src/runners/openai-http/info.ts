import type { RunnerInfo } from '../types.ts';
import { OpenAiHttpSettings } from './settings.ts';

export const openAiHttpInfo = {
  id: 'openai-http',
  boundary: 'http-client',
  description: 'any OpenAI-compatible HTTP endpoint, streamed (network and queueing included)',
  settings: OpenAiHttpSettings,
  roles: ['endpoint'],
} as const satisfies RunnerInfo;
