// 学会科技服务站: a society's S&T service station in a county (optionally in a park) or a township.
import * as z from 'zod/mini';
import { defineEntry } from '../entry.js';
import { evenWithOtherProblems, group } from '../fields.js';
import { park, societyCount, stationShape } from '../station.js';

export const societyStation = defineEntry({
  type: 'society-station',
  description: '学会依托专家团队在县（区）、乡镇或园区开展科技服务',
  hostLevels: ['county', 'township'],
  parkAllowedAt: ['county'],
  schema: group('学会科技服务站申请表', { ...stationShape, park: z.optional(park) }).check(
    z.superRefine((form, ctx) => {
    if (societyCount(form) < 1) {
      ctx.addIssue({ code: 'custom', path: ['supportingOrganisations'], message: '依托单位须至少包含一个学会' });
    }
  }, evenWithOtherProblems),
  ),
});
