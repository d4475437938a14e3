// A change (变更) of a certified station: its name, contact, address (and with it, its host region) or experts. Only
// what changes is given; what is left out stays as it is.
import * as z from 'zod/mini';
import { expert, personName } from './common.js';
import { email, evenWithOtherProblems, group, list, mobile, text } from './fields.js';

import { changeableFields } from '../functions/domain/process.js';

export { changeableFields, changeFieldNames, type ChangeableField } from '../functions/domain/process.js';

export const certificateChangeForm = group('变更事项', {
  name: z.optional(text('站点或协会名称', 2, 100, '变更后的全称')),
  contact: z.optional(
    group('联系人', {
      name: personName('联系人姓名'),
      mobile: mobile('联系人手机号'),
      email: z.optional(email('联系人电子邮箱')),
    }),
  ),
  address: z.optional(text('详细地址', 5, 200, '变更后的办公或服务场所地址')),
  regionCode: z.optional(text('所在地区代码', 6, 12, '迁址到另一地区时填写：县6位、乡镇9位、村12位')),
  experts: z.optional(list('专家名单', expert, 0, 200, '变更后的完整专家名单')),
  reason: text('变更原因', 2, 500),
}).check(
  z.refine((form) => changeableFields.some((field) => (form as Record<string, unknown>)[field] !== undefined), {
    error: '请至少填写一项变更内容（名称、联系人、详细地址、所在地区或专家名单）',
    ...evenWithOtherProblems,
  }),
);

export type CertificateChangeForm = z.output<typeof certificateChangeForm>;

/** The body of `POST /v1/certificates/{no}/changes`. */
export const certificateChangeSubmission = group('变更申请', { form: certificateChangeForm });
