// Snippets of code and config in the languages of a typical product monorepo. Files are built by
// concatenating snippets drawn from a pre-made pool, which keeps generation fast while the text
// still reads like code: identifiers, strings, comments and the usual talk of tokens and keys.
import { fieldsOf, names, paragraph, pascal, sentence, snake } from './vocab.mjs';

const ts = {
  header: (r) => `import type { Request, Response } from 'express';\nimport { logger } from '../lib/logger';\nimport { ${names(r).noun}Repository } from '../db/${names(r).noun}';\n\n`,
  snippets: [
    (r, v = names(r)) => `/**
 * ${sentence(r)}
 */
export async function ${v.verb}${v.Noun}(req: Request, res: Response): Promise<void> {
  const token = req.headers.authorization?.replace(/^Bearer /, '');
  if (!token) {
    res.status(401).json({ error: 'missing or invalid token' });
    return;
  }
  const session = await sessions.verify(token);
  const ${v.noun} = await ${v.noun}Repository.findById(req.params.${v.noun}Id, { tenantId: session.tenantId });
  if (!${v.noun}) {
    res.status(404).json({ error: '${v.noun} not found' });
    return;
  }
  logger.info({ ${v.noun}Id: ${v.noun}.id, userId: session.userId }, '${v.verb} ${v.noun}');
  res.json(${v.noun});
}

`,
    (r, v = names(r)) => `// ${sentence(r)}
export const ${v.noun}Config = {
  baseUrl: process.env.${v.NOUN}_BASE_URL ?? 'https://${v.domain}/v${v.n}',
  apiKey: process.env.${v.NOUN}_API_KEY,
  timeoutMs: ${v.ms * 10},
  retries: ${v.n},
  secretName: '${v.noun}-${v.env}-credentials',
};

`,
    (r, v = names(r)) => `export interface ${v.Noun}${r.pick(['', 'Input', 'Record', 'Options', 'Dto'])} {
  id: string;
${fieldsOf(r, r.int(3, 9)).map(([f, t]) => `  ${f}${r.chance(0.3) ? '?' : ''}: ${t};`).join('\n')}
}

`,
    (r, v = names(r)) => `export class ${v.Noun}Client {
  private readonly http: HttpClient;

  constructor(private readonly options: { apiKey: string; baseUrl: string; timeoutMs?: number }) {
    // ${sentence(r)}
    this.http = new HttpClient(options.baseUrl, { headers: { 'X-Api-Key': options.apiKey }, timeout: options.timeoutMs ?? ${v.ms} });
  }

  async ${v.verb}(id: string): Promise<${v.Noun}> {
    const response = await this.http.get(\`/${v.nouns}/\${encodeURIComponent(id)}\`);
    if (response.status === 401) throw new AuthError('the ${v.noun} API rejected the key');
    return parse${v.Noun}(response.body);
  }

  async ${v.verb}${v.Noun2}s(${v.noun}Id: string, cursor?: string): Promise<Page<${v.Noun2}>> {
    const query = new URLSearchParams({ limit: '${v.n * 25}', ...(cursor ? { cursor } : {}) });
    const response = await this.http.get(\`/${v.nouns}/\${${v.noun}Id}/${v.nouns2}?\${query}\`);
    return { items: response.body.data.map(parse${v.Noun2}), next: response.body.next_cursor };
  }
}

`,
    (r, v = names(r)) => `describe('${v.verb}${v.Noun}', () => {
  it('rejects a request without a token', async () => {
    const res = await request(app).get('/api/${v.nouns}/${v.n}');
    expect(res.status).toBe(401);
  });

  it('returns the ${v.noun} of the caller', async () => {
    const token = await signTestToken({ userId: 'u_${v.n}', scopes: ['${v.nouns}:read'] });
    const res = await request(app).get('/api/${v.nouns}/${v.n}').set('Authorization', \`Bearer \${token}\`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: '${v.n}', ${v.noun2}Id: expect.any(String) });
  });
});

`,
    (r, v = names(r)) => `export function ${v.verb}${v.Noun}State(state: ${v.Noun}State, action: ${v.Noun}Action): ${v.Noun}State {
  switch (action.type) {
    case '${v.noun}/loaded':
      return { ...state, items: action.items, loading: false };
    case '${v.noun}/failed':
      return { ...state, error: action.error, loading: false };
    case 'session/expired':
      // ${sentence(r)}
      return { ...state, items: [], token: undefined };
    default:
      return state;
  }
}

`,
  ],
};

