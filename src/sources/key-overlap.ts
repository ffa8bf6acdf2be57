/*
 * `git grep -o` reports one match per place: when two of its patterns overlap in a file (one holds
 * the other, or the end of one is the start of the other), only one of them is reported there. A
 * key that HEAD holds only inside another would then count as gone from HEAD. Keys are therefore
 * grepped in groups within which no two can overlap: each key's answer is whether HEAD holds it.
 */

/** Whether two keys could overlap in a text: one holds the other, or a start of one is an end of the other. */
export function canOverlap(a: string, b: string): boolean {
  if (a.includes(b) || b.includes(a)) return true;
  for (let k = 1; k < Math.min(a.length, b.length); k++) {
    if (a.endsWith(b.slice(0, k)) || b.endsWith(a.slice(0, k))) return true;
  }
  return false;
}

/** Keys in groups within which no two can overlap (first fit, in the order given): usually one group. */
export function nonOverlappingGroups(keys: readonly string[]): string[][] {
  const groups: string[][] = [];
  for (const key of keys) {
    const group = groups.find((g) => g.every((other) => !canOverlap(key, other)));
    if (group) group.push(key);
    else groups.push([key]);
  }
  return groups;
}
