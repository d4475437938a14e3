// 农技专家服务站: an agricultural expert service station in a county.
import { defineEntry } from '../entry.js';
import { group } from '../fields.js';
import { stationShape } from '../station.js';

export const expertStation = defineEntry({
  type: 'expert-station',
  description: '农技专家在县（区）开展农业技术咨询、培训和推广',
  hostLevels: ['county'],
  parkAllowedAt: [],
  schema: group('农技专家服务站申请表', stationShape),
});
