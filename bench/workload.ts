// The work the benchmark drives: who calls, from where, with what form.
import { goodForms, creditCodes } from '#forms/fixtures.js';
import { childrenOf } from '#functions/regions/index.js';
import type { Api } from './lib.js';

export const ORG = creditCodes.provincialSociety;

/** A society station has no one-per-region rule, so any number can be submitted for one township. */
export function stationForm(n: number) {
  const form = structuredClone(goodForms['society-station']) as any;
  form.name = `广东省园艺学会基准测试科技服务站${n}`;
  return form;
}

/** Townships of different counties of 清远 (4418), so that each part of the bench has inboxes of its own. */
export function townships(count: number): { township: string; county: string }[] {
  const counties = childrenOf('4418').map((c) => c.code);
  return counties.slice(0, count).map((county) => ({ county, township: childrenOf(county)[0].code }));
}

/** Townships of one county, from its first: offices of their own in one part of the bench. */
export function townshipsOf(county: string, count: number): { township: string; county: string }[] {
  return childrenOf(county).slice(0, count).map((t) => ({ county, township: t.code }));
}

export type Role = 'applicant' | 'township' | 'county' | 'province' | 'admin';

export async function tokensFor(api: Api, place: { township: string; county: string }): Promise<Record<Role, string>> {
  return {
    applicant: await api.token({ role: 'applicant', org: ORG, name: '广东省园艺学会' }),
    township: await api.token({ role: 'official', level: 'township', region: place.township, name: '乡镇科协' }),
    county: await api.token({ role: 'official', level: 'county', region: place.county, name: '县科协' }),
    province: await api.token({ role: 'official', level: 'province', region: '44', name: '省科协' }),
    admin: await api.token({ role: 'admin', name: '省科协管理员' }),
  };
}

export function submit(api: Api, token: string, township: string, n: number) {
  return api.call('POST', '/v1/applications', { token, body: { type: 'society-station', regionCode: township, form: stationForm(n) } });
}
