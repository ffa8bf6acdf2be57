import { describe, expect, test } from 'vitest';
import { isPlaceholder } from '../../src/detect/placeholder.js';
import { randomBody } from '../helpers/fake-keys.js';

describe('placeholder filter', () => {
  test.each([
    'YOUR_API_KEY',
    'your-api-key-here',
    '<your-key>',
    '<OPENAI_API_KEY>',
    '${OPENAI_API_KEY}',
    '{{ .Values.apiKey }}',
    'process.env.OPENAI_API_KEY',
    'os.getenv("OPENAI_API_KEY")',
    'os.environ["OPENAI_API_KEY"]',
    '$OPENAI_API_KEY',
    'sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
    'ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'sk_live_0000000000000000000000000000',
    'sk_live_1234567890abcdefghij',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    'AKIAIOSFODNN7EXAMPLE',
    'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'sk-ant-api03-REDACTED',
    'changeme123456',
    'sk-****************************abcd',
    'sk-...abcd',
  ])('%s is a placeholder', (value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  test.each([randomBody(40), randomBody(64, 'b64url'), `ghp_${randomBody(36)}`, `sk_live_${randomBody(24)}`, randomBody(40, 'hex')])(
    'random body %s is not a placeholder',
    (value) => {
      expect(isPlaceholder(value)).toBe(false);
    },
  );

  test('placeholder words do not fire on thousands of random key bodies', () => {
    let flagged = 0;
    for (let seed = 1; seed <= 5000; seed++) if (isPlaceholder(`sk-proj-${randomBody(120, 'b64url', seed)}`)) flagged++;
    expect(flagged).toBeLessThanOrEqual(5); // < 0.1 %: a lost real key costs more than a decoy
  });

  test('words count in the case variants people write, not in any mix of cases', () => {
    for (const value of ['key-Your-Q8z7Lp9Wc4', 'key-YOUR-Q8z7Lp9Wc4', 'key-your-Q8z7Lp9Wc4', 'Q8z7Lp9Wc4_Example']) expect(isPlaceholder(value)).toBe(true);
    for (const value of ['key-yOuR-Q8z7Lp9Wc4', 'key-yoUR-Q8z7Lp9Wc4', 'Q8z7Lp9Wc4_eXAMPLE']) expect(isPlaceholder(value)).toBe(false);
  });
});
