/**
 * Rules `secret` (error) and `infra-id` (warning): credential-shaped strings and provider
 * project/account identifiers anywhere in a recording's text — headers, messages, URLs, and JSON
 * held inside JSON strings (tool arguments), which is why the raw text is scanned, not the parsed
 * document. The formats are the facts of secretlint's recommended preset and gitleaks' default
 * rules (key-specific prefixes, lengths and word boundaries, so ids like `chatcmpl-…`, `call_…`,
 * base64 images or a `sk-…` inside a URL parameter are not taken for keys).
 *
 * One global regex finds the candidate prefixes in a single pass; most files have none and cost
 * that pass only. Each candidate is then checked by its kind's exact pattern at that place.
 * A secret is never returned whole to a printer: `maskToken` keeps its first four characters.
 */
import { sha256Hex } from "../sha256.js";
import { visit } from "jsonc-parser";
import { NO_ALLOWANCES, type SecretsAllowList } from "./secrets-config.js";

export type SecretRule = "secret" | "infra-id";

export interface Detector {
  kind: string;
  label: string;
  rule: SecretRule;
  /** The placeholder `redact` writes instead of the value. */
  placeholder: string;
}

/** One match in a text: the value's offsets (the credential itself, or the id). */
export interface SecretMatch {
  kind: string;
  label: string;
  rule: SecretRule;
  start: number;
  end: number;
  value: string;
}

const D = (kind: string, label: string, rule: SecretRule, placeholder: string): Detector => ({ kind, label, rule, placeholder });

export const DETECTORS: Readonly<Record<string, Detector>> = {
  "openai-key": D("openai-key", "OpenAI API key", "secret", "__redacted-openai-key__"),
  "anthropic-key": D("anthropic-key", "Anthropic API key", "secret", "__redacted-anthropic-key__"),
  "google-api-key": D("google-api-key", "Google API key", "secret", "__redacted-google-api-key__"),
  "aws-access-key-id": D("aws-access-key-id", "AWS access key id", "secret", "__redacted-aws-access-key-id__"),
  "aws-secret-key": D("aws-secret-key", "AWS secret access key", "secret", "__redacted-aws-secret-key__"),
  "github-token": D("github-token", "GitHub token", "secret", "__redacted-github-token__"),
  "slack-token": D("slack-token", "Slack token", "secret", "__redacted-slack-token__"),
  "huggingface-token": D("huggingface-token", "Hugging Face token", "secret", "__redacted-huggingface-token__"),
  "groq-key": D("groq-key", "Groq API key", "secret", "__redacted-groq-key__"),
  "tavily-key": D("tavily-key", "Tavily API key", "secret", "__redacted-tavily-key__"),
  "perplexity-key": D("perplexity-key", "Perplexity API key", "secret", "__redacted-perplexity-key__"),
  "bedrock-key": D("bedrock-key", "Amazon Bedrock API key", "secret", "__redacted-bedrock-key__"),
  "private-key": D("private-key", "private key block", "secret", "__redacted-private-key__"),
  jwt: D("jwt", "JSON web token", "secret", "__redacted-jwt__"),
  "bearer-token": D("bearer-token", "Authorization bearer token", "secret", "__redacted-bearer-token__"),
  "url-password": D("url-password", "password in a URL", "secret", "__redacted-password__"),
  "watsonx-project-id": D("watsonx-project-id", "Watsonx project_id", "infra-id", "__redacted-project-id__"),
  "azure-host": D("azure-host", "Azure OpenAI / Cognitive Services resource host", "infra-id", "__redacted__"),
  "databricks-host": D("databricks-host", "Databricks workspace host", "infra-id", "__databricks__"),
  "aws-account-id": D("aws-account-id", "AWS account id in an ARN", "infra-id", "000000000000"),
  "gcp-project-id": D("gcp-project-id", "GCP project id in a Vertex path", "infra-id", "__redacted-project__"),
};

