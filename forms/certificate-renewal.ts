// The renewal (期满评估与续期) a station's organisation files near the end of its term: its self-assessment of the
// term, which the county reviews and the province grades (优秀 / 合格 renew the term; 不合格 leaves a time to put
// things right; two 不合格 in a row propose revocation).
import * as z from 'zod/mini';
import { evaluationGradeNames } from '../functions/domain/process.js';
import { choice, count, group, text } from './fields.js';

export const certificateRenewalForm = group('服务期自评', {
  summary: text('服务期工作总结', 20, 5000, '服务期内开展的主要工作、取得的成效'),
  servicesGiven: count('服务期内开展服务次数', 0, 100000),
  expertDaysOnSite: count('专家驻点服务天数', 0, 1000000, '服务期内专家累计服务的人·天数'),
  peopleTrained: count('培训人数', 0, 10000000, '服务期内培训的农民、技术人员等人次'),
  selfGrade: choice('自评等级', evaluationGradeNames, '按评估标准自评：优秀、合格或不合格'),
  plan: text('下一服务期工作计划', 10, 3000),
  problems: z.optional(text('存在的问题和建议', 2, 2000)),
});

export type CertificateRenewalForm = z.output<typeof certificateRenewalForm>;

/** The body of `POST /v1/certificates/{no}/renewals`. */
export const certificateRenewalSubmission = group('续期申请', { form: certificateRenewalForm });
