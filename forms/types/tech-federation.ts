// 农技协联合会: a county's or township's federation of rural technical associations.
import * as z from 'zod/mini';
import { commonShape, legalRepresentative } from '../common.js';
import { defineEntry } from '../entry.js';
import { count, evenWithOtherProblems, group, list, pastDate, text } from '../fields.js';

export const techFederation = defineEntry({
  type: 'tech-federation',
  description: '联合县（区）或乡镇内的农技协，统筹开展技术服务',
  hostLevels: ['county', 'township'],
  parkAllowedAt: [],
  schema: group('农技协联合会申请表', {
    ...commonShape,
    memberAssociationCount: count('会员协会数量', 2, 1000),
    memberAssociations: list('会员协会名单', text('会员协会名称', 2, 100), 2, 1000),
    legalRepresentative,
    establishedOn: z.optional(pastDate('成立日期')),
  }).check(
    z.superRefine((form, ctx) => {
    const names: unknown[] = Array.isArray(form.memberAssociations) ? form.memberAssociations : [];
    if (Number.isInteger(form.memberAssociationCount) && form.memberAssociationCount !== names.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['memberAssociationCount'],
        message: `会员协会数量（${form.memberAssociationCount}）与会员协会名单（${names.length}个）不一致`,
      });
    }
    for (const i of duplicateIndexes(names)) {
      ctx.addIssue({ code: 'custom', path: ['memberAssociations', i], message: `会员协会名称重复：${names[i]}` });
    }
  }, evenWithOtherProblems),
  ),
});

/** Indexes of the items that repeat an earlier one. */
function duplicateIndexes(values: unknown[]): number[] {
  const seen = new Set<unknown>();
  return values.flatMap((v, i) => (seen.has(v) ? [i] : (seen.add(v), [])));
}
