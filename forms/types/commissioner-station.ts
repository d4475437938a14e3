// 农村科技特派员工作站: a rural S&T commissioners' workstation in a county (optionally in a park) or a township.
import * as z from 'zod/mini';
import { expert } from '../common.js';
import { defineEntry } from '../entry.js';
import { group, list } from '../fields.js';
import { park, stationShape } from '../station.js';

export const commissionerStation = defineEntry({
  type: 'commissioner-station',
  description: '科技特派员驻点开展技术指导、成果转化和人才培训',
  hostLevels: ['county', 'township'],
  parkAllowedAt: ['county'],
  schema: group('农村科技特派员工作站申请表', {
    ...stationShape,
    experts: list('科技特派员名单', expert, 1, 200, '进站服务的科技特派员，至少一位'),
    park: z.optional(park),
  }),
});
