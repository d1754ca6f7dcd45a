/**
 * The scanner of the `secret` and `infra-id` rules (core/guard/secrets.ts), on tokens made when
 * the test runs (test/helpers/secret-tokens.ts: random, format-valid, never committed), in each
 * place a recording holds text: a JSON string, JSON inside a JSON string (tool arguments), a URL,
 * a header, after a `\n` escape. Expected values are the planted tokens themselves.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { maskSecrets, maskToken, pointersAt, scanText, secretFindings, SecretsPolicy } from "../../src/core/guard/secrets.js";
import { allowListFrom } from "../../src/core/guard/secrets-config.js";
import { plantedAwsSecret, plantedPrivateKey, plantedTokens, rand } from "../helpers/secret-tokens.js";

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** The raw text of a recording holding `value` at `/response/body/text`. */
const doc = (value: string): string => JSON.stringify({ response: { body: { text: value } } }, null, 2);

const CONTEXTS: [string, (token: string) => string][] = [
  ["a message", (s) => doc(`my key is ${s}, keep it`)],
  ["escaped tool arguments", (s) => doc(JSON.stringify({ api_key: s, q: "x" }))],
  ["a URL", (s) => doc(`https://api.example.com/v1/search?key=${s}&q=1`)],
  ["a header", (s) => JSON.stringify({ request: { headers: { "x-api-key": s } } }, null, 2)],
  ["after a \\n escape", (s) => doc(`line one\n${s}\nline three`)],
];

test("every kind is found once, exactly, in every context", () => {
  for (const { kind, token } of plantedTokens()) {
    for (const [where, make] of CONTEXTS) {
      const found = scanText(make(token)).filter((f) => f.rule === "secret");
      assert.equal(found.length, 1, `${kind} in ${where}: ${found.map((f) => f.kind).join(", ")}`);
      assert.equal(found[0]!.kind, kind, where);
      assert.equal(found[0]!.value, token, `${kind} in ${where}`);
    }
  }
});

test("private keys, AWS secret keys by their name, bearer headers and URL passwords", () => {
  const pem = plantedPrivateKey();
  assert.deepEqual(
    scanText(doc(pem)).map((f) => f.kind),
    ["private-key"],
  );
  assert.deepEqual(
    scanText(pem).map((f) => f.value),
    [pem],
  );
  const aws = plantedAwsSecret();
  for (const text of [doc(JSON.stringify({ aws_secret_access_key: aws })), doc(`AWS_SECRET_ACCESS_KEY=${aws}`), JSON.stringify({ SecretAccessKey: aws }), `aws_secret_key: '${aws}'`]) {
    assert.deepEqual(
      scanText(text).map((f) => [f.kind, f.value]),
      [["aws-secret-key", aws]],
      text,
    );
  }
  // Not next to its name: 40 base64 characters are not a key.
  assert.deepEqual(scanText(doc(`checksum ${aws}`)), []);
  const bearer = `${rand(ALNUM, 20)}.${rand(ALNUM, 12)}`;
  assert.deepEqual(
    scanText(JSON.stringify({ headers: { Authorization: `Bearer ${bearer}` } })).map((f) => [f.kind, f.value]),
    [["bearer-token", bearer]],
  );
  assert.deepEqual(
    scanText(doc(`curl -H "Authorization: Bearer ${bearer}" https://x`)).map((f) => f.value),
    [bearer],
  );
  // A known key behind Bearer is reported once, as that key.
  const key = plantedTokens()[0]!.token;
  assert.deepEqual(
    scanText(JSON.stringify({ Authorization: `Bearer ${key}` })).map((f) => f.kind),
    ["openai-key"],
  );
  const password = rand(ALNUM, 14);
  assert.deepEqual(
    scanText(doc(`postgresql://app:${password}@db.internal:5432/x`)).map((f) => [f.kind, f.value]),
    [["url-password", password]],
  );
});

test("ids, base64, placeholders and a news URL's sk-… are not secrets", () => {
  const texts = [
    `https://news.example.com/rss/articles/CBMi?oc=5&gaa_at=eafs&gaa_n=AWEtsq${"sk-3kPD"}${rand(`${ALNUM}_-`, 60)}&gaa_ts=68`,
    `https://news.example.com/?gaa_n=${"sk-3kPD"}${rand(ALNUM, 80)}&gaa_sig=x`,
    `chatcmpl-${rand(ALNUM, 29)} call_${rand(ALNUM, 24)} file-${rand(ALNUM, 24)} resp_${rand(ALNUM, 48)} msg_${rand(ALNUM, 24)}`,
    `data:image/png;base64,${rand(`${ALNUM}+/`, 50000)}==`,
    JSON.stringify({ embedding: Array.from({ length: 200 }, () => Math.random() - 0.5) }),
    "Authorization: Bearer {api_key}",
    "Authorization: Bearer YOUR_ACCESS_TOKEN_HERE",
    '"Authorization\\": f\\"Bearer {access_token}\\"',
    "https://user:password@example.com https://:***@host redis://default:$REDIS_PASSWORD@localhost",
    "task-force desk-lamp risk-free hf_hub_download gsk_short AKIAshort sk-short ghp_short",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    `e.g. sk-proj-... or sk-ant-api03-... or AIza... (your key)`,
  ];
  for (const text of texts) {
    assert.deepEqual(
      scanText(doc(text)).filter((f) => f.rule === "secret"),
      [],
      text.slice(0, 80),
    );
  }
});

