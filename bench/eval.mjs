// npm run eval: plants fake keys for every built-in rule in a generated, realistic project tree (plain and in
// newer shapes: encoded, env fallbacks, URL queries, positional arguments), next
// to decoys that only look like keys, scans the tree with the built CLI and prints recall and precision.
// It is a measurement: exit 0 whatever the figures, 2 if something broke (dist/ missing included).
//   EVAL_SEED=<n>  another tree (default 1)
//   EVAL_REAL=0    skip the real-code stage (npm pack of pinned popular packages, cached in the OS temp dir;
//                  every finding there is a false alarm; without the registry it is skipped with a warning)
//   --keep         keep the tree, the ground truth and the report, and print where they are

try {
  const seed = Number(process.env.EVAL_SEED ?? 1);
  if (!Number.isInteger(seed)) throw new Error(`EVAL_SEED must be an integer, not ${process.env.EVAL_SEED}`);
  // imported here, not at the top, so a missing or broken dist/ exits 2 like any other failure
  const { evaluate } = await import('./eval/evaluate.mjs');
  const real = process.env.EVAL_REAL !== '0';
  await evaluate({ seed, keep: process.argv.includes('--keep'), log: (text) => console.log(text), nodePath: process.execPath, real });
} catch (err) {
  console.error(`eval: ${err?.stack ?? err}`);
  process.exitCode = 2;
}
