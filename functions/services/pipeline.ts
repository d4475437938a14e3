// GET /v1/stats/pipeline?region=: one scope's approval pipeline (审批进度) for the offices and the administrators. The
// province (and the administrators) read any scope, a county office its own county; the counters are the ones the
// applications' own transactions keep (functions/store/pipeline.ts), read by key.
import { applicationTypes, typeBasics } from '#forms/entry.js';
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { scopePipeline, type ScopePipeline } from '../domain/pipeline.js';
import { processNames } from '../domain/process.js';
import { PROVINCE } from '../domain/region-codes.js';
import { childrenOf, findRegion } from '../regions/index.js';
import type { Services } from './context.js';

/** Every type the pipeline counts, the processes after approval by their own names. */
export const pipelineTypeNames: Record<string, string> = { ...Object.fromEntries(applicationTypes.map((type) => [type, typeBasics[type].name])), ...processNames };

export async function readScopePipeline(s: Pick<Services, 'registry'>, principal: Principal, asked: string | undefined): Promise<ScopePipeline> {
  if (principal.role !== 'official' && principal.role !== 'admin') throw new DomainError('forbidden', '审批进度仅限各级办公室和管理员查看');
  if (principal.role === 'official' && principal.level === 'township') throw new DomainError('forbidden', '审批进度按省、市、县（区）统计，请向所在县（区）科协了解');
  const region = asked?.trim() || (principal.role === 'official' ? principal.region! : PROVINCE);
  const found = findRegion(region);
  if (!found || (found.level !== 'province' && found.level !== 'city' && found.level !== 'county')) {
    throw new DomainError('validation', '查询条件有误', { issues: [{ path: 'region', message: '请给出省（44）、市（4位）或县（6位）区划代码' }] });
  }
  if (principal.role === 'official' && principal.region !== PROVINCE && !region.startsWith(principal.region!)) {
    throw new DomainError('forbidden', `只能查看本辖区（${principal.region}）的审批进度`);
  }
  // A county's townships are not counted apart: a county lists no rows under it.
  const children = found.level === 'county' ? [] : childrenOf(region);
  const counters = await s.registry.stats.readPipelineScopes([region, ...children.map((child) => child.code)]);
  return scopePipeline(counters, pipelineTypeNames, { code: region, name: found.name }, children);
}