const tsx = {
  header: () => `import { useState, type FormEvent } from 'react';\nimport { api } from '../api';\n\n`,
  snippets: [
    (r, v = names(r)) => `export function ${v.Noun}Form({ onSaved }: { onSaved: (${v.noun}: ${v.Noun}) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const { token } = await api.post('/auth/login', { email, password });
      localStorage.setItem('sessionToken', token);
      onSaved(await api.get(\`/${v.nouns}/me\`, { token }));
    } catch (err) {
      setError('Wrong email or password');
    }
  }

  return (
    <form onSubmit={submit} className="${v.noun}-form">
      <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@${v.domain}" />
      <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && <p className="error">{error}</p>}
      <button type="submit">${v.Verb}</button>
    </form>
  );
}

`,
    (r, v = names(r)) => `export function ${v.Noun}List({ ${v.nouns} }: { ${v.nouns}: ${v.Noun}[] }) {
  // ${sentence(r)}
  return (
    <ul>
      {${v.nouns}.map((${v.noun}) => (
        <li key={${v.noun}.id}>
          <span>{${v.noun}.displayName}</span> <small>{${v.noun}.status}</small>
        </li>
      ))}
    </ul>
  );
}

`,
  ],
};

const js = {
  header: () => `'use strict';\n\nconst express = require('express');\nconst jwt = require('jsonwebtoken');\n\n`,
  snippets: [
    (r, v = names(r)) => `// ${sentence(r)}
function ${v.verb}${v.Noun}Middleware(options = {}) {
  const secret = options.secret || process.env.JWT_SECRET;
  return function (req, res, next) {
    const token = (req.headers.authorization || '').split(' ')[1];
    if (!token) return res.status(401).send({ error: 'no token' });
    try {
      req.${v.noun} = jwt.verify(token, secret, { algorithms: ['HS256'], maxAge: '${v.n}h' });
      return next();
    } catch (err) {
      return res.status(401).send({ error: 'invalid token' });
    }
  };
}

`,
    (r, v = names(r)) => `module.exports.${v.verb}${v.Noun} = async function ${v.verb}${v.Noun}(db, id) {
  const rows = await db.query('SELECT * FROM ${snake(v.nouns)} WHERE id = $1 AND deleted_at IS NULL', [id]);
  if (rows.length === 0) return null;
  const { password_hash, api_key_hash, ...${v.noun} } = rows[0];
  return ${v.noun};
};

`,
    (r, v = names(r)) => `const ${v.noun}Options = {
  host: process.env.${v.NOUN}_HOST || 'localhost',
  port: Number(process.env.${v.NOUN}_PORT || ${v.port}),
  user: process.env.${v.NOUN}_USER || '${v.noun_}',
  password: process.env.${v.NOUN}_PASSWORD,
  ssl: process.env.NODE_ENV === 'production',
};

`,
  ],
};

