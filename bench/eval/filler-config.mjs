// Filler for configuration and documentation: .env files, YAML (app config, Kubernetes, GitHub
// Actions, Compose), Terraform, Dockerfiles, JSON config and Markdown.
import { commentFor, namesFor } from './vocab.mjs';

export const envChunks = [
  (rng, v = namesFor(rng)) => `NODE_ENV=${rng.pick(['development', 'production', 'staging'])}\nPORT=${v.port}\nLOG_LEVEL=${rng.pick(['debug', 'info', 'warn'])}`,
  (rng, v = namesFor(rng)) => `DATABASE_URL=postgres://app:app@localhost:5432/${v.nouns}\nREDIS_URL=redis://localhost:6379/0`,
  (rng) => `# ${commentFor(rng)}\nJWT_ISSUER=https://auth.internal.example.com\nTOKEN_TTL_SECONDS=${rng.pick([900, 3600, 86400])}`,
  (rng, v = namesFor(rng)) => `FEATURE_${v.NOUN}_EXPORT=${rng.pick(['true', 'false'])}\nMAX_UPLOAD_MB=${v.n * 10}\nAPI_BASE_URL=https://api.${v.nouns}.internal.example.com`,
  () => `SMTP_HOST=localhost\nSMTP_PORT=1025\nSMTP_USER=\nSMTP_PASSWORD=`,
];

export const yamlHeader = (rng) => `# Application settings; values in \${...} come from the environment.\n`;

export const yamlChunks = [
  (rng, v = namesFor(rng)) => `server:\n  port: ${v.port}\n  cors_origins:\n    - https://app.example.com\n  request_timeout_ms: ${v.ms}`,
  (rng) => `database:\n  url: \${DATABASE_URL}\n  pool_size: ${rng.int(5, 30)}\n  password: \${DB_PASSWORD}`,
  (rng) => `auth:\n  jwt_secret: \${JWT_SECRET}\n  token_ttl: ${rng.pick([900, 3600])}\n  refresh_token_ttl: 1209600\n  password_min_length: 12`,
  (rng) => `logging:\n  level: ${rng.pick(['info', 'debug'])}\n  redact:\n    - password\n    - token\n    - api_key\n    - authorization`,
  (rng, v = namesFor(rng)) => `queues:\n  ${v.nouns}:\n    concurrency: ${v.n}\n    retry_backoff_ms: ${v.ms}`,
];

export function k8sDeployment(rng, v = namesFor(rng), image) {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${v.noun}-service
  labels:
    app: ${v.noun}-service
spec:
  replicas: ${rng.int(2, 6)}
  selector:
    matchLabels:
      app: ${v.noun}-service
  template:
    metadata:
      labels:
        app: ${v.noun}-service
      annotations:
        checksum/config: ${rng.hex(64)}
    spec:
      containers:
        - name: app
          image: ${image}
          ports:
            - containerPort: ${v.port}
          env:
            - name: API_KEY
              valueFrom:
                secretKeyRef:
                  name: ${v.noun}-secrets
                  key: api-key
            - name: JWT_SECRET
              valueFrom:
                secretKeyRef:
                  name: ${v.noun}-secrets
                  key: jwt-secret
            - name: REQUEST_ID_NAMESPACE
              value: "${rng.uuid()}"`;
}

export function k8sService(rng, v = namesFor(rng)) {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${v.noun}-service
spec:
  selector:
    app: ${v.noun}-service
  ports:
    - port: 80
      targetPort: ${v.port}`;
}

/** Kubernetes stores Secret data base64-encoded; these hold low-value dev strings. */
export function k8sSecret(rng, v = namesFor(rng)) {
  const b64 = (s) => Buffer.from(s).toString('base64');
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${v.noun}-db
type: Opaque
data:
  username: ${b64(v.noun)}
  password: ${b64('postgres')}
  host: ${b64(`${v.noun}-db.default.svc.cluster.local`)}`;
}

export function ghaWorkflowHeader(rng, name) {
  return `name: ${name}

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

jobs:
  build:
    runs-on: ubuntu-latest
    env:
      OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}
      DATABASE_URL: postgres://postgres:postgres@localhost:5432/test
    steps:
      - uses: actions/checkout@${rng.hex(40)} # v4
      - uses: actions/setup-node@${rng.hex(40)} # v4
        with:
          node-version: 20
          cache: npm
