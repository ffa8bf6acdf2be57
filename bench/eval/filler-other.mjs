// Filler for Python scripts and notebooks, Go and Java services, shell scripts, and the odd Ruby or
// PHP file a rule's example calls for.
import { commentFor, namesFor, snake } from './vocab.mjs';

export const pyHeader = (rng) => [
  '"""' + rng.pick(['Batch jobs for the analytics pipeline.', 'Helpers for the evaluation scripts.', 'Ingest documents and build embeddings.', 'Nightly export of usage data.']) + '"""',
  'import argparse',
  'import json',
  'import logging',
  'import os',
  rng.chance(0.5) ? 'from dataclasses import dataclass' : 'from pathlib import Path',
  '',
  'import requests',
  '',
  'log = logging.getLogger(__name__)',
  'BASE_URL = os.environ.get("API_BASE_URL", "https://api.internal.example.com")',
  '',
].join('\n');

export const pyChunks = [
  (rng, v = namesFor(rng)) => `def fetch_${v.nouns}(session: requests.Session, token: str, page: int = 1) -> list[dict]:
    """${commentFor(rng)}"""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    resp = session.get(f"{BASE_URL}/v1/${v.nouns}", headers=headers, params={"page": page}, timeout=${v.n * 5})
    resp.raise_for_status()
    return resp.json()["data"]`,
  (rng, v = namesFor(rng)) => `@dataclass
class Settings:
    api_key: str = os.getenv("API_KEY", "")
    secret_key: str = os.environ.get("SECRET_KEY", "")
    database_url: str = os.getenv("DATABASE_URL", "postgresql://localhost/${v.nouns}")
    token_ttl: int = ${v.n * 600}
    debug: bool = os.getenv("DEBUG") == "1"`,
  (rng, v = namesFor(rng)) => `def main() -> None:
    parser = argparse.ArgumentParser(description="${v.Verb} ${v.nouns} from the API")
    parser.add_argument("--token", default=os.environ.get("API_TOKEN"), help="API token (default: $API_TOKEN)")
    parser.add_argument("--limit", type=int, default=${v.n * 100})
    args = parser.parse_args()
    if not args.token:
        parser.error("no token: pass --token or set API_TOKEN")
    with requests.Session() as session:
        items = fetch_${v.nouns}(session, args.token)
    print(json.dumps(items[: args.limit], indent=2))`,
  (rng) => `def hash_password(password: str) -> str:
    return pwd_context.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    if not password or not password_hash:
        return False
    return pwd_context.verify(password, password_hash)`,
  (rng, v = namesFor(rng)) => `@app.get("/${v.nouns}/{${v.noun}_id}")
async def get_${v.noun}(${v.noun}_id: int, token: str = Depends(oauth2_scheme)):
    user = await current_user(token)
    ${v.noun} = await ${v.Noun}.get_or_none(id=${v.noun}_id, owner_id=user.id)
    if ${v.noun} is None:
        raise HTTPException(status_code=404, detail="${v.noun} not found")
    return ${v.noun}`,
  (rng, v = namesFor(rng)) => `def load_${v.nouns}(path: str) -> "pd.DataFrame":
    df = pd.read_csv(path, parse_dates=["created_at"])
    df = df[df["status"] == "active"].drop(columns=["password_hash", "api_key_hash"], errors="ignore")
    df["${v.noun}_age_days"] = (pd.Timestamp.utcnow() - df["created_at"]).dt.days
    log.info("loaded %d ${v.nouns} from %s", len(df), path)
    return df`,
  (rng, v = namesFor(rng)) => `s3 = boto3.client(
    "s3",
    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
    region_name=os.getenv("AWS_REGION", "eu-west-1"),
)


def upload_${v.noun}(local_path: str, key: str) -> None:
    s3.upload_file(local_path, os.environ["BUCKET"], key)`,
  (rng, v = namesFor(rng)) => `def embed_batch(texts: list[str], model: str = "${rng.pick(['text-embedding-3-small', 'embed-english-v3.0', 'mistral-embed'])}") -> list[list[float]]:
    # ${commentFor(rng)}
    vectors = []
    for start in range(0, len(texts), ${v.n * 16}):
        chunk = texts[start : start + ${v.n * 16}]
        vectors.extend(embedder.embed(chunk, model=model))
    return vectors`,
];

