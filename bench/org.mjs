// The organisation-scan part of the bench: planning 1,000 repositories from a fake GitHub API on
// 127.0.0.1, merging 256 shard reports holding 100,000 findings, and the cost of one repository
// (clone + scan) so a team can size its matrix. Targets: plan < 10 s; merge < 10 s and < 500 MB.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun } from './measure.mjs';
import { createRng } from './prng.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
const TARGETS = { planSeconds: 10, mergeSeconds: 10, mergeRssMb: 500 };
const ORG_REPOS = 1000;
const SHARD_REPORTS = 256;
const FINDINGS = 100_000;
const SCAN_REPOS = 8;

function fakeApi(items) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const page = Number(url.searchParams.get('page') ?? 1);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(items.slice((page - 1) * perPage, page * perPage)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })));
}

function hex(random, n) {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(random() * 16)];
  return s;
}

/** 256 repository reports as org scan writes them; one key in five is shared across repositories. */
function writeReports(dir, random) {
  mkdirSync(dir, { recursive: true });
  const shared = Array.from({ length: 2000 }, () => hex(random, 32));
  const perRepo = Math.ceil(FINDINGS / SHARD_REPORTS);
  for (let r = 0; r < SHARD_REPORTS; r++) {
    const repository = `acme/repo-${r}`;
    const findings = [];
    for (let i = 0; i < perRepo && r * perRepo + i < FINDINGS; i++) {
      const secretHash = random() < 0.2 ? shared[Math.floor(random() * shared.length)] : hex(random, 32);
      findings.push({ repository, ruleId: 'openai-project-key', kind: 'secret', severity: 'critical', title: 'OpenAI project API key', provider: 'openai', file: `src/module-${i % 97}/file-${i}.ts`, line: 1 + (i % 300), column: 12, endLine: 1 + (i % 300), endColumn: 80, secret: 'sk-p********Xz', fingerprint: `openai-project-key:src/file-${i}.ts:${secretHash.slice(0, 16)}`, remediation: 'Revoke this key and load it from OPENAI_API_KEY.', secretHash, commit: hex(random, 40) });
    }
    writeFileSync(join(dir, `acme__repo-${r}.json`), JSON.stringify({ tool: 'keyscan', version: 'bench', repository, findings }));
  }
}

function makeRepos(dir, random) {
  const urls = [];
  for (let r = 0; r < SCAN_REPOS; r++) {
    const root = join(dir, `repo-${r}`);
    mkdirSync(root, { recursive: true });
    const git = (...args) => execFileSync('git', args, { cwd: root, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.test', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.test' } });
    git('init', '-q');
    for (let c = 0; c < 50; c++) {
      for (let f = 0; f < 5; f++) writeFileSync(join(root, `file-${f}.ts`), Array.from({ length: 200 }, (_, i) => `export const value${i} = "${hex(random, 24)}"; // line ${c}`).join('\n'));
      git('add', '-A');
      git('commit', '-qm', `commit ${c}`);
    }
    urls.push(`file://${root}`);
  }
  return urls;
}

export async function orgBench(work, settings) {
  const rng = createRng(settings.seed + 99);
  const random = rng.next;
  const items = Array.from({ length: ORG_REPOS }, (_, i) => ({ full_name: `acme/repo-${i}`, clone_url: `https://github.com/acme/repo-${i}.git`, size: Math.floor(random() * 100_000), archived: random() < 0.05, fork: random() < 0.05, default_branch: 'main' }));
  const api = await fakeApi(items);
  const timeFile = join(work, 'org-time.txt');
  try {
    const plan = await timedRun(process.execPath, [CLI, 'org', 'plan', '--github', 'acme', '--shards', '256', '-o', join(work, 'org-plan.json')], { method: settings.rss, timeFile, cwd: work, env: { ...process.env, KEYSCAN_GITHUB_API_URL: api.url } });
    const reports = join(work, 'org-reports');
    writeReports(reports, random);
    const merge = await timedRun(process.execPath, [CLI, 'org', 'merge', reports, '-o', join(work, 'org.json'), '--report', `sarif=${join(work, 'org.sarif')}`, '--report', `html=${join(work, 'org.html')}`], { method: settings.rss, timeFile, okCodes: [1], cwd: work });
    const urls = makeRepos(join(work, 'org-repos'), random);
    writeFileSync(join(work, 'org-list.txt'), `${urls.join('\n')}\n`);
    await timedRun(process.execPath, [CLI, 'org', 'plan', '--list', join(work, 'org-list.txt'), '--shards', '1', '-o', join(work, 'org-local-plan.json')], { method: 'none', timeFile, cwd: work });
    const scan = await timedRun(process.execPath, [CLI, 'org', 'scan', '--plan', join(work, 'org-local-plan.json'), '--shard', '0', '--out', join(work, 'org-local-reports')], { method: settings.rss, timeFile, cwd: work });
    const summary = JSON.parse(scan.stdout);
    const mark = (ok) => (ok ? 'ok' : 'MISSED');
    const rss = (r) => (r.peakRssMb === undefined ? 'n/a' : `${r.peakRssMb.toFixed(0)} MB`);
    console.log('\norganisation scans:');
    console.log(`  plan of ${ORG_REPOS} repositories (10 API pages, 256 shards): ${plan.seconds.toFixed(2)} s, peak RSS ${rss(plan)}  [target < ${TARGETS.planSeconds} s: ${mark(plan.seconds < TARGETS.planSeconds)}]`);
    console.log(`  merge of ${SHARD_REPORTS} reports, ${FINDINGS.toLocaleString('en')} findings (json + sarif + html): ${merge.seconds.toFixed(2)} s, peak RSS ${rss(merge)}  [target < ${TARGETS.mergeSeconds} s and < ${TARGETS.mergeRssMb} MB: ${mark(merge.seconds < TARGETS.mergeSeconds && (merge.peakRssMb ?? 0) < TARGETS.mergeRssMb)}]`);
    console.log(`  per repository (50 commits × 5 files of 200 lines, local clone): clone ${(summary.cloneMs / SCAN_REPOS / 1000).toFixed(2)} s + scan ${(summary.scanMs / SCAN_REPOS / 1000).toFixed(2)} s; whole shard ${scan.seconds.toFixed(2)} s for ${SCAN_REPOS} repositories`);
  } finally {
    api.server.close();
  }
}
