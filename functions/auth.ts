// Who is calling: verifies the bearer token and reads the claims the app relies on, in both places
// (Cognito's tokens in AWS, the local dev issuer's on one machine).
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type CryptoKey, type KeyObject } from 'jose';
import * as z from 'zod/mini';
import { DomainError } from './domain/application.js';
import { decidingLevels, type DecidingLevel } from './domain/chain.js';
import { findRegion } from './regions/index.js';
import { creditCodeProblem } from '#forms/credit-code.js';
import { hasForbiddenCharacters } from '#forms/plain-text.js';

export interface Principal {
  sub: string;
  name: string;
  role: 'applicant' | 'official' | 'admin' | 'village';
  /** Applicants: the organisation's unified social credit code. */
  org?: string;
  /** Officials: the level and the region code of their office. */
  level?: DecidingLevel;
  /** Officials: their office's region code; village accounts (村委会): their village's 12-digit code. */
  region?: string;
}

export type VerifyToken = (token: string) => Promise<Principal>;

export const LOCAL_ISSUER = 'urn:gd-kexie:local-dev-issuer';
export const LOCAL_AUDIENCE = 'gd-kexie-api';

/** Clock skew accepted on `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** No token older than this is taken, whatever its `exp` says (Cognito's ID tokens live an hour, the dev issuer's 12). */
const MAX_TOKEN_AGE = '24h';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
/** A display name shows in every history entry its holder writes: the same characters as a typed name. */
const displayName = z.string().check(z.minLength(1), z.maxLength(64), z.refine<string>((name) => !hasForbiddenCharacters(name)));

const claimsSchema = z.object({
  sub: text(128),
  name: z.optional(displayName),
  role: z.enum(['applicant', 'official', 'admin', 'village']),
  org: z.optional(z.string()),
  level: z.optional(z.string()),
  region: z.optional(z.string()),
});

const refuse = (message: string) => new DomainError('unauthorized', message);

/**
 * Claims → principal, refusing any token whose claims do not fit its role:
 * - applicant: `org` a valid unified social credit code (its check character too), and no `level` or `region`;
 * - official: `level` and a `region` of that level that exists in Guangdong, and no `org`;
 * - admin: none of `org`, `level`, `region`;
 * - village (a village's account, 村委会, that posts its village's needs for its township to confirm): `region` a
 *   village's 12-digit code that exists in Guangdong, and no `org` or `level`.
 * A claim that does not belong to the role is refused rather than ignored: it means the account was set up
 * wrongly, and an administrator should see that at once rather than find an applicant who is also an office.
 * Cognito spells custom attributes `custom:role`; both spellings are read, and must agree when both are there.
 * Cognito access tokens (`token_use: access`) carry no custom claims and are refused; ID tokens are taken.
 */
export function principalFromClaims(payload: JWTPayload): Principal {
  const read = (name: string): unknown => {
    const plain = payload[name];
    const custom = payload[`custom:${name}`];
    if (plain !== undefined && custom !== undefined && plain !== custom) throw refuse(`登录凭证中的 ${name} 与 custom:${name} 不一致`);
    // A claim given as null is given (and refused by the schema), not taken for one left out.
    return plain !== undefined ? plain : custom;
  };
  if (payload.token_use !== undefined && payload.token_use !== 'id') throw refuse('请使用 ID 令牌（token_use 须为 id）');
  const parsed = claimsSchema.safeParse({
    sub: payload.sub,
    name: read('name') ?? payload['cognito:username'],
    role: read('role'),
    org: read('org'),
    level: read('level'),
    region: read('region'),
  });
  if (!parsed.success) throw refuse('登录凭证中的身份信息不完整或无效');
  const c = parsed.data;
  const principal: Principal = { sub: c.sub, name: c.name ?? c.sub, role: c.role };
  switch (c.role) {
    case 'applicant':
      if (!c.org || creditCodeProblem(c.org)) throw refuse('申请单位账号须有有效的统一社会信用代码（org）');
      if (c.level !== undefined || c.region !== undefined) throw refuse('申请单位账号不应带有审批层级或区划（level、region）');
      principal.org = c.org;
      break;
    case 'official': {
      const level = (decidingLevels as readonly string[]).includes(c.level ?? '') ? (c.level as DecidingLevel) : undefined;
      const region = c.region ? findRegion(c.region) : undefined;
      if (!level || !region || region.level !== level) throw refuse('审批人员账号的层级（level）与所属区划（region）不匹配或不在广东省内');
      if (c.org !== undefined) throw refuse('审批人员账号不应带有申请单位代码（org）');
      principal.level = level;
      principal.region = region.code;
      break;
    }
    case 'admin':
      if (c.org !== undefined || c.level !== undefined || c.region !== undefined) throw refuse('管理员账号不应带有 org、level 或 region');
      break;
    case 'village': {
      const region = c.region ? findRegion(c.region) : undefined;
      if (!region || region.level !== 'village') throw refuse('村账号的所属区划（region）须为广东省内的村级（12 位）区划代码');
      if (c.org !== undefined || c.level !== undefined) throw refuse('村账号不应带有申请单位代码或审批层级（org、level）');
      principal.region = region.code;
      break;
    }
  }
  return principal;
}

/** The key set could not be fetched: the caller may retry; this says nothing about the token. */
function keysUnavailable(error: unknown): boolean {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
  if (code === 'ERR_JWKS_TIMEOUT') return true;
  if (code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(message ?? '')) return true;
  return name === 'TypeError' && /fetch failed/.test(message ?? '');
}

function verifierWith(
  key: JWTVerifyGetKey | CryptoKey | KeyObject | Uint8Array,
  issuer: string,
  audience: string,
  algorithms: string[],
): VerifyToken {
  return async (token) => {
    let payload: JWTPayload;
    try {
      // Only the issuer's asymmetric algorithms: never `none`, never an HMAC keyed with the public key.
      ({ payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        issuer,
        audience,
        algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_TOKEN_AGE,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      if (keysUnavailable(error)) throw new DomainError('unavailable', '暂时无法校验登录凭证，请稍后重试');
      throw refuse('登录凭证无效或已过期，请重新登录');
    }
    return principalFromClaims(payload);
  };
}

/** Tokens of the Cognito user pool (`issuer` is the pool's URL; `audience` its app client id). */
export function cognitoVerifier(issuer: string, audience: string): VerifyToken {
  // The key set is made at the first token, not at import: it builds fetch's Headers, which loads Node's fetch
  // (undici and http2), tens of milliseconds of every cold start, public routes' included.
  let keySet: JWTVerifyGetKey | undefined;
  const jwks: JWTVerifyGetKey = (header, token) => (keySet ??= createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), { timeoutDuration: 3_000 }))(header, token);
  // Cognito signs with RS256; an OpenID Connect provider (the China regions) may use ES256.
  return verifierWith(jwks, issuer, audience, ['RS256', 'ES256']);
}

/** Tokens of the local dev issuer, verified with its public key. */
export function localVerifier(publicKey: CryptoKey | KeyObject): VerifyToken {
  return verifierWith(publicKey, LOCAL_ISSUER, LOCAL_AUDIENCE, ['ES256']);
}

export function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) throw new DomainError('unauthorized', '需要登录：请在 Authorization 头中提供 Bearer 令牌');
  return match[1];
}