export const notebookCells = [
  () => ({ markdown: '## Setup\nLoad the API keys from the environment (see `.env.example`).' }),
  (rng, v = namesFor(rng)) => ({ code: `import os\nimport pandas as pd\nimport matplotlib.pyplot as plt\n\ndf = pd.read_parquet("data/${v.nouns}.parquet")\ndf.head()`, output: 'table' }),
  (rng, v = namesFor(rng)) => ({ code: `df.groupby("status")["${v.noun}_id"].count().plot(kind="bar")\nplt.title("${v.Nouns} by status")`, output: 'image' }),
  (rng) => ({ markdown: `### Notes\n${commentFor(rng)}` }),
  (rng, v = namesFor(rng)) => ({ code: `token = os.environ.get("API_TOKEN")\nresp = requests.get(f"{BASE_URL}/${v.nouns}", headers={"Authorization": f"Bearer {token}"})\nresp.status_code`, output: 'text' }),
];

export const goHeader = (rng, pkg) => [
  `package ${pkg}`,
  '',
  'import (',
  '\t"encoding/json"',
  '\t"net/http"',
  '\t"os"',
  '\t"strings"',
  '',
  '\t"golang.org/x/crypto/bcrypt"',
  ')',
  '',
].join('\n');

export const goChunks = [
  (rng, v = namesFor(rng)) => `// ${commentFor(rng)}
func (h *Handler) ${v.Verb}${v.Noun}(w http.ResponseWriter, r *http.Request) {
\ttoken := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
\tif token == "" {
\t\thttp.Error(w, "missing token", http.StatusUnauthorized)
\t\treturn
\t}
\tclaims, err := h.auth.Verify(r.Context(), token)
\tif err != nil {
\t\thttp.Error(w, "invalid token", http.StatusUnauthorized)
\t\treturn
\t}
\t${v.noun}, err := h.store.${v.Noun}(r.Context(), claims.Subject, r.PathValue("id"))
\tif err != nil {
\t\thttp.Error(w, err.Error(), http.StatusNotFound)
\t\treturn
\t}
\tjson.NewEncoder(w).Encode(${v.noun})
}`,
  (rng, v = namesFor(rng)) => `type Config struct {
\tAddr        string \`env:"ADDR" envDefault:":${v.port}"\`
\tAPIKey      string \`env:"API_KEY"\`
\tJWTSecret   string \`env:"JWT_SECRET,required"\`
\tDatabaseURL string \`env:"DATABASE_URL"\`
\tTokenTTL    int    \`env:"TOKEN_TTL" envDefault:"${v.n * 900}"\`
}

func LoadConfig() Config {
\treturn Config{Addr: os.Getenv("ADDR"), APIKey: os.Getenv("API_KEY"), JWTSecret: os.Getenv("JWT_SECRET")}
}`,
  (rng) => `func HashPassword(password string) (string, error) {
\thash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
\treturn string(hash), err
}

func CheckPassword(hash, password string) bool {
\treturn bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}`,
  (rng, v = namesFor(rng)) => `type ${v.Noun} struct {
\tID        string \`json:"id"\`
\tOwnerID   string \`json:"owner_id"\`
\tName      string \`json:"name"\`
\tAPIKeyRef string \`json:"api_key_ref,omitempty"\`
\tPassword  string \`json:"-"\`
}`,
  (rng) => `func apiKeyMiddleware(next http.Handler) http.Handler {
\treturn http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
\t\tkey := r.Header.Get("X-Api-Key")
\t\tif key == "" || !validKey(key) {
\t\t\tw.WriteHeader(http.StatusForbidden)
\t\t\treturn
\t\t}
\t\tnext.ServeHTTP(w, r)
\t})
}`,
];

export const javaHeader = (rng, pkg, cls) => [
  `package ${pkg};`,
  '',
  'import java.time.Instant;',
  'import java.util.Optional;',
  'import org.springframework.beans.factory.annotation.Value;',
  'import org.springframework.security.crypto.password.PasswordEncoder;',
  'import org.springframework.stereotype.Service;',
  '',
  '@Service',
  `public class ${cls} {`,
  '',
].join('\n');

