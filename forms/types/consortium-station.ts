// 乡村振兴学会联合体科技服务站: one per county, run by several societies together.
import * as z from 'zod/mini';
import { defineEntry } from '../entry.js';
import { evenWithOtherProblems, group } from '../fields.js';
import { societyCount, stationShape } from '../station.js';

export const consortiumStation = defineEntry({
  type: 'consortium-station',
  description: '多个学会联合在县（区）开展乡村振兴科技服务，每县一个',
  hostLevels: ['county'],
  parkAllowedAt: [],
  schema: group('乡村振兴学会联合体科技服务站申请表', stationShape).check(
    z.superRefine((form, ctx) => {
    // A consortium is of societies: one society alone is a society station.
    if (societyCount(form) < 2) {
      ctx.addIssue({ code: 'custom', path: ['supportingOrganisations'], message: '依托单位须至少包含两个学会' });
    }
  }, evenWithOtherProblems),
  ),
});
