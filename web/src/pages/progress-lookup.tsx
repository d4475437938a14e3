import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { formatCaseNo, formatTime, statusLabel } from '../labels';
import type { LevelState, ProgressLookup } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, StatusBadge, useAsync } from '../ui';

const stateLabel: Record<LevelState, string> = {
  approved: '已通过',
  pending: '审批中',
  returned: '退回修改',
  rejected: '不予通过',
  expired: '超过办理时限',
  withdrawn: '已撤回',
  escalated: '超期上报',
  waiting: '待审批',
  not_reached: '未到达',
};

/** 办件查询: anyone with the case number and the organisation's credit code sees where the application stands. */
export function ProgressLookupPage() {
  const [caseNo, setCaseNo] = useState('');
  const [creditCode, setCreditCode] = useState('');
  const [asked, setAsked] = useState<{ caseNo: string; creditCode: string; round: number }>();
  const answer = useAsync(() => (asked ? api.progress(asked.caseNo, asked.creditCode) : Promise.resolve(undefined)), [asked]);
  const forms = useAsync(() => api.forms(), []);
  return (
    <section class="narrow">
      <PageTitle title="办件查询">办件查询</PageTitle>
      <p>输入受理号和申请单位的统一社会信用代码，无需登录即可查看申请的办理进度（只显示办理状态和各级审批情况）。</p>
      <form
        class="lookup"
        onSubmit={(event) => {
          event.preventDefault();
          setAsked({ caseNo: caseNo.trim(), creditCode: creditCode.trim(), round: (asked?.round ?? 0) + 1 });
        }}
      >
        <div class="field">
          <label for="lookup-case-no">受理号</label>
          <input id="lookup-case-no" type="text" inputMode="numeric" autoComplete="off" value={caseNo} placeholder="如 2026 0483 1295" onInput={(e) => setCaseNo(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="lookup-credit-code">统一社会信用代码</label>
          <input id="lookup-credit-code" type="text" autoComplete="off" value={creditCode} maxLength={18} onInput={(e) => setCreditCode(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          查询
        </button>
      </form>
      {asked && answer.loading ? <Loading what="办理进度" /> : null}
      {asked && answer.error ? (
        answer.error instanceof ApiError && answer.error.status === 404 ? <Notice kind="warning">{answer.error.message}</Notice> : <ErrorNotice error={answer.error} />
      ) : null}
      {answer.data ? <ProgressResult progress={answer.data} typeName={forms.data?.find((f) => f.type === answer.data!.type)?.name} /> : null}
    </section>
  );
}

function ProgressResult({ progress, typeName }: { progress: ProgressLookup; typeName?: string }) {
  return (
    <article class="card" aria-labelledby="progress-title">
      <header class="card-head">
        <h2 id="progress-title">
          受理号 <span class="case-no">{formatCaseNo(progress.caseNo)}</span>
        </h2>
        <StatusBadge status={progress.status} />
      </header>
      <p class="card-meta">
        {typeName ?? progress.type} · {formatTime(progress.submittedAt)} 提交 · 最近更新 {formatTime(progress.updatedAt)}
      </p>
      <p role="status">当前状态：{statusLabel[progress.status]}</p>
      <ol class="progress-levels">
        {progress.levels.map((level) => (
          <li key={level.level}>
            <strong>{level.name}</strong>：{stateLabel[level.state]}
            {level.at ? <span class="muted">（{formatTime(level.at)}）</span> : null}
          </li>
        ))}
      </ol>
    </article>
  );
}
