// 科普中国乡村e站: a village's science-popularisation point, one per village, kept by a local operator.
import { commonShape, personName } from '../common.js';
import { defineEntry } from '../entry.js';
import { count, group, mobile } from '../fields.js';

export const scienceEStation = defineEntry({
  type: 'science-e-station',
  description: '在行政村设立科普阵地，开展科普宣传和信息服务，每村一个',
  hostLevels: ['village'],
  parkAllowedAt: [],
  schema: group('科普中国乡村e站申请表', {
    ...commonShape,
    operator: group(
      '运营人',
      { name: personName('运营人姓名'), mobile: mobile('运营人手机号') },
      '负责日常运营的村科普信息员',
    ),
    venueArea: count('场地面积（平方米）', 10, 10_000),
  }),
});
