// A seeded PRNG (mulberry32): the same seed builds the same tree, so two runs of the eval compare.
import { createRng } from '../prng.mjs';

export const DIGITS = '0123456789';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const HEX = '0123456789abcdef';
export const ALNUM = `${UPPER}${LOWER}${DIGITS}`;
export const BASE64 = `${ALNUM}+/`;

export function createRandom(seed) {
  // the bench's generator: one mulberry32 for both
  const { next } = createRng(seed);
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const chars = (alphabet, n) => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  const shuffle = (list) => {
    const out = [...list];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  return {
    next,
    int,
    pick,
    chars,
    shuffle,
    chance: (p) => next() < p,
    sample: (list, n) => shuffle(list).slice(0, n),
    hex: (n) => chars(HEX, n),
    base64: (bytes) => {
      const body = chars(BASE64, Math.ceil((bytes * 4) / 3));
      const pad = (3 - (bytes % 3)) % 3;
      return body.slice(0, body.length - pad) + '='.repeat(pad);
    },
    uuid: () => {
      const h = chars(HEX, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${pick(['8', '9', 'a', 'b'])}${h.slice(17, 20)}-${h.slice(20)}`;
    },
    /** A child generator, so adding draws to one part of the tree does not reshuffle the others. */
    fork: (label) => {
      let h = Math.floor(next() * 4294967296);
      for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x5bd1e995) >>> 0;
      return createRandom(h);
    },
  };
}
