// 常用意见: each office's stock comments, offered beside the decision's comment box (one tap fills it in), kept by the
// office's own officials. Until an office saves its own, a few suggestions are offered.
import { fieldIssues } from '#forms/fields.js';
import type { Principal } from '../auth.js';
import { DomainError } from '../domain/application.js';
import { officeCommentsInputSchema } from '../http/office-comment-schemas.js';
import type { OfficeCommentStore } from '../store/office-comments.js';
import type { Services } from './context.js';
import { officeOf } from './notifications.js';

export type OfficeCommentServices = Pick<Services, 'now' | 'log'> & { officeComments: OfficeCommentStore };

/** What an office that has saved none is offered. */
export const SUGGESTED_COMMENTS = ['材料齐全，符合设立条件，同意。', '经审核，情况属实，同意上报。', '材料不全，请按问题清单逐项补正后重新提交。', '不符合行动方案的设立条件，不予通过。'];

/** The office's own officials, and administrators. */
function assertMayKeep(principal: Principal, level: string, region: string) {
  if (principal.role === 'admin') return;
  if (principal.role === 'official' && principal.level === level && principal.region === region) return;
  throw new DomainError('forbidden', '只能查看和修改本办公室的常用意见');
}

export async function getOfficeComments(s: OfficeCommentServices, principal: Principal, level: string, region: string) {
  const office = officeOf(level, region);
  assertMayKeep(principal, level, region);
  const saved = await s.officeComments.get(level, region);
  return {
    office,
    comments: saved?.comments ?? SUGGESTED_COMMENTS,
    suggested: !saved,
    version: saved?.version ?? 0,
    updatedAt: saved?.updatedAt ?? null,
    updatedBy: saved ? { name: saved.updatedBy.name } : null,
  };
}

export async function saveOfficeComments(s: OfficeCommentServices, principal: Principal, level: string, region: string, body: unknown) {
  officeOf(level, region);
  assertMayKeep(principal, level, region);
  const parsed = officeCommentsInputSchema.safeParse(body);
  const issues = parsed.success ? [] : fieldIssues(parsed.error);
  // Repeats are told with the other problems (read from what was sent, trimmed as the schema trims).
  const given = (body as { comments?: unknown } | null)?.comments;
  const seen = new Set<string>();
  (Array.isArray(given) ? given : []).forEach((comment, i) => {
    if (typeof comment !== 'string') return;
    const text = comment.trim().normalize('NFC');
    if (seen.has(text) && !issues.some((issue) => issue.path === `comments.${i}`)) issues.push({ path: `comments.${i}`, message: '这条常用意见与前面的重复' });
    seen.add(text);
  });
  if (!parsed.success || issues.length) throw new DomainError('validation', '常用意见有误', { issues });
  const { version, comments } = parsed.data;
  const outcome = await s.officeComments.save(level, region, {
    comments,
    version: version + 1,
    updatedAt: s.now().toISOString(),
    updatedBy: { sub: principal.sub, name: principal.name },
  });
  if (outcome === 'stale') throw new DomainError('conflict', '常用意见刚被本办公室的其他人修改过，请刷新后再改');
  s.log.info('office comments saved', { level, region, count: comments.length });
  return getOfficeComments(s, principal, level, region);
}