const py = {
  header: (r) => `"""${sentence(r)}"""\nfrom __future__ import annotations\n\nimport logging\nimport os\nfrom dataclasses import dataclass, field\n\nimport requests\n\nlogger = logging.getLogger(__name__)\n\n`,
  snippets: [
    (r, v = names(r)) => `def ${v.verb}_${v.noun_}(session, ${v.noun_}_id: int) -> dict:
    """${sentence(r)}"""
    headers = {"Authorization": f"Bearer {settings.API_TOKEN}"}
    response = requests.get(f"{settings.BASE_URL}/${v.nouns}/{${v.noun_}_id}", headers=headers, timeout=${v.n * 5})
    if response.status_code == 401:
        raise PermissionError("the ${v.noun} API rejected the token")
    response.raise_for_status()
    logger.info("${v.verb} ${v.noun} %s", ${v.noun_}_id)
    return response.json()


`,
    (r, v = names(r)) => `@dataclass
class ${v.Noun}Settings:
    host: str = "localhost"
    port: int = ${v.port}
    username: str = "${v.noun_}"
    password: str = field(default_factory=lambda: os.environ["${v.NOUN}_PASSWORD"])
    secret_key: str = os.getenv("${v.NOUN}_SECRET_KEY", "")
    timeout_seconds: float = ${v.n}.5


`,
    (r, v = names(r)) => `class ${v.Noun}Service:
    # ${sentence(r)}

    def __init__(self, client, cache=None):
        self.client = client
        self.cache = cache or {}

    def ${v.verb}(self, ${v.noun_}_id):
        if ${v.noun_}_id in self.cache:
            return self.cache[${v.noun_}_id]
        ${v.noun_} = self.client.get("/${v.nouns}/%s" % ${v.noun_}_id)
        self.cache[${v.noun_}_id] = ${v.noun_}
        return ${v.noun_}

    def ${v.verb}_${snake(v.nouns2)}(self, ${v.noun_}_id, limit=${v.n * 20}):
        token = self.client.refresh_token()
        return [self._parse(item) for item in self.client.get("/${v.nouns}/%s/${v.nouns2}" % ${v.noun_}_id, token=token, limit=limit)]


`,
    (r, v = names(r)) => `def test_${v.verb}_${v.noun_}_requires_token(client):
    response = client.get("/api/${v.nouns}/${v.n}")
    assert response.status_code == 401


def test_${v.verb}_${v.noun_}(client, user_token):
    response = client.get("/api/${v.nouns}/${v.n}", headers={"Authorization": f"Bearer {user_token}"})
    assert response.status_code == 200
    assert response.json()["id"] == ${v.n}


`,
  ],
};

const go = {
  header: (r) => `package ${names(r).noun.toLowerCase()}\n\nimport (\n\t"context"\n\t"fmt"\n\t"net/http"\n\t"time"\n)\n\n`,
  snippets: [
    (r, v = names(r)) => `// ${v.Verb}${v.Noun} ${v.verb}s a ${v.noun}. ${sentence(r)}
func (s *${v.Noun}Service) ${v.Verb}${v.Noun}(ctx context.Context, id string) (*${v.Noun}, error) {
\ttoken, ok := auth.TokenFromContext(ctx)
\tif !ok {
\t\treturn nil, ErrUnauthorized
\t}
\treq, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/${v.nouns}/"+id, nil)
\tif err != nil {
\t\treturn nil, fmt.Errorf("build request: %w", err)
\t}
\treq.Header.Set("Authorization", "Bearer "+token)
\tresp, err := s.client.Do(req)
\tif err != nil {
\t\treturn nil, fmt.Errorf("${v.verb} ${v.noun} %s: %w", id, err)
\t}
\tdefer resp.Body.Close()
\treturn decode${v.Noun}(resp.Body)
}

`,
    (r, v = names(r)) => `type ${v.Noun}Config struct {
\tBaseURL string        \`env:"${v.NOUN}_BASE_URL" envDefault:"https://${v.domain}"\`
\tAPIKey  string        \`env:"${v.NOUN}_API_KEY,required" json:"-"\`
\tSecret  string        \`env:"${v.NOUN}_SECRET" json:"-"\`
\tTimeout time.Duration \`env:"${v.NOUN}_TIMEOUT" envDefault:"${v.n}s"\`
\tRetries int           \`env:"${v.NOUN}_RETRIES" envDefault:"${v.n}"\`
}

`,
    (r, v = names(r)) => `func Test${v.Verb}${v.Noun}(t *testing.T) {
\tsrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\tif r.Header.Get("Authorization") != "Bearer test-token" {
\t\t\tw.WriteHeader(http.StatusUnauthorized)
\t\t\treturn
\t\t}
\t\tfmt.Fprint(w, \`{"id":"${v.n}","status":"active"}\`)
\t}))
\tdefer srv.Close()
\ts := New${v.Noun}Service(srv.URL, srv.Client())
\tgot, err := s.${v.Verb}${v.Noun}(auth.WithToken(context.Background(), "test-token"), "${v.n}")
\tif err != nil || got.ID != "${v.n}" {
\t\tt.Fatalf("${v.Verb}${v.Noun}() = %v, %v", got, err)
\t}
}

`,
  ],
};