test("infra ids: Watsonx project_id, Azure and Databricks hosts, ARN accounts, Vertex projects", () => {
  const uuid = "1461945d-7925-4b82-b90b-ecd907a98d77";
  const text = JSON.stringify(
    {
      request: {
        url: "https://lls-test.openai.azure.com/openai/deployments/gpt/chat/completions",
        body: { extra_query: { project_id: uuid } },
      },
      response: {
        body: {
          text: [
            "https://acme-ai.cognitiveservices.azure.com/",
            "https://dbc-1a2b3c4d-5e6f.cloud.databricks.com/serving-endpoints",
            "https://adb-1234567890123456.7.azuredatabricks.net/api",
            "arn:aws:bedrock:us-east-1:123412341234:inference-profile/us.x",
            "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod-42/locations/us-central1/x",
            JSON.stringify({ watsonx: { project_id: "a1b2c3d4-0000-4000-8000-123456789abc" } }),
          ].join("\n"),
        },
      },
    },
    null,
    2,
  );
  assert.deepEqual(
    scanText(text).map((f) => [f.kind, f.value]),
    [
      ["azure-host", "lls-test.openai.azure.com"],
      ["watsonx-project-id", uuid],
      ["azure-host", "acme-ai.cognitiveservices.azure.com"],
      ["databricks-host", "dbc-1a2b3c4d-5e6f.cloud.databricks.com"],
      ["databricks-host", "adb-1234567890123456.7.azuredatabricks.net"],
      ["aws-account-id", "123412341234"],
      ["gcp-project-id", "acme-prod-42"],
      ["watsonx-project-id", "a1b2c3d4-0000-4000-8000-123456789abc"],
    ],
  );
  // Placeholders the recorder or redact writes, and documentation's stand-ins, are not ids.
  assert.deepEqual(scanText(doc("__databricks__/serving-endpoints https://__redacted__.openai.azure.com arn:aws:iam::000000000000:role/x projects/my-project/locations/x https://your-resource-name.openai.azure.com")), []);
});

test("findings: pointer of the holding string, line:col of the token, masked message; the allow-list", () => {
  const [a, b] = plantedTokens();
  const text = JSON.stringify({ request: { headers: { "x-key": a!.token }, body: { args: JSON.stringify({ k: b!.token }) } } }, null, 2);
  const found = secretFindings("/r/x.json", text, null);
  assert.deepEqual(
    found.map((f) => f.pointer),
    ["/request/headers/x-key", "/request/body/args"],
  );
  const lines = text.split("\n");
  for (const f of found) assert.ok(lines[f.line - 1]!.slice(f.column - 1).startsWith(f.value), f.pointer);
  for (const f of found) {
    assert.ok(!f.message.includes(f.value));
    assert.ok(f.message.includes(maskToken(f.value)));
    assert.ok(f.message.includes(createHash("sha256").update(f.value).digest("hex").slice(0, 12)));
  }
  assert.equal(maskToken(a!.token), `${a!.token.slice(0, 4)}…`);
  // By sha256 prefix; by pointer (a parent pointer covers what is below it) and file glob.
  const sha = createHash("sha256").update(b!.token).digest("hex").slice(0, 12);
  const bySha = new SecretsPolicy(allowListFrom({ allow: [{ sha256: sha }] }));
  assert.deepEqual(
    secretFindings("/r/x.json", text, bySha).map((f) => f.pointer),
    ["/request/headers/x-key"],
  );
  const glob = (g: string) => (file: string) => file.startsWith(g.replace(/\*.*$/, ""));
  const byPlace = new SecretsPolicy(allowListFrom({ allow: [{ pointer: "/request/headers", file: "/r/*" }] }), glob);
  assert.deepEqual(
    secretFindings("/r/x.json", text, byPlace).map((f) => f.pointer),
    ["/request/body/args"],
  );
  assert.equal(secretFindings("/elsewhere/x.json", text, byPlace).length, 2);
  const infra = new SecretsPolicy(allowListFrom({ "allow-infra": ["*.openai.azure.com"] }));
  assert.deepEqual(secretFindings("/r/x.json", doc("https://lls-test.openai.azure.com/x https://other.cognitiveservices.azure.com"), infra).map((f) => f.value), ["other.cognitiveservices.azure.com"]);
});

test("pointersAt names the string (or key) holding each offset", () => {
  const text = '{"a": {"b": ["x", "yyy"]}, "c": "z"}';
  assert.deepEqual(pointersAt(text, [text.indexOf("yyy") + 1, text.indexOf('"z"'), text.indexOf('"c"')]), ["/a/b/1", "/c", "/c"]);
});

test("maskSecrets masks every credential in any text and leaves the rest", () => {
  const tokens = plantedTokens();
  const text = tokens.map((x, i) => `${i}: ${x.token}`).join("\n");
  const masked = maskSecrets(text);
  for (const x of tokens) assert.ok(!masked.includes(x.token), x.kind);
  assert.equal(masked, tokens.map((x, i) => `${i}: ${x.token.slice(0, 4)}…`).join("\n"));
  assert.equal(maskSecrets("nothing here https://lls-test.openai.azure.com"), "nothing here https://lls-test.openai.azure.com");
});
