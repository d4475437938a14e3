import { useState } from 'preact/hooks';
import { ApiError, api, type Decision } from '../api';
import type { Session } from '../auth';
import { fieldTitles } from '../form-value';
import { formatDate, formatTime, levelLabel } from '../labels';
import { History, Progress } from '../progress';
import { RegionName } from '../region-name';
import { Link, useLocation } from '../router';
import { SchemaView } from '../schema-form';
import type { Application, FormType, Issue } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, StatusBadge, messageOf, useAsync } from '../ui';

const FINAL = ['APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'];

export function ApplicationPage({ id, session }: { id: string; session: Session }) {
  const { query } = useLocation();
  const data = useAsync(() => Promise.all([api.application(id), api.forms()]), [id]);
  const [flash, setFlash] = useState<string | undefined>(
    query.has('submitted') ? '申请已提交，等待审批。' : query.has('resubmitted') ? '已重新提交，申请回到退回它的审批层级。' : undefined,
  );
  if (data.error) return <ErrorNotice error={data.error} />;
  if (!data.data) return <Loading what="申请" />;
  const [app, forms] = data.data;
  const formType = forms.find((f) => f.type === app.type);
  const history = app.history ?? [];
  const lastResubmit = [...history].reverse().find((h) => h.action === 'resubmit');
  const changed = new Set(lastResubmit?.changes ?? []);
  const role = session.claims.role;
  const awaitsMe = role === 'official' && app.status === 'PENDING' && app.currentLevel === session.claims.level;
  const mine = role === 'applicant' && app.applicant.org === session.claims.org;
  const name = String(app.form.name ?? '申请');

  const done = (message: string) => {
    setFlash(message);
    data.reload();
  };

  return (
    <section>
      <p class="breadcrumb">
        {role === 'official' ? <Link href="/inbox">待办</Link> : role === 'admin' ? <Link href="/registry">备案查询</Link> : <Link href="/applications">我的申请</Link>} / {name}
      </p>
      <div class="title-row">
        <PageTitle title={name}>{name}</PageTitle>
        <StatusBadge status={app.status} />
      </div>
      {flash ? <Notice kind="success">{flash}</Notice> : null}
      <p class="card-meta">
        {formType?.name ?? app.type} · <RegionName code={app.regionCode} /> · 申请单位 {app.applicant.name ?? app.applicant.org} · {formatTime(app.submittedAt)} 提交
      </p>
      {app.status === 'PENDING' && app.task ? (
        <p class={app.task.overdue ? 'overdue-line' : 'muted'}>
          当前在{levelLabel[app.task.level]}审批，办理期限 {formatDate(app.task.dueAt)}，最迟 {formatDate(app.task.expiresAt)}
          {app.task.overdue ? <span class="badge overdue">已超期</span> : null}
        </p>
      ) : null}
      {app.status === 'APPROVED' && app.certificateNo ? (
        <Notice kind="success">
          已通过省级审批，纳入全省备案。证书编号 <strong>{app.certificateNo}</strong>。
          <Link href={`/certificates/${encodeURIComponent(app.certificateNo)}`}>查验证书</Link>
          {' · '}
          <Link href={`/certificates/${encodeURIComponent(app.certificateNo)}/print`}>打印证书</Link>
        </Notice>
      ) : null}

      <div class="detail-grid">
        <div class="detail-main">
          <h2>审批进度</h2>
          <Progress app={app} />
          {mine && app.status === 'RETURNED' ? (
            <p>
              <Link href={`/applications/${app.id}/edit`} class="button primary">
                查看问题并修改
              </Link>
            </p>
          ) : null}
          {awaitsMe && formType ? <DecisionPanel app={app} formType={formType} onDone={done} /> : null}
          <h2>申请内容</h2>
          {lastResubmit && changed.size ? <p class="muted">标有“已修改”的栏目是最近一次重新提交时改动的内容。</p> : null}
          {formType ? <SchemaView schema={formType.schema} value={app.form} changed={changed} /> : <pre>{JSON.stringify(app.form, null, 2)}</pre>}
        </div>
        <aside class="detail-side">
          <h2>审批记录</h2>
          <History entries={history} schema={formType?.schema} />
          {mine && !FINAL.includes(app.status) ? <WithdrawButton id={app.id} onDone={done} /> : null}
        </aside>
      </div>
    </section>
  );
}

