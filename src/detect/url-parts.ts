// scheme://user: right before a secret, and @host right after it: the key is a URL's password.
const BEFORE = /([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:@/"'<>]{0,64}):$/i;
const AFTER = /^@([^\s/:?#"'<>[\]]{1,255})/;

/**
 * For a key that is the password in a URL (`postgres://app:<key>@db.internal/app`): the URL with
 * the password masked, which tells the user which database it opens without giving it away.
 * Runs once per finding, never per match.
 */
export function maskedUrlAround(text: string, start: number, end: number): { maskedUrl?: string } {
  const before = BEFORE.exec(text.slice(Math.max(0, start - 128), start));
  if (!before) return {};
  const after = AFTER.exec(text.slice(end, end + 256));
  if (!after) return {};
  return { maskedUrl: `${before[1]}${before[2]}:****@${after[1]}` };
}
