// A certificate's life after approval: its term (服务期), its status (有效 / 已撤销 / 已到期 / 已注销), what may end it
// and what the public reads about it. Pure: no AWS, no HTTP (the store writes what these decide).
import { isApplicationType, typeBasics, type ApplicationType } from '#forms/entry.js';
import { DomainError } from './application.js';
import { cstDate } from './china-time.js';

export const certificateStatuses = ['ACTIVE', 'REVOKED', 'EXPIRED', 'DISSOLVED'] as const;
export type CertificateStatus = (typeof certificateStatuses)[number];

export const certificateStatusNames: Record<CertificateStatus, string> = {
  ACTIVE: '有效',
  REVOKED: '已撤销',
  EXPIRED: '已到期',
  DISSOLVED: '已注销',
};

export function isCertificateStatus(value: unknown): value is CertificateStatus {
  return certificateStatuses.includes(value as CertificateStatus);
}

/** A term in years (the catalogue's), or in seconds (configuration, for demonstrations and tests); null: no term. */
export type Term = { years: number } | { seconds: number } | null;
export type Terms = Partial<Record<ApplicationType, Term>>;

/** The catalogue's term of a type, unless configuration (TERMS) says otherwise. */
export function termOf(type: string, overrides: Terms = {}): Term {
  if (!isApplicationType(type)) return null;
  if (type in overrides) return overrides[type] ?? null;
  const years = typeBasics[type].termYears;
  return years ? { years } : null;
}

/** When a term that starts at `start` ends (the same instant `years` later, or `seconds` later); null without a term. */
export function validUntilOf(start: string, term: Term): string | null {
  if (!term) return null;
  const at = new Date(start);
  if ('seconds' in term) return new Date(at.getTime() + term.seconds * 1000).toISOString();
  at.setUTCFullYear(at.getUTCFullYear() + term.years);
  return at.toISOString();
}

/** Parses `academician-station=30s,society-station=5y,expert-station=none` over the catalogue's terms. */
export function parseTerms(text: string | undefined): Terms {
  const terms: Terms = {};
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)=(?:(none)|(\d+)(y|s))$/.exec(part);
    if (!match || !isApplicationType(match[1])) throw new Error(`TERMS: cannot read "${part}" (expected e.g. academician-station=3y, academician-station=30s or township-association=none, with a type of the catalogue)`);
    const [, type, none, n, unit] = match;
    if (!none && Number(n) < 1) throw new Error(`TERMS: "${part}" must be at least 1`);
    terms[type as ApplicationType] = none ? null : unit === 'y' ? { years: Number(n) } : { seconds: Number(n) };
  }
  return terms;
}

/** What ended a certificate, as its record keeps it. */
export interface CertificateEnding {
  status: Exclude<CertificateStatus, 'ACTIVE'>;
  at: string;
  reason: string | null;
}

/** The fields of a record that say where it stands. */
export interface CertificateState {
  status: CertificateStatus;
  validUntil: string | null;
  revokedAt?: string;
  dissolvedAt?: string;
  expiredAt?: string;
  reason?: string;
}

/**
 * The status as of `now`: a term that ended is EXPIRED even before the sweeper has recorded it (at most a sweep's
 * interval), so the public page never calls a certificate valid past its term.
 */
export function statusAt(state: CertificateState, now: Date): CertificateStatus {
  if (state.status === 'ACTIVE' && state.validUntil && state.validUntil <= now.toISOString()) return 'EXPIRED';
  return state.status;
}

/** One plain sentence on whether a certificate is valid now, and why not. */
export function validityText(state: CertificateState, now: Date): string {
  const day = (iso: string) => cstDate(new Date(iso));
  switch (statusAt(state, now)) {
    case 'ACTIVE':
      return state.validUntil ? `证书有效，服务期至 ${day(state.validUntil)}` : '证书有效（长期）';
    case 'REVOKED':
      return `证书已于 ${day(state.revokedAt ?? now.toISOString())} 撤销，原因：${state.reason ?? '未说明'}`;
    case 'DISSOLVED':
      return `证书已于 ${day(state.dissolvedAt ?? now.toISOString())} 注销（申请单位自行注销）${state.reason ? `，原因：${state.reason}` : ''}`;
    case 'EXPIRED':
      return `服务期已于 ${day(state.validUntil ?? state.expiredAt ?? now.toISOString())} 届满，证书已到期`;
  }
}

/** The fields an ending adds to the record. */
export function endingFields(ending: CertificateEnding): Partial<CertificateState> {
  switch (ending.status) {
    case 'REVOKED':
      return { status: 'REVOKED', revokedAt: ending.at, reason: ending.reason ?? undefined };
    case 'DISSOLVED':
      return { status: 'DISSOLVED', dissolvedAt: ending.at, ...(ending.reason ? { reason: ending.reason } : {}) };
    case 'EXPIRED':
      return { status: 'EXPIRED', expiredAt: ending.at };
  }
}

/** Only an active certificate may be ended; anything else is a 409 that says where it stands. */
export function assertActive(state: CertificateState, certificateNo: string, now: Date): void {
  const status = statusAt(state, now);
  if (status !== 'ACTIVE') {
    throw new DomainError('conflict', `证书 ${certificateNo} ${certificateStatusNames[status]}，不能再撤销或注销`, { status });
  }
}
