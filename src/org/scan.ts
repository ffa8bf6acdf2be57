// One shard of an organisation scan: clone each repository, scan it, write its report, remove the
// clone. A state file makes a re-run skip what is done; a failed clone is recorded, not fatal.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyscanError } from '../errors.js';
import { hashSecret } from '../fingerprint.js';
import { json } from '../report/json.js';
import type { RuleDefinition } from '../rules/definition.js';
import { scanGit } from '../scan.js';
import { cloneRepository } from '../sources/clone.js';
import { NO_SIDE } from '../sources/trusted-side.js';
import type { Plan, PlannedRepo } from './plan.js';

export interface RepoState {
  readonly status: 'done' | 'failed';
  readonly findings: number;
  readonly cloneMs: number;
  readonly scanMs: number;
  readonly reason?: string;
}

export interface ShardState {
  readonly tool: 'keyscan';
  readonly kind: 'org-state';
  readonly shard: number;
  readonly repos: Record<string, RepoState>;
}

export interface ShardScanRequest {
  readonly plan: Plan;
  readonly shard: number;
  readonly outDir: string;
  readonly rules: readonly RuleDefinition[];
  /** Only the default branch's latest tree, from a depth-1 clone; else every branch's history. */
  readonly tree: boolean;
  readonly version: string;
  /** The Authorization header for clone URLs on one origin (the API's own host), if a token was given. */
  readonly auth?: { readonly origin: string; readonly header: string };
  readonly workDir?: string;
  readonly onRepo?: (name: string, state: RepoState, skipped: boolean) => void;
}

/** A file name for a repository's report: readable, and no two names give the same one. */
export function reportFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, (ch) => (ch === '/' ? '__' : `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`))}.json`;
}

function readState(path: string, shard: number): ShardState {
  if (!existsSync(path)) return { tool: 'keyscan', kind: 'org-state', shard, repos: {} };
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as ShardState;
    if (state.kind !== 'org-state' || typeof state.repos !== 'object') throw new Error('not a state file');
    return { ...state, repos: { ...state.repos } };
  } catch (err) {
    throw new KeyscanError('USAGE', `${path} is not a keyscan org state file: remove it to start the shard over`, { cause: err });
  }
}

function authFor(repo: PlannedRepo, auth: ShardScanRequest['auth']): ShardScanRequest['auth'] {
  if (auth === undefined) return undefined;
  try {
    // the token goes only to its own host, whatever URL the plan names
    return new URL(repo.cloneUrl).origin === auth.origin ? auth : undefined;
  } catch {
    return undefined;
  }
}

export async function scanShard(request: ShardScanRequest): Promise<ShardState> {
  const shard = request.plan.shards.find((s) => s.index === request.shard);
  if (shard === undefined) throw new KeyscanError('USAGE', `the plan has no shard ${request.shard} (it has ${request.plan.shards.length}: 0 to ${request.plan.shards.length - 1})`);
  mkdirSync(request.outDir, { recursive: true });
  const statePath = join(request.outDir, `state-${request.shard}.json`);
  const state = readState(statePath, request.shard);
  const work = mkdtempSync(join(request.workDir ?? tmpdir(), 'keyscan-org-'));
  try {
    for (const repo of shard.repos) {
      const previous = state.repos[repo.name];
      if (previous?.status === 'done') {
        request.onRepo?.(repo.name, previous, true);
        continue;
      }
      const dir = join(work, 'clone');
      rmSync(dir, { recursive: true, force: true });
      const started = performance.now();
      const auth = authFor(repo, request.auth);
      const cloned = await cloneRepository({ url: repo.cloneUrl, dir, shallow: request.tree, ...(auth ? { auth } : {}) }, work);
      const cloneMs = Math.round(performance.now() - started);
      let entry: RepoState;
      if (cloned.kind === 'failed') {
        entry = { status: 'failed', findings: 0, cloneMs, scanMs: 0, reason: `clone failed: ${cloned.reason}` };
      } else {
        try {
          // the repository's own config, ignore files and baseline are not honoured: it is the scanned side
          const result = await scanGit({ mode: 'history', cwd: dir, root: dir, rules: request.rules, history: { revisions: [] }, trusted: NO_SIDE });
          const report = JSON.parse(json(result, { showSecrets: false, color: false, displayRoot: '', version: request.version })) as { findings: Record<string, unknown>[] };
          const findings = report.findings.map((f, i) => {
            const found = result.findings[i]!;
            return { repository: repo.name, ...f, secretHash: found.kind === 'secret' ? hashSecret(found.secret.reveal()) : hashSecret(`${found.ruleId}:${found.evidence}`) };
          });
          await writeFileAtomic(join(request.outDir, reportFileName(repo.name)), `${JSON.stringify({ ...report, repository: repo.name, cloneUrl: repo.cloneUrl, findings }, null, 2)}\n`, 'repository report');
          entry = { status: 'done', findings: findings.length, cloneMs, scanMs: Math.round(performance.now() - started) - cloneMs };
        } catch (err) {
          entry = { status: 'failed', findings: 0, cloneMs, scanMs: Math.round(performance.now() - started) - cloneMs, reason: `scan failed: ${(err as Error).message.split('\n')[0]}` };
        }
      }
      rmSync(dir, { recursive: true, force: true });
      state.repos[repo.name] = entry;
      await writeFileAtomic(statePath, `${JSON.stringify(state, null, 2)}\n`, 'state file');
      request.onRepo?.(repo.name, entry, false);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return state;
}