const java = {
  header: (r) => `package com.acme.${names(r).noun.toLowerCase()};\n\nimport java.util.List;\nimport java.util.Optional;\nimport org.springframework.beans.factory.annotation.Value;\nimport org.springframework.http.ResponseEntity;\nimport org.springframework.web.bind.annotation.*;\n\n`,
  snippets: [
    (r, v = names(r)) => `/** ${sentence(r)} */
@RestController
@RequestMapping("/api/${v.nouns}")
public class ${v.Noun}Controller {
    private final ${v.Noun}Service ${v.noun}Service;

    @Value("\${${v.noun}.api.key}")
    private String apiKey;

    public ${v.Noun}Controller(${v.Noun}Service ${v.noun}Service) {
        this.${v.noun}Service = ${v.noun}Service;
    }

    @GetMapping("/{id}")
    public ResponseEntity<${v.Noun}Dto> ${v.verb}${v.Noun}(@PathVariable Long id, @RequestHeader("Authorization") String token) {
        if (!tokenVerifier.isValid(token)) {
            return ResponseEntity.status(401).build();
        }
        return ${v.noun}Service.findById(id).map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());
    }
}

`,
    (r, v = names(r)) => `public record ${v.Noun}Credentials(String username, String password, String apiKey, String secretKey) {
    @Override
    public String toString() {
        // ${sentence(r)}
        return "${v.Noun}Credentials[username=" + username + ", password=***, apiKey=***]";
    }
}

`,
    (r, v = names(r)) => `public class ${v.Noun}Repository {
    private final JdbcTemplate jdbc;

    public ${v.Noun}Repository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<${v.Noun}> findById(long id) {
        List<${v.Noun}> rows = jdbc.query("SELECT id, owner_id, status FROM ${snake(v.nouns)} WHERE id = ?", ${v.noun}Mapper, id);
        return rows.stream().findFirst();
    }

    public int ${v.verb}Expired(int days) {
        return jdbc.update("DELETE FROM ${snake(v.nouns)} WHERE updated_at < now() - interval '" + days + " days'");
    }
}

`,
  ],
};

const rb = {
  header: () => `# frozen_string_literal: true\n\n`,
  snippets: [
    (r, v = names(r)) => `class ${pascal(v.nouns)}Controller < ApplicationController
  before_action :authenticate_user!
  before_action :set_${v.noun_}, only: %i[show update destroy]

  # ${sentence(r)}
  def show
    render json: @${v.noun_}
  end

  def update
    if @${v.noun_}.update(${v.noun_}_params)
      render json: @${v.noun_}
    else
      render json: @${v.noun_}.errors, status: :unprocessable_entity
    end
  end

  private

  def set_${v.noun_}
    @${v.noun_} = current_user.${snake(v.nouns)}.find(params[:id])
  end

  def ${v.noun_}_params
    params.require(:${v.noun_}).permit(:name, :email, :password, :password_confirmation)
  end
end

`,
    (r, v = names(r)) => `${v.Noun}Client.configure do |config|
  config.api_key = ENV.fetch("${v.NOUN}_API_KEY")
  config.secret = ENV["${v.NOUN}_SECRET"]
  config.timeout = ${v.n * 5}
  config.base_url = "https://${v.domain}/v${v.n}"
end

`,
    (r, v = names(r)) => `RSpec.describe ${v.Noun}, type: :model do
  it "encrypts the access token" do
    ${v.noun_} = create(:${v.noun_}, access_token: "plain-token")
    expect(${v.noun_}.read_attribute_before_type_cast(:access_token)).not_to eq("plain-token")
  end

  it "${v.verb}s the ${v.noun2}" do
    expect { described_class.new.${v.verb}(${v.n}) }.to change(${v.Noun2}, :count).by(1)
  end
end

`,
  ],
};

