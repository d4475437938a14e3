// The part of the form every type shares (api.md, "The form"): who applies, whom to contact, what for, with which experts.
import * as z from 'zod/mini';
import { creditCode, email, group, list, mobile, text } from './fields.js';

export const personName = (title: string) => text(title, 2, 30);

export const expert = group('专家', {
  name: personName('专家姓名'),
  title: text('专家职称', 2, 50, '如研究员、教授、高级农艺师'),
  affiliation: text('专家工作单位', 2, 100),
  specialty: text('专家专业领域', 2, 100, '如果树栽培、水产养殖'),
});

export const commonShape = {
  name: text('站点或协会名称', 2, 100, '全称，如连州市大路边镇农村科技特派员工作站'),
  organisation: group('申请单位', {
    name: text('申请单位名称', 2, 100, '与营业执照或登记证书一致'),
    creditCode: creditCode('申请单位统一社会信用代码'),
  }),
  contact: group('联系人', {
    name: personName('联系人姓名'),
    mobile: mobile('联系人手机号'),
    email: z.optional(email('联系人电子邮箱')),
  }),
  address: text('详细地址', 5, 200, '办公或服务场所的详细地址'),
  summary: text('申请概述', 10, 2000, '将开展哪些工作、为谁服务'),
  // Associations need not name experts; stations require at least one.
  experts: z._default(list('专家名单', expert, 0, 200), () => []),
};

export { industries } from './industries.js';

export const legalRepresentative = group('法定代表人', {
  name: personName('法定代表人姓名'),
  mobile: mobile('法定代表人手机号'),
});
