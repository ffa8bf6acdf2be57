import { anthropic } from './providers/anthropic.js';
import { aws } from './providers/aws.js';
import { cohere } from './providers/cohere.js';
import { datadog } from './providers/datadog.js';
import { deepseek } from './providers/deepseek.js';
import { digitalocean } from './providers/digitalocean.js';
import { discord } from './providers/discord.js';
import { github } from './providers/github.js';
import { gitlab } from './providers/gitlab.js';
import { google } from './providers/google.js';
import { groq } from './providers/groq.js';
import { huggingface } from './providers/huggingface.js';
import { mailgun } from './providers/mailgun.js';
import { mistral } from './providers/mistral.js';
import { npm } from './providers/npm.js';
import { openai } from './providers/openai.js';
import { openrouter } from './providers/openrouter.js';
import { perplexity } from './providers/perplexity.js';
import { replicate } from './providers/replicate.js';
import { sendgrid } from './providers/sendgrid.js';
import { shopify } from './providers/shopify.js';
import { slack } from './providers/slack.js';
import { stripe } from './providers/stripe.js';
import { telegram } from './providers/telegram.js';
import { twilio } from './providers/twilio.js';
import { xai } from './providers/xai.js';
import type { Validator } from './types.js';

/** Every validator by name: the name a rule's `validator` field uses. */
export const VALIDATORS: ReadonlyMap<string, Validator> = new Map(
  [
    anthropic, aws, cohere, datadog, deepseek, digitalocean, discord, github, gitlab, google, groq, huggingface, mailgun,
    mistral, npm, openai, openrouter, perplexity, replicate, sendgrid, shopify, slack, stripe, telegram, twilio, xai,
  ].map((v) => [v.provider, v]),
);
