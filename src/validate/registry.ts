import { github } from './providers/github.js';
import { openai } from './providers/openai.js';
import type { Validator } from './types.js';

/** Every validator by name: the name a rule's `validator` field uses. */
export const VALIDATORS: ReadonlyMap<string, Validator> = new Map(
  [openai, github].map((v) => [v.provider, v]),
);