/**
 * The candidate prefixes, one pass over the text. Case-insensitive parts are spelled out, so the
 * regex stays a plain literal alternation (fast in V8).
 */
const CANDIDATES =
  /sk-|AIza|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abpors]-|hf_|gsk_|tvly-|pplx-|ABSK|-----BEGIN|eyJ|[Bb]earer|BEARER|:\/\/|[Ss]ecret|SECRET|project_id|\.openai\.azure\.com|\.cognitiveservices\.azure\.com|\.cloud\.databricks\.com|\.azuredatabricks\.net|arn:aws|projects\//g;

/** Characters that continue a token: a key next to one of them is part of something longer. */
const WORD = /[A-Za-z0-9_-]/;

/** True when the token starting at `at` is not glued to a word before it (a JSON escape such as `\n` counts as a separator). */
function boundaryBefore(text: string, at: number, word: RegExp = WORD): boolean {
  if (at === 0) return true;
  const c = text[at - 1] as string;
  if (!word.test(c)) return true;
  // `\n`, `\t`, `\"` inside a JSON string: the letter is part of an escape, not of the token.
  return at >= 2 && text[at - 2] === "\\" && "nrtbf\"'/".includes(c);
}

function boundaryAfter(text: string, end: number, word: RegExp = WORD): boolean {
  return end >= text.length || !word.test(text[end] as string);
}

type Check = (text: string, at: number) => { kind: string; start: number; end: number } | null;

/** A sticky regex tried at the candidate; the token is group 1 when there is one, else the whole match. */
function sticky(kind: string, source: string, flags = "", opts: { word?: RegExp; before?: boolean; after?: boolean } = {}): Check {
  const re = new RegExp(source, `y${flags}`);
  return (text, at) => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) return null;
    const token = m[1] ?? m[0];
    const start = m[1] === undefined ? at : at + m[0].indexOf(token);
    const end = start + token.length;
    const word = opts.word ?? WORD;
    if (opts.before !== false && !boundaryBefore(text, at, word)) return null;
    if (opts.after !== false && !boundaryAfter(text, end, word)) return null;
    return { kind, start, end };
  };
}