const yaml = {
  header: () => '',
  snippets: [
    (r, v = names(r)) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${v.noun}-${v.verb}
  labels:
    app: ${v.noun}
spec:
  replicas: ${v.n}
  template:
    spec:
      containers:
        - name: ${v.noun}
          image: registry.${v.domain}/${v.noun}:${v.n}.${v.n + 3}.0
          ports:
            - containerPort: ${v.port}
          env:
            - name: ${v.NOUN}_API_KEY
              valueFrom:
                secretKeyRef:
                  name: ${v.noun}-secrets
                  key: api-key
            - name: DATABASE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: ${v.noun}-db
                  key: password
            - name: LOG_LEVEL
              value: info
---
`,
    (r, v = names(r)) => `name: ${v.Verb} ${v.nouns}
on:
  push:
    branches: [main]
jobs:
  ${v.verb}:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
        env:
          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}
      - run: npm run ${v.verb}
        env:
          ${v.NOUN}_API_KEY: \${{ secrets.${v.NOUN}_API_KEY }}
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
---
`,
    (r, v = names(r)) => `${v.noun_}:
  # ${sentence(r)}
  base_url: https://${v.domain}/v${v.n}
  timeout_ms: ${v.ms}
  retries: ${v.n}
  auth:
    type: bearer
    token_env: ${v.NOUN}_TOKEN
    refresh_before_expiry_seconds: ${v.n * 60}
  database:
    host: ${v.noun}-db.${v.env}.internal
    port: ${v.port}
    user: ${v.noun_}
    password: \${${v.NOUN}_DB_PASSWORD}
`,
  ],
};

const json = {
  header: () => '',
  snippets: [
    (r, v = names(r)) => `{
  "name": "@acme/${v.noun}-${v.verb}",
  "version": "${v.n}.${v.n * 2}.0",
  "private": true,
  "scripts": { "build": "tsc -p .", "test": "vitest run", "start": "node dist/index.js" },
  "dependencies": { "express": "^4.19.2", "jsonwebtoken": "^9.0.2", "zod": "^3.23.8" }
}`,
    (r, v = names(r)) => `{
  "${v.noun}": {
    "title": "${pascal(v.verb)} ${v.noun}",
    "passwordLabel": "Password",
    "forgotPassword": "Forgot your password?",
    "tokenExpired": "Your session has expired. Please sign in again.",
    "apiKeyHint": "Create an API key in Settings, then paste it here.",
    "description": "${sentence(r)}"
  }
}`,
    (r, v = names(r)) => `{
  "id": "${v.noun}-${v.n}",
  "enabled": ${r.chance(0.5)},
  "timeoutMs": ${v.ms},
  "endpoint": "https://${v.domain}/${v.nouns}",
  "auth": { "type": "apiKey", "header": "X-Api-Key", "secretRef": "${v.noun}/${v.env}/api-key" },
  "tags": ["${v.noun}", "${v.env}", "${v.adjective}"]
}`,
  ],
};

const md = {
  header: (r) => `# ${pascal(names(r).noun)} ${names(r).noun2} guide\n\n${paragraph(r, 3)}\n\n`,
  snippets: [
    (r, v = names(r)) => `## ${v.Verb} ${v.nouns}

${paragraph(r, r.int(2, 6))}

\`\`\`bash
export ${v.NOUN}_API_KEY=<your key>
curl -H "Authorization: Bearer $${v.NOUN}_API_KEY" https://${v.domain}/v${v.n}/${v.nouns}
\`\`\`

`,
    (r, v = names(r)) => `### Configuration

| Variable | Description | Default |
| --- | --- | --- |
| \`${v.NOUN}_BASE_URL\` | where the ${v.noun} API lives | \`https://${v.domain}\` |
| \`${v.NOUN}_API_KEY\` | API key; keep it in the secret store | none |
| \`${v.NOUN}_TIMEOUT_MS\` | request timeout | \`${v.ms}\` |

${paragraph(r, r.int(1, 4))}

`,
    (r) => `## Setup

Copy \`.env.example\` to \`.env\` and set \`OPENAI_API_KEY=sk-proj-...\` (create one at platform.openai.com).
${paragraph(r, r.int(2, 5))}

`,
  ],
};

