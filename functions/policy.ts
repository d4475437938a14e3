// Who may see, list and act on an application: decided here and nowhere else.
import type { Principal } from './auth.js';
import { DomainError, type Application } from './domain/application.js';

/** Owner, officials whose region contains the host region, and administrators. */
export function canView(principal: Principal, app: Pick<Application, 'regionCode' | 'applicant'>): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'applicant':
      return principal.org === app.applicant.org;
    case 'official':
      return !!principal.region && app.regionCode.startsWith(principal.region);
  }
}

/** What a caller may not see answers exactly as if it did not exist. */
export function assertVisible<T extends Pick<Application, 'regionCode' | 'applicant'>>(principal: Principal, app: T | undefined, id: string): T {
  if (!app || !canView(principal, app)) throw new DomainError('not_found', `申请 ${id} 不存在`);
  return app;
}

export function assertRole(principal: Principal, ...roles: Principal['role'][]): void {
  if (!roles.includes(principal.role)) {
    const names = { applicant: '申请单位', official: '审批人员', admin: '管理员' };
    throw new DomainError('forbidden', `仅限${roles.map((r) => names[r]).join('或')}操作`);
  }
}

export function isOwner(principal: Principal, app: Pick<Application, 'applicant'>): boolean {
  return principal.role === 'applicant' && principal.org === app.applicant.org;
}

/** The scope of `GET /v1/applications` for a caller. */
export type ListScope = { kind: 'owner'; org: string } | { kind: 'region'; prefix: string };

export function listScope(principal: Principal): ListScope {
  switch (principal.role) {
    case 'applicant':
      return { kind: 'owner', org: principal.org! };
    case 'official':
      return { kind: 'region', prefix: principal.region! };
    case 'admin':
      return { kind: 'region', prefix: '44' };
  }
}
