// A certificate's end: revoked by the province (撤销), dissolved by its organisation (注销), or its term run out (到期,
// by the sweeper). Each is one transaction conditional on the certificate's version: the record and its registry
// entries move to the new status, the history gains an entry, the counts and the plan's targets lose the station, its
// one-per-region place is freed and its organisation told. Two racing: one wins, the other reads where it stands.
import { typeBasics, isApplicationType } from '#forms/entry.js';
import type { Principal } from '../auth.js';
import { DomainError, type ApplicationRecord } from '../domain/application.js';
import { assertActive, endingFields, type CertificateEnding } from '../domain/certificate.js';
import { dissolvedNotices, revokedNotice, termEndedNotice, type NoticeDraft } from '../domain/notifications.js';
import { regionAtLevel } from '../domain/chain.js';
import { PROVINCE } from '../domain/region-codes.js';
import type { RegistryRecord } from '../domain/registry.js';
import { assertMayDissolve, assertMayRevoke } from '../policy.js';
import type { CertificateEvent, StoredCertificate } from '../store/registry.js';
import { actorOf } from './applications.js';
import type { Services } from './context.js';
import { noticeItems } from './notices.js';

export type CertificateServices = Pick<Services, 'config' | 'applications' | 'registry' | 'notifications' | 'now' | 'log'>;

const ATTEMPTS = 8;

interface Ending {
  status: CertificateEnding['status'];
  actor: CertificateEvent['actor'];
  reason: string | null;
  /** Refuses (403, 409) what may not be done to this certificate as it stands; returns false to leave it as it is. */
  check: (stored: StoredCertificate, app: ApplicationRecord, now: Date) => boolean;
  notices: (app: ApplicationRecord, record: RegistryRecord) => NoticeDraft[];
  /** The certificate must still be at the due turn the sweeper read. */
  dueTurn?: string;
}

const notFound = (certificateNo: string) => new DomainError('not_found', `证书编号 ${certificateNo.slice(0, 64)} 不存在`);

/** An ending certificate's years overdue, which leave the statistics' 逾期未报 with it. */
function overdueYears(record: RegistryRecord): number {
  return Object.values(record.reports ?? {}).filter((mark) => mark.status === 'OVERDUE').length;
}

/** Ends the certificate as `ending` says; undefined when `check` left it as it is. */
async function endCertificate(s: CertificateServices, certificateNo: string, ending: Ending): Promise<RegistryRecord | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const stored = await s.registry.getStoredCertificate(certificateNo);
    if (!stored) throw notFound(certificateNo);
    const app = await s.applications.get(stored.record.id);
    if (!app) throw new DomainError('unavailable', `证书 ${stored.record.certificateNo} 的申请记录暂时读不到，请稍后重试`);
    const now = s.now();
    if (!ending.check(stored, app, now)) return undefined;
    const at = now.toISOString();
    const ended: RegistryRecord = { ...stored.record, ...endingFields({ status: ending.status, at, reason: ending.reason }) };
    const notices = ending.notices(app, ended);
    const effects = [
      ...(await s.registry.stats.endItems(app, ending.status, overdueYears(stored.record))),
      ...(isApplicationType(app.type) && typeBasics[app.type].unique ? [s.applications.releaseGuardItem(app)] : []),
      ...noticeItems(s, app, notices, now),
      // No more annual report deadlines for a station that ended.
      s.registry.clearReportDueItem(ended.certificateNo),
    ];
    const event: CertificateEvent = { at, action: ({ REVOKED: 'revoke', DISSOLVED: 'dissolve', EXPIRED: 'expire' } as const)[ending.status], actor: ending.actor, reason: ending.reason };
    const outcome = await s.registry.endCertificate(stored, ended, event, effects, ending.dueTurn);
    if (outcome === 'recorded') {
      s.log.info('certificate ended', { certificateNo: ended.certificateNo, status: ended.status });
      return ended;
    }
    // Another change of the certificate (or of a counter it touches) came first: read again and see where it stands.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (attempt + 1)));
  }
  throw new DomainError('unavailable', `证书 ${certificateNo.slice(0, 64)} 正在被其他操作修改，请稍后重试`);
}

/** `POST /v1/certificates/{no}/revoke`: the province's officials and the administrators, with a reason. */
export async function revokeCertificate(s: CertificateServices, principal: Principal, certificateNo: string, reason: string): Promise<RegistryRecord> {
  assertMayRevoke(principal);
  const ended = await endCertificate(s, certificateNo, {
    status: 'REVOKED',
    actor: actorOf(principal),
    reason,
    check: (stored, _app, now) => {
      assertActive(stored.record, stored.record.certificateNo, now);
      return true;
    },
    notices: (app, record) => [revokedNotice(app, record.certificateNo, reason)],
  });
  return ended!;
}

/** `POST /v1/certificates/{no}/dissolve`: the organisation holding it, with its reason; its county and the province are told. */
export async function dissolveCertificate(s: CertificateServices, principal: Principal, certificateNo: string, reason: string): Promise<RegistryRecord> {
  const ended = await endCertificate(s, certificateNo, {
    status: 'DISSOLVED',
    actor: actorOf(principal),
    reason,
    check: (stored, app, now) => {
      assertMayDissolve(principal, app);
      assertActive(stored.record, stored.record.certificateNo, now);
      return true;
    },
    notices: (app, record) =>
      dissolvedNotices({ ...app, form: { ...app.form, name: record.name } }, [
        { level: 'county', region: regionAtLevel(record.regionCode, 'county')! },
        { level: 'province', region: PROVINCE },
      ], record.certificateNo, reason),
  });
  return ended!;
}

const system = { sub: 'system', name: '系统', role: 'system' };

/**
 * The sweeper's: the certificate's term ended (its due turn read as `dueTurn`). Acts only on a certificate still
 * ACTIVE whose validUntil has passed; anything else (revoked meanwhile, already expired by another sweeper) is left
 * as it is. 'expired' or 'unchanged'.
 */
export async function expireTerm(s: CertificateServices, certificateNo: string, dueTurn: string): Promise<'expired' | 'unchanged'> {
  const ended = await endCertificate(s, certificateNo, {
    status: 'EXPIRED',
    actor: system,
    reason: null,
    dueTurn,
    check: (stored, _app, now) => stored.record.status === 'ACTIVE' && !!stored.record.validUntil && stored.record.validUntil <= now.toISOString(),
    notices: (app, record) => [termEndedNotice(app, record.certificateNo, record.validUntil!)],
  });
  return ended ? 'expired' : 'unchanged';
}
