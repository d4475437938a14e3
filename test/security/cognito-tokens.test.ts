// The verifier the deployed API uses (Cognito's ID tokens, or an OpenID Connect provider's in the China
// regions), against a key set served on this machine: what it takes, what it refuses, and that an
// unreachable key set is an outage (503) rather than a bad token (401).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { cognitoVerifier, type VerifyToken } from '#functions/auth.js';
import { DomainError } from '#functions/domain/application.js';
import { freePort } from '#infra/local/stack.js';
import { ORG } from '../support/submissions.js';

const AUDIENCE = 'web-client-id';
let server: Server;
let issuer: string;
let verify: VerifyToken;
let rsa: CryptoKey;
let ec: CryptoKey;

beforeAll(async () => {
  const rsaPair = await generateKeyPair('RS256');
  const ecPair = await generateKeyPair('ES256');
  rsa = rsaPair.privateKey;
  ec = ecPair.privateKey;
  const keys = [
    { ...(await exportJWK(rsaPair.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ecPair.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
  ];
  const port = await freePort();
  server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  issuer = `http://127.0.0.1:${port}`;
  verify = cognitoVerifier(issuer, AUDIENCE);
});
afterAll(() => new Promise<void>((done) => server?.close(() => done())));

function idToken(claims: JWTPayload, options: { key?: CryptoKey; alg?: string; kid?: string; audience?: string | null } = {}) {
  const jwt = new SignJWT({ token_use: 'id', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'rsa-1' })
    .setIssuer(issuer)
    .setIssuedAt()
    .setExpirationTime('1h');
  if (options.audience !== null) jwt.setAudience(options.audience ?? AUDIENCE);
  return jwt.sign(options.key ?? rsa);
}

const countyOfficial = { sub: 'c0ffee', 'cognito:username': 'lianzhou-kexie', name: '连州市科协', 'custom:role': 'official', 'custom:level': 'county', 'custom:region': '441882' };

async function refusal(token: Promise<string> | string): Promise<string> {
  try {
    await verify(await token);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('Cognito ID tokens', () => {
  it('take role, level and region from the custom attributes', async () => {
    expect(await verify(await idToken(countyOfficial))).toEqual({ sub: 'c0ffee', name: '连州市科协', role: 'official', level: 'county', region: '441882' });
  });

  it('take an applicant’s organisation from custom:org', async () => {
    const principal = await verify(await idToken({ sub: 'a1', 'cognito:username': 'shantang', 'custom:role': 'applicant', 'custom:org': ORG }));
    expect(principal).toEqual({ sub: 'a1', name: 'shantang', role: 'applicant', org: ORG });
  });

  it('take a village account’s village from custom:region', async () => {
    const principal = await verify(await idToken({ sub: 'v1', 'cognito:username': 'dongetang', 'custom:role': 'village', 'custom:region': '441882102206', name: '东峉塘村委会' }));
    expect(principal).toEqual({ sub: 'v1', name: '东峉塘村委会', role: 'village', region: '441882102206' });
  });

  it('also take plain claims from an OpenID Connect provider signing with ES256', async () => {
    const principal = await verify(await idToken({ sub: 'p1', role: 'official', level: 'province', region: '44', token_use: undefined }, { key: ec, alg: 'ES256', kid: 'ec-1' }));
    expect(principal).toMatchObject({ role: 'official', level: 'province', region: '44' });
  });
});

describe('refused with 401', () => {
  it('an access token (no audience, token_use access, no custom claims)', async () => {
    const token = new SignJWT({ token_use: 'access', client_id: AUDIENCE, sub: 'c0ffee', scope: 'openid' })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(rsa);
    expect(await refusal(token)).toBe('unauthorized');
  });

  it('an ID token of another app client', async () => {
    expect(await refusal(idToken(countyOfficial, { audience: 'another-client' }))).toBe('unauthorized');
  });

  it('a token signed by a key not in the set, under a kid that is', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    expect(await refusal(idToken(countyOfficial, { key: privateKey }))).toBe('unauthorized');
  });

  it('a token whose custom attributes contradict its plain claims', async () => {
    expect(await refusal(idToken({ ...countyOfficial, role: 'admin' }))).toBe('unauthorized');
  });

  it('a village account whose region is not a village', async () => {
    expect(await refusal(idToken({ sub: 'v1', 'custom:role': 'village', 'custom:region': '441882102' }))).toBe('unauthorized');
  });

  it('an official whose region is not of their level', async () => {
    expect(await refusal(idToken({ ...countyOfficial, 'custom:region': '441882102' }))).toBe('unauthorized');
  });
});

it('answers 503, not 401, when the key set cannot be fetched', async () => {
  const unreachable = cognitoVerifier(`http://127.0.0.1:${await freePort()}`, AUDIENCE);
  await expect(unreachable(await idToken(countyOfficial))).rejects.toMatchObject({ code: 'unavailable' });
});
