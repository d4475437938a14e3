// What the S&T service stations add to the common form: who backs them, which experts serve, where, in which industries.
import * as z from 'zod/mini';
import { commonShape, expert, industries } from './common.js';
import { choice, group, list, text } from './fields.js';

const supportingOrganisationKinds = {
  society: '学会',
  university: '高校',
  institute: '科研院所',
  enterprise: '企业',
  other: '其他',
};

export const stationShape = {
  ...commonShape,
  experts: list('专家名单', expert, 1, 200, '进站服务的专家，至少一位'),
  supportingOrganisations: list(
    '依托单位',
    group('依托单位', {
      name: text('依托单位名称', 2, 100),
      kind: choice('依托单位类型', supportingOrganisationKinds),
    }),
    1,
    20,
    '提供专家和技术支撑的学会、高校、科研院所等',
  ),
  serviceIndustries: list('服务产业', choice('服务产业', industries), 1, 8).check(
    z.refine((all: string[]) => new Set(all).size === all.length, '服务产业不能重复'),
  ),
  serviceArea: text('服务范围', 2, 200, '服务的镇、村或园区'),
};

/** Only for a station hosted at county level (the catalogue's `parkAllowedAt`). */
export const park = group(
  '所在园区',
  {
    name: text('园区名称', 2, 100),
    kind: choice('园区类型', { 'modern-agriculture-park': '现代农业产业园', 'agri-tech-park': '农业科技园区' }),
  },
  '站点设在现代农业产业园或农业科技园区时填写（仅限县级）',
);

/** How many supporting organisations are societies, reading raw input (see evenWithOtherProblems). */
export function societyCount(form: { supportingOrganisations?: unknown }): number {
  const all = Array.isArray(form.supportingOrganisations) ? form.supportingOrganisations : [];
  return all.filter((o) => o?.kind === 'society').length;
}
