// Who is signed in, in one place. Local mode asks the local stack's dev issuer (POST /v1/dev/token) for a
// demo account's token; Cognito mode goes through the hosted sign-in (authorization code with PKCE).
import { useEffect, useState } from 'preact/hooks';
import { loadConfig, type AuthConfig } from './config';
import type { Claims } from './types';

export interface Session {
  token: string;
  claims: Claims;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface DemoAccount {
  label: string;
  description: string;
  claims: Claims;
}

/** The local mode's accounts: applicant organisations, a village of 大路边镇 (连州市, 清远市), an official per level above it, an administrator. */
export const demoAccounts: DemoAccount[] = [
  {
    label: '寒鸭村菜心专业技术协会',
    description: '申请单位 · 统一社会信用代码 51441882MJ1234567W',
    claims: { role: 'applicant', org: '51441882MJ1234567W', name: '寒鸭村菜心专业技术协会' },
  },
  {
    label: '连州市农业科技发展有限公司',
    description: '申请单位 · 统一社会信用代码 91441882MA4UA1B2C9',
    claims: { role: 'applicant', org: '91441882MA4UA1B2C9', name: '连州市农业科技发展有限公司' },
  },
  {
    label: '东峉塘村委会',
    description: '村账号 · 连州市大路边镇东峉塘村（441882102206）：提交本村需求，由所在乡镇确认后发布',
    claims: { role: 'village', region: '441882102206', name: '东峉塘村委会' },
  },
  {
    label: '大路边镇科协',
    description: '乡镇审批 · 连州市大路边镇（441882102）',
    claims: { role: 'official', level: 'township', region: '441882102', name: '大路边镇科协' },
  },
  {
    label: '连州市科协',
    description: '县级审批 · 清远市连州市（441882）',
    claims: { role: 'official', level: 'county', region: '441882', name: '连州市科协' },
  },
  {
    label: '广东省科协',
    description: '省级审批 · 广东省（44）',
    claims: { role: 'official', level: 'province', region: '44', name: '广东省科协' },
  },
  {
    label: '省科协管理员',
    description: '管理员 · 备案查询、导出与进度统计',
    claims: { role: 'admin', name: '省科协管理员' },
  },
];

const STORAGE_KEY = 'gd-kexie.session';
const VERIFIER_KEY = 'gd-kexie.pkce';
const listeners = new Set<() => void>();
let session: Session | null = restore();

function restore(): Session | null {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as Session | null;
    return saved && saved.expiresAt > Date.now() ? saved : null;
  } catch {
    return null;
  }
}

function setSession(next: Session | null) {
  session = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener();
}

function base64UrlDecode(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Reads a token's claims for display and navigation only: the API verifies the signature. Cognito spells them `custom:role`. */
function sessionFromToken(token: string): Session {
  const payload = JSON.parse(base64UrlDecode(token.split('.')[1] ?? '')) as Record<string, unknown>;
  const read = (name: string) => (payload[name] ?? payload[`custom:${name}`]) as string | undefined;
  const role = read('role');
  if (role !== 'applicant' && role !== 'official' && role !== 'admin' && role !== 'village') throw new Error('登录凭证中没有有效的角色');
  const claims: Claims = {
    sub: payload.sub as string | undefined,
    role,
    name: read('name') ?? (payload['cognito:username'] as string | undefined) ?? '用户',
    org: read('org'),
    level: read('level') as Claims['level'],
    region: read('region'),
  };
  const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 3600_000;
  return { token, claims, expiresAt: exp };
}

export function currentSession(): Session | null {
  if (session && session.expiresAt <= Date.now()) setSession(null);
  return session;
}

export function useSession(): Session | null {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return currentSession();
}

export async function authMode(): Promise<AuthConfig['mode']> {
  return (await loadConfig()).auth.mode;
}

/** Local mode: a token for one of the demo accounts from the local stack's dev issuer. */
export async function signInAs(claims: Claims): Promise<Session> {
  const response = await fetch('/v1/dev/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(claims),
  });
  if (!response.ok) throw new Error(response.status === 404 ? '本地登录仅在本机运行（npm start）时可用' : `登录失败（${response.status}）`);
  const { token } = (await response.json()) as { token: string };
  const next = sessionFromToken(token);
  setSession(next);
  return next;
}

function randomString(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...data)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function challengeFor(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const redirectUri = () => `${location.origin}/`;

/** Cognito mode: off to the hosted sign-in page, which comes back to `/` with `?code=`. */
export async function signInWithCognito(): Promise<void> {
  const { auth } = await loadConfig();
  if (auth.mode !== 'cognito') throw new Error('未配置统一身份认证');
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(VERIFIER_KEY, JSON.stringify({ verifier, state }));
  const url = new URL('/oauth2/authorize', auth.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: (auth.scopes ?? ['openid', 'email', 'profile']).join(' '),
    state,
    code_challenge_method: 'S256',
    code_challenge: await challengeFor(verifier),
    // Managed login shows its pages in Chinese only when asked.
    lang: 'zh-CN',
  }).toString();
  location.assign(url.toString());
}

/** On load: completes a Cognito redirect (`?code=&state=`) if there is one. */
export async function completeSignIn(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const { auth } = await loadConfig();
  if (!code || auth.mode !== 'cognito') return;
  const saved = JSON.parse(sessionStorage.getItem(VERIFIER_KEY) ?? 'null') as { verifier: string; state: string } | null;
  sessionStorage.removeItem(VERIFIER_KEY);
  history.replaceState(null, '', '/');
  if (!saved || saved.state !== params.get('state')) throw new Error('登录回调无效，请重新登录');
  const response = await fetch(new URL('/oauth2/token', auth.domain), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error(`登录失败（${response.status}）`);
  // The ID token carries role, level, region and org; the API's authorizer takes it.
  const { id_token } = (await response.json()) as { id_token: string };
  setSession(sessionFromToken(id_token));
}

export async function signOut(): Promise<void> {
  setSession(null);
  const { auth } = await loadConfig();
  if (auth.mode === 'cognito') {
    const url = new URL('/logout', auth.domain);
    url.search = new URLSearchParams({ client_id: auth.clientId, logout_uri: redirectUri() }).toString();
    location.assign(url.toString());
  }
}

/** The API said the token is no longer good (401): forget it. */
export function expireSession(): void {
  setSession(null);
}