const tf = {
  header: () => '',
  snippets: [
    (r, v = names(r)) => `variable "${v.noun_}_db_password" {
  type        = string
  description = "${sentence(r)}"
  sensitive   = true
}

resource "aws_secretsmanager_secret" "${v.noun_}" {
  name                    = "${v.env}/${v.noun}/api-key"
  recovery_window_in_days = ${v.n}
}

`,
    (r, v = names(r)) => `module "${v.noun_}_service" {
  source        = "../../modules/service"
  name          = "${v.noun}"
  environment   = "${v.env}"
  instance_type = "t3.${r.pick(['small', 'medium', 'large'])}"
  min_size      = ${v.n}
  secrets = {
    API_KEY     = aws_secretsmanager_secret.${v.noun_}.arn
    DB_PASSWORD = var.${v.noun_}_db_password
  }
}

`,
  ],
};

const dockerfile = {
  header: () => '',
  snippets: [
    (r, v = names(r)) => `FROM node:20-alpine AS build
WORKDIR /app
ARG NPM_TOKEN
COPY package.json package-lock.json .npmrc ./
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" >> .npmrc && npm ci && rm -f .npmrc
COPY . .
RUN npm run build

FROM node:20-alpine
WORKDIR /app
ENV NODE_ENV=production PORT=${v.port}
COPY --from=build /app/dist ./dist
COPY --from=build /app/node_modules ./node_modules
USER node
CMD ["node", "dist/${v.noun}.js"]
`,
  ],
};

const sh = {
  header: () => `#!/usr/bin/env bash\nset -euo pipefail\n\n`,
  snippets: [
    (r, v = names(r)) => `# ${sentence(r)}
${v.verb}_${v.noun_}() {
  local token
  token="$(vault kv get -field=token secret/${v.env}/${v.noun})"
  curl -fsS -H "Authorization: token \${token}" "https://${v.domain}/${v.nouns}?page=\${1:-1}" | jq '.items[]'
}

`,
    (r, v = names(r)) => `export AWS_ACCESS_KEY_ID="\${AWS_ACCESS_KEY_ID:?set it from the ${v.env} vault}"
export AWS_SECRET_ACCESS_KEY="\${AWS_SECRET_ACCESS_KEY:?set it from the ${v.env} vault}"
aws s3 sync "./${v.nouns}" "s3://acme-${v.env}-${v.noun}/" --delete --only-show-errors
echo "${v.verb}ed ${v.nouns} to ${v.env}"

`,
  ],
};

/** Extension or file name, and the snippet set, per language. */
export const LANGUAGES = { ts, tsx, js, py, go, java, rb, yaml, json, md, tf, dockerfile, sh };

const POOL_SIZE = 160;

/** Pre-renders POOL_SIZE snippets per language; files are then cheap concatenations. */
export function createSnippetPools(r) {
  const pools = {};
  for (const [lang, spec] of Object.entries(LANGUAGES)) {
    pools[lang] = Array.from({ length: POOL_SIZE }, () => r.pick(spec.snippets)(r));
  }
  return pools;
}

/** A file of about `bytes` in `lang`; JSON files are an array of snippets so they stay valid. */
export function codeFile(r, pools, lang, bytes) {
  const parts = [LANGUAGES[lang].header(r)];
  let size = parts[0].length;
  const pool = pools[lang];
  do {
    const snippet = r.pick(pool);
    parts.push(snippet);
    size += snippet.length;
  } while (size < bytes);
  if (lang === 'json') return `[\n${parts.slice(1).join(',\n')}\n]\n`;
  return parts.join('');
}

/** One-line bundles: the JS pools with comments and line breaks squeezed out. */
export function minify(code) {
  return code
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s*\n\s*/g, '')
    .replace(/\b(const|let) /g, 'var ');
}
