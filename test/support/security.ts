// Security test support: tokens signed with the local dev issuer's key (as it is kept in DATA_DIR) or
// forged, and the patterns of unmasked personal data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, importJWK, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '#functions/auth.js';

/** Unmasked personal data as a scan finds it: a mainland mobile or a GB 32100 code standing alone. */
const UNMASKED_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const UNMASKED_CREDIT_CODE = /(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])/g;

export function unmaskedIn(text: string): string[] {
  return [...(text.match(UNMASKED_MOBILE) ?? []), ...(text.match(UNMASKED_CREDIT_CODE) ?? [])];
}

/** The dev issuer's private key, read from where it keeps it. */
export async function devSigningKey(dataDir: string): Promise<CryptoKey> {
  const jwk = JSON.parse(readFileSync(join(dataDir, 'dev-signing-key.json'), 'utf8')) as JWK;
  return (await importJWK(jwk, 'ES256')) as CryptoKey;
}

export interface SignOptions {
  alg?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for the past. Null leaves the claim out. */
  expiresIn?: number | null;
  issuedAgo?: number | null;
  notBeforeIn?: number;
}

/** A token with exactly these claims, signed with `key`: what a forger with (or without) the key could make. */
export async function signToken(key: CryptoKey | Uint8Array, claims: JWTPayload, options: SignOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { ...claims };
  if (options.expiresIn !== null) payload.exp = now + (options.expiresIn ?? 3600);
  if (options.issuedAgo !== null) payload.iat = now - (options.issuedAgo ?? 0);
  if (options.notBeforeIn !== undefined) payload.nbf = now + options.notBeforeIn;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'ES256', typ: 'JWT' })
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? LOCAL_AUDIENCE)
    .sign(key);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`) with valid-looking claims. */
export function unsignedToken(claims: JWTPayload): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: now, exp: now + 3600, ...claims })}.`;
}

/** A real token with its payload swapped for another and the original signature kept. */
export function tamperedToken(token: string, claims: JWTPayload): string {
  const [header, payload, signature] = token.split('.');
  const original = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as JWTPayload;
  return `${header}.${base64url({ ...original, ...claims })}.${signature}`;
}