const KEY_BODY = "[A-Za-z0-9_-]";
const CHECKS: { prefix: RegExp; checks: Check[] }[] = [
  {
    prefix: /^sk-/,
    checks: [
      sticky("anthropic-key", `sk-ant-(?:api03|admin01)-${KEY_BODY}{93}AA`),
      sticky("openai-key", `sk-(?:proj|svcacct|admin)-${KEY_BODY}{40,}`),
      sticky("openai-key", "sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
    ],
  },
  { prefix: /^AIza/, checks: [sticky("google-api-key", `AIza${KEY_BODY}{35}`)] },
  { prefix: /^A[KS]IA/, checks: [sticky("aws-access-key-id", "A[KS]IA[A-Z2-7]{16}", "", { word: /[A-Za-z0-9]/ })] },
  { prefix: /^gh[pousr]_/, checks: [sticky("github-token", "gh[pousr]_[A-Za-z0-9]{36}(?:[A-Za-z0-9]{40})?")] },
  { prefix: /^github_pat_/, checks: [sticky("github-token", "github_pat_[A-Za-z0-9_]{82}")] },
  {
    prefix: /^xox/,
    checks: [
      sticky("slack-token", "xoxb-[0-9]{10,13}-[0-9]{10,13}[A-Za-z0-9-]*"),
      sticky("slack-token", "xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9-]{28,34}"),
      sticky("slack-token", "xox[os]-[0-9]+-[0-9]+-[0-9]+-[A-Fa-f0-9]+"),
      sticky("slack-token", "xox[ar]-(?:[0-9]-)?[A-Za-z0-9]{8,48}"),
    ],
  },
  { prefix: /^hf_/, checks: [sticky("huggingface-token", "hf_[A-Za-z0-9]{34}")] },
  { prefix: /^gsk_/, checks: [sticky("groq-key", "gsk_[A-Za-z0-9]{52}")] },
  { prefix: /^tvly-/, checks: [sticky("tavily-key", "tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}")] },
  { prefix: /^pplx-/, checks: [sticky("perplexity-key", "pplx-[A-Za-z0-9]{48}")] },
  { prefix: /^ABSK/, checks: [sticky("bedrock-key", "ABSK[A-Za-z0-9+/]{109,269}={0,2}", "", { word: /[A-Za-z0-9+/]/ })] },
  {
    prefix: /^-----BEGIN/,
    checks: [sticky("private-key", "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:\\\\[nr]|[\\r\\n\\s])+[A-Za-z0-9+/=\\\\\\r\\n\\s:-]{64,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----", "", { before: false, after: false })],
  },
  { prefix: /^eyJ/, checks: [sticky("jwt", "eyJ[A-Za-z0-9_-]{14,}\\.ey[A-Za-z0-9_-]{14,}\\.(?:[A-Za-z0-9_-]{10,}={0,2})?", "", { word: /[A-Za-z0-9_+/-]/ })] },
  { prefix: /^bearer/i, checks: [bearer] },
  { prefix: /^:\/\//, checks: [urlPassword] },
  { prefix: /^secret/i, checks: [awsSecret] },
  {
    prefix: /^project_id/,
    checks: [sticky("watsonx-project-id", "project_id\\\\?[\"']?\\s*[:=]\\s*\\\\?[\"']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", "i", { word: /[A-Za-z0-9]/ })],
  },
  { prefix: /^\.(?:openai|cognitiveservices)\.azure\.com/, checks: [hostBefore("azure-host", /^[A-Za-z0-9-]+$/)] },
  { prefix: /^\.(?:cloud\.databricks\.com|azuredatabricks\.net)/, checks: [hostBefore("databricks-host", /^[A-Za-z0-9.-]+$/)] },
  { prefix: /^arn:aws/, checks: [sticky("aws-account-id", "arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12}):", "", { word: /[A-Za-z0-9]/, after: false })] },
  { prefix: /^projects\//, checks: [sticky("gcp-project-id", "projects/([a-z][a-z0-9-]{4,28}[a-z0-9]|[0-9]{6,20})/locations/", "", { before: false, after: false })] },
];

/** `Bearer <token>` right after an Authorization header name (a header, a curl line, a dict). */
function bearer(text: string, at: number): { kind: string; start: number; end: number } | null {
  const before = text.slice(Math.max(0, at - 40), at).toLowerCase();
  if (!before.includes("authorization")) return null;
  BEARER.lastIndex = at;
  const m = BEARER.exec(text);
  const token = m?.[1];
  if (m == null || token === undefined) return null;
  // A placeholder (`Bearer YOUR_TOKEN`, `Bearer {api_key}`) has no digit or no letter.
  if (!/[0-9]/.test(token) || !/[A-Za-z]/.test(token)) return null;
  const start = at + m[0].length - token.length;
  return { kind: "bearer-token", start, end: start + token.length };
}
const BEARER = /bearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])/iy;

/** `scheme://user:password@host`: the password. */
function urlPassword(text: string, at: number): { kind: string; start: number; end: number } | null {
  // The scheme right before `://`.
  let s = at;
  while (s > 0 && /[A-Za-z0-9+.-]/.test(text[s - 1] as string)) s--;
  if (s === at || !/[A-Za-z]/.test(text[s] as string)) return null;
  URL_AUTH.lastIndex = at;
  const m = URL_AUTH.exec(text);
  const password = m?.[2];
  if (m == null || password === undefined) return null;
  if (PLACEHOLDER_PASSWORD.test(password)) return null;
  const start = at + 3 + (m[1] ?? "").length + 1;
  return { kind: "url-password", start, end: start + password.length };
}
const URL_AUTH = /:\/\/([^\s:/@"'\\?#<>{}]{0,128}):([^\s:/@"'\\?#<>{}]{3,128})@[A-Za-z0-9[]/y;
const PLACEHOLDER_PASSWORD = /^(?:\*+|x+|\.+|pass(?:word)?|secret|changeme|redacted|__redacted[\w-]*__|\$.*|%.*)$/i;

/** An AWS secret access key: 40 base64 characters right after its key name (`aws_secret_access_key`, `SecretAccessKey`). */
function awsSecret(text: string, at: number): { kind: string; start: number; end: number } | null {
  AWS_SECRET.lastIndex = at;
  const m = AWS_SECRET.exec(text);
  const value = m?.[2];
  if (m == null || value === undefined) return null;
  // `secret_key` alone is too common: the AWS spellings only (`aws_secret_key`, `secret_access_key`).
  if (m[1] === undefined && text.slice(Math.max(0, at - 4), at).toLowerCase() !== "aws_") return null;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return null;
  const start = at + m[0].length - value.length;
  return { kind: "aws-secret-key", start, end: start + value.length };
}
const AWS_SECRET = /secret(_?access)?_?key\\?["']?\s*[:=]\s*\\?["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/iy;

/** Documentation's stand-ins for a resource name. */
const PLACEHOLDER_HOST = /^(?:example|test|(?:your|my)-?(?:resource|workspace|instance)(?:-?name)?|resource-?name|workspace)$/i;

/** A host whose private part precedes the candidate suffix (`<name>.openai.azure.com`). */
function hostBefore(kind: string, name: RegExp): Check {
  return (text, at) => {
    let s = at;
    while (s > 0 && /[A-Za-z0-9.-]/.test(text[s - 1] as string)) s--;
    while (text[s] === "." || text[s] === "-") s++;
    const label = text.slice(s, at);
    if (label === "" || !name.test(label) || PLACEHOLDER_HOST.test(label)) return null;
    if (!boundaryBefore(text, s, /[A-Za-z0-9_]/)) return null;
    const m = /^\.(?:openai\.azure\.com|cognitiveservices\.azure\.com|cloud\.databricks\.com|azuredatabricks\.net)/.exec(text.slice(at, at + 40));
    if (m === null || !boundaryAfter(text, at + m[0].length, /[A-Za-z0-9_-]/)) return null;
    return { kind, start: s, end: at + m[0].length };
  };
}

/** What `redact` writes instead of a value: its kind's placeholder (an Azure host keeps its service suffix). */
export function placeholderFor(kind: string, value: string): string {
  const p = DETECTORS[kind]?.placeholder ?? "__redacted__";
  return kind === "azure-host" ? value.replace(/^[^.]+/, p) : p;
}

/** Values that are obviously placeholders, never findings. */
function placeholderValue(kind: string, value: string): boolean {
  if (kind === "watsonx-project-id") return /^[0-]+$/.test(value);
  if (kind === "aws-account-id") return /^(?:0{12}|123456789012)$/.test(value);
  if (kind === "gcp-project-id") return /^(?:my-project|your-project|project-id|example-project)/.test(value);
  return false;
}

/** Kinds found by their context (a header name, a URL's shape): a known key inside one is reported as the key. */
const GENERIC: ReadonlySet<string> = new Set(["bearer-token", "url-password", "aws-secret-key"]);

/** Every credential-shaped string and infrastructure id in `text`, in order, each once. */
export function scanText(text: string): SecretMatch[] {
  const found: SecretMatch[] = [];
  CANDIDATES.lastIndex = 0;
  let m: RegExpExecArray | null;
  let covered = -1;
  while ((m = CANDIDATES.exec(text)) !== null) {
    const at = m.index;
    if (at < covered) continue;
    const head = m[0];
    const window = text.slice(at, at + head.length + 40);
    scan: for (const group of CHECKS) {
      if (!group.prefix.test(window)) continue;
      for (const check of group.checks) {
        const hit = check(text, at);
        if (hit === null) continue;
        const value = text.slice(hit.start, hit.end);
        if (placeholderValue(hit.kind, value)) continue;
        const d = DETECTORS[hit.kind] as Detector;
        // A key inside a bearer header (or a URL's password) is reported once, as the key.
        const last = found[found.length - 1];
        if (last !== undefined && hit.start < last.end) {
          if (!GENERIC.has(last.kind) || GENERIC.has(d.kind)) break scan;
          found.pop();
        }
        found.push({ kind: d.kind, label: d.label, rule: d.rule, start: hit.start, end: hit.end, value });
        // Candidates inside a specific key are part of it; inside a generic one they may be more specific.
        if (d.rule === "secret" && !GENERIC.has(d.kind)) covered = hit.end;
        break scan;
      }
    }
  }
  return found;
}

/** First four characters, then an ellipsis: all a message ever shows of a secret. */
export function maskToken(value: string): string {
  return `${value.slice(0, 4)}…`;
}


/** The text with every credential-shaped string masked (infra ids are left as they are). */
export function maskSecrets(text: string): string {
  const found = scanText(text).filter((f) => f.rule === "secret");
  if (found.length === 0) return text;
  let out = "";
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + maskToken(f.value);
    at = f.end;
  }
  return out + text.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Allow-list and findings

/** A finding of one of the two rules, located. */
export interface SecretFinding {
  pointer: string;
  line: number;
  column: number;
  message: string;
  rule: SecretRule;
  kind: string;
  /** Offsets of the value in the text (for redact). */
  start: number;
  end: number;
  value: string;
}

function hostPattern(pattern: string): RegExp {
  const body = pattern
    .split("*")
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[A-Za-z0-9-]*");
  return new RegExp(`^${body}$`, "i");
}

export class SecretsPolicy {
  private readonly infra: RegExp[];
  private fileMatchers: ((file: string) => boolean)[] | null = null;
  constructor(
    readonly allowList: SecretsAllowList,
    private readonly matchGlob: ((glob: string) => (file: string) => boolean) | null = null,
  ) {
    this.infra = allowList.allowInfra.map(hostPattern);
  }

  private matchers(): ((file: string) => boolean)[] {
    this.fileMatchers ??= this.allowList.allow.map((a) => (a.files === undefined || this.matchGlob === null ? () => a.files === undefined : this.matchGlob(a.files)));
    return this.fileMatchers;
  }

  allowed(file: string, match: SecretMatch, pointer: string): boolean {
    if (match.rule === "infra-id" && this.infra.some((re) => re.test(match.value))) return true;
    const list = this.allowList.allow;
    if (list.length === 0) return false;
    let digest: string | null = null;
    const matchers = this.matchers();
    return list.some((a, i) => {
      if (a.sha256 !== undefined) {
        digest ??= sha256Hex(match.value);
        if (!digest.startsWith(a.sha256)) return false;
      }
      if (a.pointer !== undefined && a.pointer !== pointer && !pointer.startsWith(`${a.pointer}/`)) return false;
      if (a.files !== undefined && !(matchers[i] as (f: string) => boolean)(file)) return false;
      return a.sha256 !== undefined || a.pointer !== undefined;
    });
  }
}

/** The allow-list as a policy; picomatch is loaded only when an entry names files. */
export async function secretsPolicy(allowList: SecretsAllowList | undefined): Promise<SecretsPolicy | null> {
  const list = allowList ?? NO_ALLOWANCES;
  if (list.allow.length === 0 && list.allowInfra.length === 0) return null;
  if (!list.allow.some((a) => a.files !== undefined)) return new SecretsPolicy(list);
  const { default: picomatch } = await import("picomatch");
  return new SecretsPolicy(list, (glob) => picomatch(glob, { dot: true }));
}

function escapeSegment(s: string | number): string {
  return String(s).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Thrown inside the visitor once every offset has its pointer. */
const DONE = Symbol("done");

/**
 * The JSON pointer of the string (value or key) holding each offset: one walk, which builds a
 * path only where an offset falls and stops after the last one.
 */
export function pointersAt(text: string, offsets: readonly number[]): string[] {
  const out = offsets.map(() => "");
  if (offsets.length === 0) return out;
  const order = offsets.map((o, i) => [o, i] as const).sort((a, b) => a[0] - b[0]);
  let next = 0;
  const take = (offset: number, length: number, path: () => (string | number)[], key?: string): void => {
    while (next < order.length && (order[next] as readonly [number, number])[0] < offset) next++;
    if (next >= order.length) throw DONE;
    if ((order[next] as readonly [number, number])[0] >= offset + length) return;
    const segments = key === undefined ? path() : [...path(), key];
    const pointer = segments.length === 0 ? "" : `/${segments.map(escapeSegment).join("/")}`;
    while (next < order.length && (order[next] as readonly [number, number])[0] < offset + length) {
      out[(order[next] as readonly [number, number])[1]] = pointer;
      next++;
    }
    if (next >= order.length) throw DONE;
  };
  try {
    visit(text, {
      onLiteralValue: (_v, offset, length, _l, _c, path) => take(offset, length, path),
      onObjectProperty: (property, offset, length, _l, _c, path) => take(offset, length, path, property),
    });
  } catch (err) {
    if (err !== DONE) throw err;
  }
  return out;
}

/** Line and column (1-based) of each offset, in one walk over the newlines. */
function positionsAt(text: string, offsets: readonly number[]): { line: number; column: number }[] {
  const order = offsets.map((o, i) => [o, i] as const).sort((a, b) => a[0] - b[0]);
  const out = offsets.map(() => ({ line: 1, column: 1 }));
  let line = 1;
  let lineStart = 0;
  let nl = text.indexOf("\n");
  for (const [offset, i] of order) {
    while (nl !== -1 && nl < offset) {
      line++;
      lineStart = nl + 1;
      nl = text.indexOf("\n", nl + 1);
    }
    out[i] = { line, column: offset - lineStart + 1 };
  }
  return out;
}

const article = (label: string): string => `${/^[AEIOU]/.test(label) ? "an" : "a"} ${label}`;

/** The message of a finding: the kind, the value masked (ids in full), and how to accept it. */
function messageOf(match: SecretMatch): string {
  if (match.rule === "secret") {
    return `holds ${article(match.label)} ${maskToken(match.value)} [${match.kind}]: revoke it and re-record, or \`recctl redact --secrets --write\`; accept it with { sha256 = "${sha256Hex(match.value).slice(0, 12)}" } in [tool.recctl.secrets] allow`;
  }
  return `holds ${article(match.label)} ${JSON.stringify(match.value)} [${match.kind}]: \`recctl redact --write\` replaces it, or accept it in [tool.recctl.secrets] allow-infra`;
}

/** The findings of both rules in a recording's text, located, the allow-list applied. */
export function secretFindings(file: string, text: string, policy: SecretsPolicy | null, rules: { secret: boolean; infra: boolean } = { secret: true, infra: true }): SecretFinding[] {
  const matches = scanText(text).filter((m) => (m.rule === "secret" ? rules.secret : rules.infra));
  if (matches.length === 0) return [];
  const pointers = pointersAt(
    text,
    matches.map((m) => m.start),
  );
  const positions = positionsAt(
    text,
    matches.map((m) => m.start),
  );
  const out: SecretFinding[] = [];
  matches.forEach((m, i) => {
    const pointer = pointers[i] ?? "";
    if (policy !== null && policy.allowed(file, m, pointer)) return;
    const pos = positions[i] as { line: number; column: number };
    out.push({ pointer, line: pos.line, column: pos.column, message: messageOf(m), rule: m.rule, kind: m.kind, start: m.start, end: m.end, value: m.value });
  });
  return out;
}