function WithdrawButton({ id, onDone }: { id: string; onDone: (message: string) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const withdraw = async () => {
    setBusy(true);
    try {
      await api.withdraw(id);
      onDone('申请已撤回。');
    } catch (e) {
      setError(messageOf(e));
    }
    setBusy(false);
  };
  return (
    <div class="withdraw">
      {error ? <Notice kind="error">{error}</Notice> : null}
      {confirming ? (
        <div role="group" aria-label="确认撤回">
          <p>撤回后审批终止，不能恢复。确定撤回这份申请吗？</p>
          <button type="button" class="danger" disabled={busy} onClick={() => void withdraw()}>
            确定撤回
          </button>{' '}
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            取消
          </button>
        </div>
      ) : (
        <button type="button" class="secondary danger-text" onClick={() => setConfirming(true)}>
          撤回申请
        </button>
      )}
    </div>
  );
}

type Action = Decision['action'];
const actionWords: Record<Action, string> = { approve: '通过', reject: '不予通过', return: '退回修改' };

/** Approve, reject, or return with every problem listed at once (一次性告知). */
function DecisionPanel({ app, formType, onDone }: { app: Application; formType: FormType; onDone: (message: string) => void }) {
  const [action, setAction] = useState<Action>('approve');
  const [comment, setComment] = useState('');
  const [problems, setProblems] = useState<Issue[]>([{ path: '', message: '' }]);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);
  const fields = fieldTitles(formType.schema);

  const decide = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setFieldErrors([]);
    const text = comment.trim();
    const issues = problems
      .filter((p) => p.message.trim())
      .map((p) => (p.path ? { path: p.path, message: p.message.trim() } : { message: p.message.trim() }));
    const decision: Decision =
      action === 'approve' ? { action, ...(text ? { comment: text } : {}) } : action === 'reject' ? { action, comment: text } : { action, comment: text, issues };
    try {
      await api.decide(app.id, decision);
      onDone(`已${actionWords[action]}。`);
    } catch (e) {
      setError(messageOf(e));
      if (e instanceof ApiError) setFieldErrors(e.issues);
      setBusy(false);
    }
  };
  const commentError = fieldErrors.filter((i) => i.path === 'comment').map((i) => i.message);
  const issuesError = fieldErrors.filter((i) => i.path?.startsWith('issues')).map((i) => i.message);

  return (
    <form class="decision" onSubmit={decide} noValidate aria-labelledby="decision-title">
      <h2 id="decision-title">{app.currentLevel ? levelLabel[app.currentLevel] : ''}审批意见</h2>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <fieldset class="group">
        <legend>审批结果</legend>
        <div class="radios">
          {(Object.keys(actionWords) as Action[]).map((a) => (
            <div class="check" key={a}>
              <input type="radio" id={`action-${a}`} name="action" value={a} checked={action === a} onChange={() => setAction(a)} />
              <label for={`action-${a}`}>{actionWords[a]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class={`field wide${commentError.length ? ' invalid' : ''}`}>
        <label for="decision-comment">
          审批意见{action === 'approve' ? <span class="optional">（选填）</span> : <span class="required" aria-hidden="true"> *</span>}
        </label>
        <textarea
          id="decision-comment"
          rows={3}
          value={comment}
          required={action !== 'approve'}
          aria-invalid={commentError.length ? true : undefined}
          aria-describedby={commentError.length ? 'decision-comment-error' : undefined}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        {commentError.length ? (
          <p class="field-error" id="decision-comment-error">
            {commentError.join('；')}
          </p>
        ) : null}
      </div>
      {action === 'return' ? (
        <fieldset class="group problems-editor">
          <legend>
            需修改的问题<span class="required" aria-hidden="true"> *</span>
          </legend>
          <p class="hint">一次性列出全部问题；可指明对应栏目，申请单位修改时会在该栏目旁看到。</p>
          {issuesError.length ? <p class="field-error">{issuesError.join('；')}</p> : null}
          {problems.map((problem, index) => (
            <div class="problem-row" key={index}>
              <div class="field">
                <label for={`problem-${index}-path`}>问题 {index + 1} 所在栏目</label>
                <select
                  id={`problem-${index}-path`}
                  value={problem.path}
                  onChange={(e) => setProblems(problems.map((p, i) => (i === index ? { ...p, path: e.currentTarget.value } : p)))}
                >
                  <option value="">（整体问题）</option>
                  {fields.map((f) => (
                    <option key={f.path} value={f.path}>
                      {f.title}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field grow">
                <label for={`problem-${index}-message`}>问题 {index + 1} 说明</label>
                <input
                  id={`problem-${index}-message`}
                  type="text"
                  value={problem.message}
                  onInput={(e) => setProblems(problems.map((p, i) => (i === index ? { ...p, message: e.currentTarget.value } : p)))}
                />
              </div>
              <button type="button" class="link danger" disabled={problems.length <= 1} onClick={() => setProblems(problems.filter((_, i) => i !== index))}>
                删除问题 {index + 1}
              </button>
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setProblems([...problems, { path: '', message: '' }])}>
            ＋ 添加问题
          </button>
        </fieldset>
      ) : null}
      <div class="actions">
        <button type="submit" class={action === 'approve' ? 'primary' : 'danger'} disabled={busy}>
          {busy ? '正在提交…' : `确认${actionWords[action]}`}
        </button>
      </div>
    </form>
  );
}
