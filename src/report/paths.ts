/** The path from the working directory, as the text report shows it (`displayRoot` is cli.ts's). */
export function displayPath(path: string, displayRoot: string): string {
  return displayRoot === '' || displayRoot === '.' ? path : `${displayRoot.replace(/\/$/, '')}/${path}`;
}

/**
 * The path CI tools resolve against the checkout (GitHub code scanning, workflow annotations):
 * from the working directory when the scanned directory lies below it, else as scanned (relative
 * to the scanned directory, or to the top of the work tree in git modes); never `..` or absolute.
 */
export function checkoutPath(path: string, displayRoot: string): string {
  const root = displayRoot.replace(/\\/g, '/');
  if (root.startsWith('/') || /^[A-Za-z]:/.test(root) || root === '..' || root.startsWith('../')) return path;
  return displayPath(path, root);
}