`;
}

export const ghaSteps = [
  () => `      - run: npm ci\n      - run: npm test\n        env:\n          JWT_SECRET: \${{ secrets.JWT_SECRET }}`,
  (rng) => `      - name: Publish\n        if: github.ref == 'refs/heads/main'\n        run: npm publish\n        env:\n          NODE_AUTH_TOKEN: \${{ secrets.NPM_TOKEN }}`,
  (rng, v = namesFor(rng)) => `      - name: Deploy ${v.noun} service\n        run: ./scripts/deploy.sh production\n        env:\n          AWS_ACCESS_KEY_ID: \${{ secrets.AWS_ACCESS_KEY_ID }}\n          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}`,
  () => `      - uses: actions/upload-artifact@v4\n        with:\n          name: coverage\n          path: coverage/`,
];

export const composeHeader = () => `services:\n`;
export const composeServices = [
  (rng, v = namesFor(rng)) => `  ${v.noun}-api:
    build: ./services/api
    ports:
      - "${v.port}:${v.port}"
    environment:
      - DATABASE_URL=postgres://app:\${POSTGRES_PASSWORD}@db:5432/${v.nouns}
      - JWT_SECRET=\${JWT_SECRET}
      - API_KEY=\${API_KEY}
    depends_on:
      - db`,
  (rng, v = namesFor(rng)) => `  ${v.noun}-db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: postgres
      POSTGRES_DB: ${v.nouns}
    volumes:
      - pgdata:/var/lib/postgresql/data`,
  (rng, v = namesFor(rng)) => `  ${v.noun}-cache:
    image: redis:7-alpine
    command: ["redis-server", "--requirepass", "\${REDIS_PASSWORD:-devpassword}"]`,
  (rng, v = namesFor(rng)) => `  ${v.noun}-worker:
    build: ./services/worker
    command: ["node", "dist/worker.js", "--queue", "${v.nouns}"]
    env_file: .env
    environment:
      - LOG_LEVEL=info`,
];
export const composeFooter = () => `\nvolumes:\n  pgdata:\n`;

export const tfChunks = [
  (rng) => `variable "db_password" {\n  type      = string\n  sensitive = true\n}`,
  (rng, v = namesFor(rng)) => `resource "aws_db_instance" "${v.noun}" {\n  identifier          = "${v.noun}-db"\n  engine              = "postgres"\n  instance_class      = "db.t4g.medium"\n  username            = "app"\n  password            = var.db_password\n  skip_final_snapshot = true\n}`,
  (rng, v = namesFor(rng)) => `resource "aws_secretsmanager_secret" "${v.noun}_api_key" {\n  name        = "${v.noun}/api-key"\n  description = "API key for the ${v.noun} service, rotated by the platform team"\n}`,
  (rng, v = namesFor(rng)) => `resource "aws_lambda_function" "${v.noun}_worker" {\n  function_name    = "${v.noun}-worker"\n  filename         = "build/${v.noun}.zip"\n  source_code_hash = "${Buffer.from(rng.hex(32), 'hex').toString('base64')}"\n  runtime          = "nodejs20.x"\n  handler          = "index.handler"\n  environment {\n    variables = {\n      TOKEN_SECRET_ARN = aws_secretsmanager_secret.${v.noun}_api_key.arn\n    }\n  }\n}`,
  (rng) => `output "api_url" {\n  value = aws_apigatewayv2_api.main.api_endpoint\n}`,
];

export const dockerfileHeader = (rng) => `FROM node:20-alpine@sha256:${rng.hex(64)} AS build\nWORKDIR /app\nARG NPM_TOKEN\nCOPY package*.json .npmrc ./\nRUN npm ci\n`;

/** In build order: a Dockerfile's steps do not shuffle. */
export const dockerfileChunks = [
  () => `COPY . .\nRUN npm run build`,
  (rng) => `FROM node:20-alpine@sha256:${rng.hex(64)}\nWORKDIR /app\nENV NODE_ENV=production\nCOPY --from=build /app/dist ./dist\nCOPY --from=build /app/node_modules ./node_modules`,
  (rng) => `RUN curl -fsSLo /tmp/tini https://github.com/krallin/tini/releases/download/v0.19.0/tini-static \\\n && echo "${rng.hex(64)}  /tmp/tini" | sha256sum -c - \\\n && chmod +x /tmp/tini`,
  () => `USER node\nEXPOSE 3000\nCMD ["node", "dist/server.js"]`,
];

export const jsonChunks = [
  (rng, v = namesFor(rng)) => [['server', { port: v.port, trustProxy: true }]],
  (rng) => [['auth', { tokenTtlSeconds: rng.pick([900, 3600]), passwordMinLength: 12, apiKeyHeader: 'X-Api-Key' }]],
  (rng, v = namesFor(rng)) => [[v.nouns, { pageSize: v.n * 10, cacheTtlMs: v.ms }]],
  () => [['logging', { level: 'info', redact: ['password', 'token', 'apiKey', 'secret'] }]],
];

export const mdChunks = [
  (rng, v = namesFor(rng)) => `## ${v.Nouns}\n\n${commentFor(rng)} The ${v.noun} endpoints need a token with the \`${v.nouns}:read\` scope.\n\n\`\`\`sh\ncurl https://api.example.com/v1/${v.nouns} \\\n  -H "Authorization: Bearer $API_TOKEN"\n\`\`\``,
  (rng) => `## Configuration\n\nCopy \`.env.example\` to \`.env\` and fill in your keys. Never commit \`.env\`.\n\n| variable | meaning |\n| --- | --- |\n| \`API_KEY\` | the key clients send in \`X-Api-Key\` |\n| \`JWT_SECRET\` | signs access tokens; at least 32 random bytes |\n| \`DATABASE_URL\` | Postgres connection string |`,
  (rng) => `### Rotating secrets\n\n1. Create the new key in the provider's dashboard.\n2. Store it in the secret manager: \`aws secretsmanager put-secret-value --secret-id app/api-key --secret-string "$NEW_KEY"\`.\n3. Restart the pods; the old key is revoked after 24 hours.`,
  (rng) => `## Using the OpenAI API locally\n\n\`\`\`sh\nexport OPENAI_API_KEY=sk-...\ncurl https://api.openai.com/v1/chat/completions \\\n  -H "Content-Type: application/json" \\\n  -H "Authorization: Bearer $OPENAI_API_KEY" \\\n  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}]}'\n\`\`\``,
  (rng) => `## Troubleshooting\n\n- \`401 invalid token\`: your access token expired; sign in again.\n- \`403 forbidden\`: the API key lacks the scope; ask an admin to rotate it with more scopes.\n- Passwords must be at least 12 characters.`,
];
