// The annual report (年度报告) a station's organisation files each year: what it did, for whom, and what held it back.
import * as z from 'zod/mini';
import { count, group, list, text } from './fields.js';

const technology = group('引进推广的技术', {
  name: text('技术名称', 2, 100, '如水稻机插秧、柑橘黄龙病综合防控'),
  description: z.optional(text('技术说明', 2, 500)),
});

/** The report's form: every number a whole count of the year, texts as people type them. */
export const annualReportForm = group('年度报告', {
  services: text('服务开展情况', 10, 3000, '本年度开展的主要服务、成效'),
  expertDaysOnSite: count('专家驻点服务天数', 0, 100000, '全年专家在站点及服务地累计服务的人·天数'),
  trainings: count('举办培训次数', 0, 10000),
  peopleTrained: count('培训人数', 0, 1000000, '全年培训的农民、技术人员等人次'),
  technologies: list('引进推广的技术', technology, 0, 100),
  farmersServed: count('服务农户数', 0, 10000000),
  enterprisesServed: count('服务企业（合作社）数', 0, 100000),
  problems: z.optional(text('存在的问题和建议', 2, 2000, '服务中遇到的困难、需要的支持')),
});

export type AnnualReportForm = z.output<typeof annualReportForm>;

/** The body of `POST /v1/certificates/{no}/reports`: the year reported on and the form. */
export const annualReportSubmission = group('年度报告报送', {
  year: labelledYear(),
  form: annualReportForm,
});

function labelledYear() {
  return count('报告年度', 2000, 2100, '报告所属的自然年度，如2026');
}

export const annualReportFields: Record<keyof AnnualReportForm, string> = {
  services: '服务开展情况',
  expertDaysOnSite: '专家驻点服务天数',
  trainings: '举办培训次数',
  peopleTrained: '培训人数',
  technologies: '引进推广的技术',
  farmersServed: '服务农户数',
  enterprisesServed: '服务企业（合作社）数',
  problems: '存在的问题和建议',
};
