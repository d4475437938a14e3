// The local stack's token issuer (api.md: POST /v1/dev/token). The deployed stack has no such route:
// there Cognito issues the tokens. The signing key is kept in DATA_DIR so tokens survive a restart.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, localVerifier, principalFromClaims, type VerifyToken } from '#functions/auth.js';
import { DomainError } from '#functions/domain/application.js';
import { jsonBody } from '#functions/http/request.js';

export interface DevIssuer {
  verify: VerifyToken;
  sign: (claims: Record<string, unknown>, ttlSeconds?: number) => Promise<string>;
  routes: Hono;
}

export async function devIssuer(dataDir: string): Promise<DevIssuer> {
  const file = join(dataDir, 'dev-signing-key.json');
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(file, JSON.stringify(await exportJWK(privateKey)), { mode: 0o600 });
  }
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  const privateKey = (await importJWK(jwk, 'ES256')) as CryptoKey;
  const { d: _d, ...publicJwk } = jwk;
  const publicKey = (await importJWK(publicJwk, 'ES256')) as CryptoKey;

  const sign = async (claims: Record<string, unknown>, ttlSeconds = 12 * 3600) => {
    const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : `local-${claims.role}-${claims.region ?? claims.org ?? 'admin'}`;
    const payload = { ...claims, sub };
    principalFromClaims(payload); // refuse what the API would refuse
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(privateKey);
  };

  const routes = new Hono();
  routes.post('/token', async (c) => {
    const body = await jsonBody(c);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new DomainError('validation', '请求体须为声明对象');
    try {
      return c.json({ token: await sign(body as Record<string, unknown>) });
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError('validation', error.message);
      throw error;
    }
  });
  return { verify: localVerifier(publicKey), sign, routes };
}
