import { maskAll } from '../secret.js';
import { commitOf, type Finding } from '../types.js';

/**
 * Every report shows the subject of a finding's commit: a key pasted into that message is masked
 * there, with every other key the scan found (a key met first in a file may sit in a later subject).
 */
export function maskCommitMessages(findings: readonly Finding[], secrets: ReadonlySet<string>): Finding[] {
  if (secrets.size === 0) return [...findings];
  const list = [...secrets];
  const memo = new Map<string, string>();
  return findings.map((f) => {
    const c = commitOf(f.origin);
    if (c === undefined) return f;
    let shown = memo.get(c.message);
    if (shown === undefined) {
      shown = maskAll(c.message, list);
      memo.set(c.message, shown);
    }
    return shown === c.message ? f : { ...f, origin: { ...f.origin, message: shown } as Finding['origin'] };
  });
}
