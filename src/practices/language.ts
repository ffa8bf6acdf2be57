/** The languages and file kinds whose way of reading a secret from the environment differs. */
export type FileKind =
  | 'js' | 'python' | 'go' | 'java' | 'ruby' | 'php' | 'csharp' | 'rust' | 'shell'
  | 'github-actions' | 'gitlab-ci' | 'kubernetes' | 'terraform' | 'dotenv' | 'docker' | 'notebook' | 'other';

const BY_EXTENSION: Record<string, FileKind> = {
  js: 'js', mjs: 'js', cjs: 'js', jsx: 'js', ts: 'js', mts: 'js', cts: 'js', tsx: 'js', vue: 'js', svelte: 'js',
  py: 'python', pyw: 'python', ipynb: 'notebook',
  go: 'go',
  java: 'java', kt: 'java', kts: 'java', scala: 'java', groovy: 'java',
  rb: 'ruby', erb: 'ruby', rake: 'ruby',
  php: 'php',
  cs: 'csharp', vb: 'csharp',
  rs: 'rust',
  sh: 'shell', bash: 'shell', zsh: 'shell', ksh: 'shell', fish: 'shell',
  tf: 'terraform', tfvars: 'terraform', hcl: 'terraform',
};

export function isDotenvPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env');
}

/** Templates meant to be committed: .env.example, .env.sample, .env.template, .env.dist. */
export function isDotenvTemplate(path: string): boolean {
  return /(?:^|[./_-])(?:example|sample|template|dist|defaults?|tmpl|tpl)$/i.test(path.slice(path.lastIndexOf('/') + 1));
}

/** What kind of file a path is, from its name alone (`text` is consulted for YAML only). */
export function fileKind(path: string, text?: string): FileKind {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  if (isDotenvPath(lower)) return 'dotenv';
  if (/(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(lower) || /(?:^|\/)action\.ya?ml$/.test(lower)) return 'github-actions';
  if (name === '.gitlab-ci.yml') return 'gitlab-ci';
  if (name === 'dockerfile' || name.endsWith('.dockerfile') || /^docker-compose.*\.ya?ml$/.test(name) || /^compose\.ya?ml$/.test(name)) return 'docker';
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if ((ext === 'yaml' || ext === 'yml') && text !== undefined && /^\s*kind:\s*\w+/m.test(text) && /^\s*apiVersion:/m.test(text)) return 'kubernetes';
  return BY_EXTENSION[ext] ?? 'other';
}

/** How code of this kind reads `envVar` instead of holding the key. */
export function envReadHint(kind: FileKind, envVar: string): string {
  switch (kind) {
    case 'js':
      return `read it with process.env.${envVar}`;
    case 'python':
    case 'notebook':
      return `read it with os.environ["${envVar}"]`;
    case 'go':
      return `read it with os.Getenv("${envVar}")`;
    case 'java':
      return `read it with System.getenv("${envVar}")`;
    case 'ruby':
      return `read it with ENV.fetch("${envVar}")`;
    case 'php':
      return `read it with getenv('${envVar}')`;
    case 'csharp':
      return `read it with Environment.GetEnvironmentVariable("${envVar}")`;
    case 'rust':
      return `read it with std::env::var("${envVar}")`;
    case 'shell':
      return `take it from the environment ("$${envVar}") instead of writing it in the script`;
    case 'github-actions':
      return `store it as a repository secret and use \${{ secrets.${envVar} }}`;
    case 'gitlab-ci':
      return `store it as a masked CI/CD variable ${envVar} in the project settings`;
    case 'kubernetes':
      return `put it in a Secret (from your secret manager) and reference it with valueFrom.secretKeyRef`;
    case 'terraform':
      return `declare variable "${envVar.toLowerCase()}" with sensitive = true and set it through TF_VAR_${envVar.toLowerCase()} or a secret manager`;
    case 'docker':
      return `pass it at run time (docker run -e ${envVar}, compose env_file or secrets), not in the image or compose file`;
    case 'dotenv':
      return `keep the .env file out of git (add it to .gitignore) and commit a .env.example with a placeholder for ${envVar}`;
    case 'other':
      return `load it from the ${envVar} environment variable or a secret manager`;
  }
}
