import { describe, expect, test } from 'vitest';
import { compileRule } from '../../src/rules/compile.js';
import { parseRuleFile } from '../../src/rules/load.js';
import { KeyscanError } from '../../src/errors.js';

const VALID = `
[[rules]]
id = "acme-token"
provider = "acme"
description = "Acme token"
severity = "high"
remediation = "Rotate it in the Acme console."
keywords = ["acme_"]
regex = '''(acme_[a-z0-9]{20})'''
examples = [ { text = 'x', secret = 'y' } ]
negatives = [ 'z' ]
`;

function errorOf(text: string): string {
  try {
    const defs = parseRuleFile(text, 'rules/bad.toml');
    defs.forEach(compileRule);
  } catch (err) {
    expect(err).toBeInstanceOf(KeyscanError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

describe('rule files', () => {
  test('a valid file parses into definitions with defaults', () => {
    const [def] = parseRuleFile(VALID, 'rules/acme.toml');
    expect(def).toMatchObject({ id: 'acme-token', provider: 'acme', keywords: ['acme_'], source: 'rules/acme.toml' });
    expect(compileRule(def!).secretGroup).toBe(1);
  });

  test.each([
    ['invalid TOML names the line', '[[rules]\nid = 1', /^rules\/bad\.toml:1:\d+: invalid TOML/],
    ['an unknown key', VALID.replace('severity', 'severty'), /rule acme-token: severty is not a known rule key/],
    ['a missing field', VALID.replace(/remediation = .*\n/, ''), /rule acme-token: remediation is required/],
    ['a bad severity', VALID.replace('"high"', '"urgent"'), /severity must be one of critical, high/],
    ['no keywords', VALID.replace('["acme_"]', '[]'), /keywords must list at least one keyword/],
    ['an invalid regex', VALID.replace("'''(acme_[a-z0-9]{20})'''", "'''(acme_[a-z'''"), /rule acme-token: regex: invalid regex/],
    ['a secretGroup past the groups', VALID.replace('keywords', 'secretGroup = 3\nkeywords'), /secretGroup 3 but the regex has 1 groups/],
    ['a malformed example', VALID.replace("{ text = 'x', secret = 'y' }", "{ text = 'x' }"), /examples\[0\] must be a table with string keys text and secret/],
    ['an unknown top-level key', `foo = 1\n${VALID}`, /unknown top-level key foo/],
    ['an unknown checksum', VALID.replace('keywords', 'checksum = "md5"\nkeywords'), /checksum must be one of/],
  ])('%s is a clear error', (_, text, message) => {
    expect(errorOf(text)).toMatch(message);
  });
});
