// 院士专家工作站: an academician-and-expert workstation in a county (optionally in a park) or a village.
import * as z from 'zod/mini';
import { personName } from '../common.js';
import { defineEntry } from '../entry.js';
import { choice, group, list, text } from '../fields.js';
import { park, stationShape } from '../station.js';

const academies = { CAS: '中国科学院院士', CAE: '中国工程院院士', other: '其他（如外籍院士）' };

export const academicianStation = defineEntry({
  type: 'academician-station',
  description: '院士及专家团队与地方合作开展技术攻关和成果转化',
  hostLevels: ['county', 'village'],
  parkAllowedAt: ['county'],
  schema: group('院士专家工作站申请表', {
    ...stationShape,
    academicians: list(
      '进站院士',
      group('院士', {
        name: personName('院士姓名'),
        academy: choice('院士类别', academies),
        field: text('院士研究领域', 2, 100),
      }),
      1,
      20,
    ),
    park: z.optional(park),
  }),
});