export const javaChunks = [
  () => `    @Value("\${app.jwt.secret}")
    private String jwtSecret;

    @Value("\${app.api-key:}")
    private String apiKey;`,
  (rng, v = namesFor(rng)) => `    public ${v.Noun} register(Register${v.Noun}Request request) {
        // ${commentFor(rng)}
        String passwordHash = passwordEncoder.encode(request.getPassword());
        ${v.Noun} ${v.noun} = new ${v.Noun}(request.getEmail(), passwordHash, Instant.now());
        return repository.save(${v.noun});
    }`,
  (rng, v = namesFor(rng)) => `    public String generateToken(String subject) {
        return Jwts.builder()
            .subject(subject)
            .issuedAt(new Date())
            .expiration(new Date(System.currentTimeMillis() + ${v.n} * 3600_000L))
            .signWith(Keys.hmacShaKeyFor(jwtSecret.getBytes(StandardCharsets.UTF_8)))
            .compact();
    }`,
  (rng, v = namesFor(rng)) => `    public Optional<${v.Noun}> find${v.Noun}(String token, long id) {
        String userId = tokenService.verify(token).getSubject();
        return repository.findByIdAndOwnerId(id, userId);
    }`,
];

export const rbChunks = [
  (rng, v = namesFor(rng)) => `class ${v.Nouns}Controller < ApplicationController
  before_action :authenticate_user!

  def index
    @${v.nouns} = current_user.${v.nouns}.order(created_at: :desc).limit(${v.n * 10})
    render json: @${v.nouns}
  end
end`,
  (rng) => `def api_key
  ENV.fetch("API_KEY") { raise "API_KEY is not set" }
end`,
];

export const phpChunks = [
  (rng, v = namesFor(rng)) => `function ${v.verb}${v.Noun}(string $token, int $id): array
{
    $headers = ['Authorization' => 'Bearer ' . $token];
    $response = $this->client->get("/${v.nouns}/{$id}", ['headers' => $headers]);
    return json_decode((string) $response->getBody(), true);
}`,
  () => `$password = password_hash($_POST['password'], PASSWORD_DEFAULT);
$apiKey = getenv('API_KEY');`,
];

export const shHeader = () => ['#!/usr/bin/env bash', 'set -euo pipefail', ''].join('\n');

export const shChunks = [
  (rng, v = namesFor(rng)) => `: "\${API_TOKEN:?set API_TOKEN to a token with ${v.nouns}:write}"
API_URL="\${API_URL:-https://api.staging.example.com}"

${snake(v.verb)}_${v.nouns}() {
  curl -fsS -X POST "$API_URL/v1/${v.nouns}/${v.verb}" \\
    -H "Authorization: Bearer $API_TOKEN" \\
    -H "Content-Type: application/json" \\
    -d "{\\"limit\\": ${v.n * 100}}"
}`,
  (rng) => `read -r -s -p "Database password: " password
echo
export PGPASSWORD="$password"
pg_dump --no-owner --format=custom "$DATABASE_URL" > "backup-$(date +%F).dump"`,
  (rng, v = namesFor(rng)) => `# ${commentFor(rng)}
if [[ -z "\${OPENAI_API_KEY:-}" ]]; then
  echo "OPENAI_API_KEY is not set; see README.md" >&2
  exit 1
fi
docker compose run --rm -e OPENAI_API_KEY worker python -m jobs.${v.nouns}`,
  (rng, v = namesFor(rng)) => `deploy() {
  local env="$1"
  aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$REGISTRY"
  docker build -t "$REGISTRY/${v.noun}-service:$GIT_SHA" .
  docker push "$REGISTRY/${v.noun}-service:$GIT_SHA"
  kubectl -n "$env" set image deployment/${v.noun}-service app="$REGISTRY/${v.noun}-service:$GIT_SHA"
}`,
];

pyChunks.push(
  (rng, v = namesFor(rng)) => `def test_password_roundtrip():
    password_hash = hash_password("s3cret-${v.noun}!")
    assert verify_password("s3cret-${v.noun}!", password_hash)
    assert not verify_password("wrong", password_hash)


def test_missing_token_is_rejected(client):
    resp = client.get("/${v.nouns}/1", headers={"Authorization": "Bearer "})
    assert resp.status_code == 401`,
  (rng, v = namesFor(rng)) => `def get_api_key(name: str = "default") -> str:
    key = os.environ.get(f"{name.upper()}_API_KEY") or keyring.get_password("${v.nouns}", name)
    if not key:
        raise RuntimeError(f"no API key for {name}; run \`make secrets\`")
    return key`,
);
