/**
 * Credential-shaped tokens made when a test runs: random and format-valid, never committed (a
 * committed token trips secret scanners, recctl's own guard among them). Each is built from its
 * prefix and random characters of the right alphabet and length (the formats of gitleaks' rules).
 */
import { randomInt } from "node:crypto";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}_-`;

export function rand(alphabet: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  // A digit and a letter in every token, as real ones have (and the generic rules ask).
  return n >= 8 && alphabet.includes("0") && !/[0-9]/.test(s) ? `${s.slice(0, -1)}7` : s;
}

/** Joined at run time so no source line holds a whole prefix+body. */
const P = (...parts: string[]): string => parts.join("");

export interface PlantedToken {
  kind: string;
  token: string;
}

/** One token of every kind the `secret` rule knows. */
export function plantedTokens(): PlantedToken[] {
  const jwtPart = (): string => P("eyJ", rand(ALNUM, 30));
  return [
    { kind: "openai-key", token: P("sk-", "proj-", rand(URLSAFE, 74), "T3Blbk", "FJ", rand(URLSAFE, 74)) },
    { kind: "openai-key", token: P("sk-", "svcacct-", rand(URLSAFE, 58), "T3Blbk", "FJ", rand(URLSAFE, 58)) },
    { kind: "openai-key", token: P("sk-", "admin-", rand(URLSAFE, 58), "T3Blbk", "FJ", rand(URLSAFE, 58)) },
    { kind: "openai-key", token: P("sk-", rand(ALNUM, 20), "T3Blbk", "FJ", rand(ALNUM, 20)) },
    { kind: "anthropic-key", token: P("sk-ant-", "api03-", rand(URLSAFE, 93), "AA") },
    { kind: "anthropic-key", token: P("sk-ant-", "admin01-", rand(URLSAFE, 93), "AA") },
    { kind: "google-api-key", token: P("AI", "za", rand(URLSAFE, 35)) },
    { kind: "aws-access-key-id", token: P("AK", "IA", rand(UPPER32, 16)) },
    { kind: "aws-access-key-id", token: P("AS", "IA", rand(UPPER32, 16)) },
    { kind: "github-token", token: P("gh", "p_", rand(ALNUM, 36)) },
    { kind: "github-token", token: P("gh", "o_", rand(ALNUM, 36)) },
    { kind: "github-token", token: P("gh", "u_", rand(ALNUM, 36)) },
    { kind: "github-token", token: P("gh", "s_", rand(ALNUM, 36)) },
    { kind: "github-token", token: P("gh", "r_", rand(ALNUM, 36)) },
    { kind: "github-token", token: P("github", "_pat_", rand(ALNUM, 22), "_", rand(ALNUM, 59)) },
    { kind: "slack-token", token: P("xo", "xb-", rand("0123456789", 12), "-", rand("0123456789", 12), "-", rand(ALNUM, 24)) },
    { kind: "slack-token", token: P("xo", "xp-", rand("0123456789", 12), "-", rand("0123456789", 12), "-", rand("0123456789", 12), "-", rand(ALNUM, 32)) },
    { kind: "huggingface-token", token: P("h", "f_", rand(ALNUM, 34)) },
    { kind: "groq-key", token: P("gs", "k_", rand(ALNUM, 52)) },
    { kind: "tavily-key", token: P("tv", "ly-", rand(ALNUM, 32)) },
    { kind: "tavily-key", token: P("tv", "ly-", "dev-", rand(ALNUM, 32)) },
    { kind: "perplexity-key", token: P("pp", "lx-", rand(ALNUM, 48)) },
    { kind: "bedrock-key", token: P("AB", "SK", rand(B64, 130)) },
    { kind: "jwt", token: P(jwtPart(), ".", jwtPart(), ".", rand(URLSAFE, 43)) },
  ];
}

/** A private-key block (PEM), its lines joined by real newlines. */
export function plantedPrivateKey(): string {
  const body = Array.from({ length: 5 }, () => rand(B64, 64)).join("\n");
  return P("-----BEGIN ", "RSA PRIVATE", " KEY-----\n", body, "\n-----END ", "RSA PRIVATE", " KEY-----");
}

/** A 40-character AWS secret access key. */
export function plantedAwsSecret(): string {
  return rand(B64, 40);
}
