// A certificate's life, pure: terms from the catalogue and configuration, the status as of a moment, the sentence the
// public reads, and old records read as active.
import { describe, expect, it } from 'vitest';
import { parseTerms, statusAt, termOf, validUntilOf, validityText, type CertificateState } from '#functions/domain/certificate.js';
import { parseRegistryFilter, withLifeDefaults } from '#functions/domain/registry.js';
import { DomainError } from '#functions/domain/application.js';

describe('terms', () => {
  it('gives the workstations three years and the associations none', () => {
    expect(termOf('academician-station')).toEqual({ years: 3 });
    expect(termOf('science-e-station')).toEqual({ years: 3 });
    expect(termOf('township-association')).toBeNull();
    expect(termOf('rural-tech-association')).toBeNull();
  });

  it('takes configuration over the catalogue, in seconds, years or none', () => {
    const terms = parseTerms('academician-station=30s, society-station=5y,expert-station=none');

    expect(termOf('academician-station', terms)).toEqual({ seconds: 30 });
    expect(termOf('society-station', terms)).toEqual({ years: 5 });
    expect(termOf('expert-station', terms)).toBeNull();
    expect(termOf('commissioner-station', terms)).toEqual({ years: 3 });
  });

  it('refuses configuration it cannot read, naming the part', () => {
    expect(() => parseTerms('academician=3y')).toThrow(/TERMS: cannot read "academician=3y"/);
    expect(() => parseTerms('academician-station=3d')).toThrow(/TERMS/);
    expect(() => parseTerms('academician-station=0s')).toThrow(/at least 1/);
  });

  it('ends a term the same instant years later, or seconds later', () => {
    expect(validUntilOf('2026-12-01T02:00:00.000Z', { years: 3 })).toBe('2029-12-01T02:00:00.000Z');
    expect(validUntilOf('2026-12-01T02:00:00.000Z', { seconds: 30 })).toBe('2026-12-01T02:00:30.000Z');
    expect(validUntilOf('2026-12-01T02:00:00.000Z', null)).toBeNull();
  });
});

describe('status and what the public reads', () => {
  const active: CertificateState = { status: 'ACTIVE', validUntil: '2029-12-01T02:00:00.000Z' };

  it('is valid inside its term, expired from the instant it ends even before the sweeper records it', () => {
    expect(statusAt(active, new Date('2029-12-01T01:59:59.999Z'))).toBe('ACTIVE');
    expect(statusAt(active, new Date('2029-12-01T02:00:00.000Z'))).toBe('EXPIRED');
    expect(statusAt({ status: 'ACTIVE', validUntil: null }, new Date('2099-01-01T00:00:00Z'))).toBe('ACTIVE');
  });

  it('says why a certificate is not valid: revoked on a CST date for a reason, the term ended on a date', () => {
    const now = new Date('2030-01-01T00:00:00Z');

    expect(validityText({ status: 'REVOKED', validUntil: null, revokedAt: '2026-12-01T17:00:00.000Z', reason: '弄虚作假' }, now)).toBe('证书已于 2026-12-02 撤销，原因：弄虚作假');
    expect(validityText(active, now)).toBe('服务期已于 2029-12-01 届满，证书已到期');
    expect(validityText({ status: 'DISSOLVED', validUntil: null, dissolvedAt: '2026-12-01T02:00:00.000Z' }, now)).toBe('证书已于 2026-12-01 注销（申请单位自行注销）');
    expect(validityText(active, new Date('2027-01-01T00:00:00Z'))).toBe('证书有效，服务期至 2029-12-01');
    expect(validityText({ status: 'ACTIVE', validUntil: null }, now)).toBe('证书有效（长期）');
  });

  it('reads a record written before certificates had a life as active, with its type’s term from approval', () => {
    const old = { certificateNo: 'GDKX-2026-000001', id: '01J', type: 'expert-station', name: 'n', organisation: 'o', regionCode: '441882', approvedAt: '2026-11-01T00:00:00.000Z' };

    expect(withLifeDefaults(old)).toMatchObject({ status: 'ACTIVE', validUntil: '2029-11-01T00:00:00.000Z' });
    expect(withLifeDefaults({ ...old, type: 'tech-federation' })).toMatchObject({ status: 'ACTIVE', validUntil: null });
  });

  it('filters the registry by a status, and refuses an unknown one naming the choices', () => {
    expect(parseRegistryFilter({ type: undefined, region: undefined, from: undefined, to: undefined, status: ' REVOKED ' })).toEqual({ status: 'REVOKED' });
    try {
      parseRegistryFilter({ type: undefined, region: undefined, from: undefined, to: undefined, status: 'revoked' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).details.issues).toEqual([{ path: 'status', message: expect.stringContaining('ACTIVE（有效）') }]);
    }
  });
});
