// Preloaded (node --require) into one untimed keyscan run of the history bench: writes the peak RSS
// of node itself (getrusage RUSAGE_SELF, its threads but not the git it runs), in KB, to the file
// named by KEYSCAN_BENCH_SELF_RSS, so the bench can tell keyscan's memory from git log's.
const { writeFileSync } = require('node:fs');
const out = process.env.KEYSCAN_BENCH_SELF_RSS;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
