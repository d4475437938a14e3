// 乡镇科协: a township's S&T association, chaired by the township leader in charge of S&T or agriculture.
import { commonShape, personName } from '../common.js';
import { defineEntry } from '../entry.js';
import { choice, count, group, list, text } from '../fields.js';

// The plan's "3+1": the heads of the agricultural technology station, the health centre and the
// middle school, plus a chief S&T expert or commissioners.
const viceChairRoles = {
  'agri-tech-station-head': '农技站站长',
  'hospital-director': '卫生院院长',
  'school-head': '中学校长',
  'chief-expert': '首席科技专家',
  commissioner: '科技特派员',
  other: '其他',
};

export const townshipAssociation = defineEntry({
  type: 'township-association',
  description: '在乡镇设立科协，组织本地科技工作者服务乡村振兴',
  hostLevels: ['township'],
  parkAllowedAt: [],
  schema: group('乡镇科协申请表', {
    ...commonShape,
    chair: group('主席', {
      name: personName('主席姓名'),
      post: text('主席职务', 2, 50, '分管科技或农业的乡镇领导，如副镇长'),
    }),
    viceChairs: list(
      '副主席',
      group('副主席', {
        name: personName('副主席姓名'),
        role: choice('副主席身份', viceChairRoles),
        affiliation: text('副主席工作单位', 2, 100),
      }),
      1,
      15,
      '一般由农技站站长、卫生院院长、中学校长和首席科技专家或科技特派员担任',
    ),
    memberCount: count('会员人数', 1, 100_000),
  }),
});
