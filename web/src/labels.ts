// Every word the pages show for the API's codes, and how times are shown (China Standard Time).
import { certificateStatusNames } from '#functions/domain/certificate.js';
import { evaluationGradeNames } from '#functions/domain/process.js';
import { decidingLevelNames } from '#functions/domain/chain.js';
import type { Action, NotificationKind, RegionLevel, Role, Status } from './types';

export const statusLabel: Record<Status, string> = {
  PENDING: '审批中',
  RETURNED: '退回修改',
  APPROVED: '已通过',
  REJECTED: '不予通过',
  WITHDRAWN: '已撤回',
  EXPIRED: '已超时',
};

/** The deciding levels as the API's messages name them (functions/domain/chain.ts). */
export const levelLabel = decidingLevelNames;

/** A region's level as the pages name it: a county is 县（市、区） here, 县（区） in the API's messages (functions/domain/region-codes.ts). */
export const regionLevelLabel: Record<RegionLevel, string> = {
  province: '省',
  city: '地级市',
  county: '县（市、区）',
  township: '乡镇（街道）',
  village: '村（社区）',
};

export const actionLabel: Record<Action, string> = {
  submit: '提交申请',
  approve: '审核通过',
  reject: '不予通过',
  return: '退回修改',
  resubmit: '修改后重新提交',
  withdraw: '撤回申请',
  expire: '超过办理时限',
  escalate: '超期上报',
  urge: '申请单位催办',
};

export const notificationKindLabel: Record<NotificationKind, string> = {
  task: '新待办',
  returned: '退回修改',
  approved: '已批准',
  rejected: '不予通过',
  expired: '已超期',
  reminder: '即将到期',
  overdue: '超期督办',
  urge: '催办',
  cc: '抄送',
  escalating: '即将超期上报',
  escalated: '超期上报',
  revoked: '证书撤销',
  'term-ended': '服务期届满',
  'report-overdue': '年度报告逾期未报',
  'revocation-proposed': '提请撤销',
  dissolved: '站点注销',
  'demand-response': '需求新响应',
  'demand-matched': '需求对接',
  'demand-closed': '需求办结',
  'demand-unanswered': '需求超期无响应',
  'demand-pending': '需求待确认',
  'demand-confirm-overdue': '需求确认超期',
  'demand-approved': '需求已发布',
  'demand-returned': '需求退回修改',
  'demand-rejected': '需求未通过',
};

export const roleLabel: Record<Role, string> = { applicant: '申请单位', official: '审批人员', admin: '管理员', village: '村委会' };

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });

export const formatTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');
/** A task's countdown as the inbox and the application page show it. */
export const countdownOf = (task: { overdue: boolean; workingDaysLeft: number }) =>
  task.overdue ? '已超期' : task.workingDaysLeft === 0 ? '今天到期' : `还剩 ${task.workingDaysLeft} 个工作日`;

export const formatDate = (iso: string | null | undefined) => (iso ? dateOnly.format(new Date(iso)) : '—');

/** 期满评估's grades: 优秀, 合格, 不合格. */
export const gradeLabel = evaluationGradeNames;

/** A certificate's status as the registry and the certificate page show it. */
export const certificateStatusLabel = certificateStatusNames;

/** 受理号 as read out on the phone: in groups of four (functions/domain/case-number.ts formatCaseNumber). */
export const formatCaseNo = (caseNo: string | null | undefined) => (caseNo ? caseNo.replace(/(\d{4})(?=\d)/g, '$1 ') : '—');
