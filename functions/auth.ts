// Who is calling: verifies the bearer token and reads the claims the app relies on, in both places
// (Cognito's tokens in AWS, the local dev issuer's on one machine).
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type CryptoKey, type KeyObject } from 'jose';
import * as z from 'zod';
import { DomainError } from './domain/application.js';
import { decidingLevels, type DecidingLevel } from './domain/chain.js';
import { findRegion } from './regions/index.js';

export interface Principal {
  sub: string;
  name: string;
  role: 'applicant' | 'official' | 'admin';
  /** Applicants: the organisation's unified social credit code. */
  org?: string;
  /** Officials: the level and the region code of their office. */
  level?: DecidingLevel;
  region?: string;
}

export type VerifyToken = (token: string) => Promise<Principal>;

export const LOCAL_ISSUER = 'urn:gd-kexie:local-dev-issuer';
export const LOCAL_AUDIENCE = 'gd-kexie-api';

const claimsSchema = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().min(1).max(64).optional(),
  role: z.enum(['applicant', 'official', 'admin']),
  org: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/).optional(),
  level: z.enum(decidingLevels).optional(),
  region: z.string().regex(/^\d{2,12}$/).optional(),
});

const regionLevelOf: Record<DecidingLevel, string> = { township: 'township', county: 'county', province: 'province' };

/** Claims → principal. Cognito spells custom attributes `custom:role`; both spellings are read. */
export function principalFromClaims(payload: JWTPayload): Principal {
  const read = (name: string) => payload[name] ?? payload[`custom:${name}`];
  const parsed = claimsSchema.safeParse({
    sub: payload.sub,
    name: read('name') ?? payload['cognito:username'],
    role: read('role'),
    org: read('org'),
    level: read('level'),
    region: read('region'),
  });
  if (!parsed.success) throw new DomainError('unauthorized', '登录凭证中的身份信息不完整或无效');
  const c = parsed.data;
  const principal: Principal = { sub: c.sub, name: c.name ?? c.sub, role: c.role };
  if (c.role === 'applicant') {
    if (!c.org) throw new DomainError('unauthorized', '申请单位账号缺少统一社会信用代码（org）');
    principal.org = c.org;
  }
  if (c.role === 'official') {
    const region = c.region ? findRegion(c.region) : undefined;
    if (!c.level || !region || region.level !== regionLevelOf[c.level]) {
      throw new DomainError('unauthorized', '审批人员账号的层级（level）与所属区划（region）不匹配');
    }
    principal.level = c.level;
    principal.region = c.region;
  }
  return principal;
}

function verifierWith(key: JWTVerifyGetKey | CryptoKey | KeyObject | Uint8Array, issuer: string, audience: string): VerifyToken {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, { issuer, audience, algorithms: ['ES256', 'RS256'] }));
    } catch {
      throw new DomainError('unauthorized', '登录凭证无效或已过期，请重新登录');
    }
    return principalFromClaims(payload);
  };
}

/** Tokens of the Cognito user pool (`issuer` is the pool's URL; `audience` its app client id). */
export function cognitoVerifier(issuer: string, audience: string): VerifyToken {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), { timeoutDuration: 3_000 });
  const verify = verifierWith(jwks, issuer, audience);
  // Cognito ID tokens carry the app client id in `aud`; access tokens in `client_id` and no custom claims.
  return verify;
}

/** Tokens of the local dev issuer, verified with its public key. */
export function localVerifier(publicKey: CryptoKey | KeyObject): VerifyToken {
  return verifierWith(publicKey, LOCAL_ISSUER, LOCAL_AUDIENCE);
}

export function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) throw new DomainError('unauthorized', '需要登录：请在 Authorization 头中提供 Bearer 令牌');
  return match[1];
}
