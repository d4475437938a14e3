// 农技协: a village's (or township's) rural professional technical association, built around its "一村一品" product.
import * as z from 'zod/mini';
import { commonShape, industries, legalRepresentative } from '../common.js';
import { defineEntry } from '../entry.js';
import { choice, count, group, pastDate, text } from '../fields.js';

export const ruralTechAssociation = defineEntry({
  type: 'rural-tech-association',
  description: '围绕一村一品特色产业，组织农民开展技术交流与推广',
  hostLevels: ['village', 'township'],
  parkAllowedAt: [],
  schema: group('农村专业技术协会申请表', {
    ...commonShape,
    featuredProduct: text('一村一品特色产品', 2, 50, '如连州菜心、英德红茶'),
    industry: choice('所属产业', industries),
    memberCount: count('会员人数', 1, 100_000),
    legalRepresentative,
    establishedOn: z.optional(pastDate('成立日期')),
  }),
});
