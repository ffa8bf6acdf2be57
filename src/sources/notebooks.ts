// Jupyter notebooks are scanned as the JSON they are (code cells and text outputs are strings in
// it, and locations stay true to the file), with image outputs blanked: base64 pictures hold no
// keys, only noise for entropy rules and time.
const IMAGE_OUTPUT = /"image\/[a-z0-9.+-]+"\s*:\s*(?:"(?:[^"\\]|\\.)*"|\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\])/g;

export function isNotebook(path: string): boolean {
  return path.endsWith('.ipynb');
}

/** The notebook's text with every image output's data replaced by spaces (same length, same lines). */
export function blankNotebookImages(text: string): string {
  if (!text.includes('"image/')) return text;
  return text.replace(IMAGE_OUTPUT, (m) => {
    const colon = m.indexOf(':');
    return m.slice(0, colon + 1) + m.slice(colon + 1).replace(/[^\n]/g, ' ');
  });
}
