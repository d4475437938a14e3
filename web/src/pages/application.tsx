import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Decision } from '../api';
import type { Session } from '../auth';
import { fieldTitles } from '../form-value';
import { countdownOf, formatCaseNo, formatDate, formatTime, gradeLabel, levelLabel } from '../labels';
import type { EvaluationGrade } from '#functions/domain/process.js';
import type { DocumentKind } from '#functions/domain/documents.js';
import { MaterialsView, pathTitle } from '../materials';
import { History, Progress, chainFor, transitOf } from '../progress';
import { RegionName } from '../region-name';
import { Link, useLocation } from '../router';
import { SchemaView } from '../schema-form';
import { StockComments } from '../stock-comments';
import type { Application, FormType, Issue } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, StatusBadge, messageOf, useAsync } from '../ui';

const FINAL = ['APPROVED', 'REJECTED', 'WITHDRAWN', 'EXPIRED'];

/** Waits before each look at an application the workflow is still moving: quick at first, then slower. */
const followDelays = [300, 600, 1000, 1500, 2500, 4000, 6000];
/** After this long the page stops looking and says so (the reconciler may take minutes to restart a workflow). */
const followForMs = 120_000;

/**
 * The application as recorded, followed while the workflow moves it (after a submission or a decision the API
 * answers before the workflow has opened the next level's task or recorded the approval): looked at again with
 * backoff until it settles, for `followForMs` at most; `stalled` then, until `follow()` starts again.
 */
function useFollowedApplication(id: string) {
  const [app, setApp] = useState<Application>();
  const [error, setError] = useState<unknown>();
  const [stalled, setStalled] = useState(false);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    setApp(undefined);
    setError(undefined);
    api.application(id).then(
      (found) => live && setApp(found),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const transit = app && transitOf(app);
  const moving = transit && `${transit}@${app.currentLevel}`;
  useEffect(() => {
    if (!moving) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const until = Date.now() + followForMs;
    setStalled(false);
    const look = (attempt: number) => {
      if (Date.now() > until) return setStalled(true);
      timer = setTimeout(() => {
        // A failed look (the network, a restart) is looked at again later, like one that found no change.
        api.application(id).then(
          (found) => {
            if (!live) return;
            setApp(found);
            look(attempt + 1);
          },
          () => live && look(attempt + 1),
        );
      }, followDelays[Math.min(attempt, followDelays.length - 1)]);
    };
    look(0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id, moving, round]);

  return { app, error, stalled, show: setApp, follow: () => setRound((n) => n + 1) };
}

export function ApplicationPage({ id, session }: { id: string; session: Session }) {
  const { query } = useLocation();
  const { app, error, stalled, show, follow } = useFollowedApplication(id);
  const forms = useAsync(() => api.allForms(), []);
  const [flash, setFlash] = useState<string | undefined>(
    query.has('submitted') ? '申请已提交，等待审批。' : query.has('resubmitted') ? '已重新提交，申请回到退回它的审批层级。' : undefined,
  );
  const live = useRef<HTMLDivElement>(null);
  /** After a decision: the inbox's next task (null: none left), so that the official goes on without going back. */
  const [next, setNext] = useState<Application | null>();
  const failure = error ?? forms.error;
  if (failure) return <ErrorNotice error={failure} />;
  if (!app || !forms.data) return <Loading what="申请" />;
  const formType = forms.data.find((f) => f.type === app.type);
  const history = app.history ?? [];
  const lastResubmit = [...history].reverse().find((h) => h.action === 'resubmit');
  const changed = new Set(lastResubmit?.changes ?? []);
  const role = session.claims.role;
  const awaitsMe = role === 'official' && app.status === 'PENDING' && !!app.task && app.task.level === session.claims.level;
  const mine = role === 'applicant' && app.applicant.org === session.claims.org;
  const name = (app.subject?.title ?? String(app.form.name ?? '申请'));
  const transit = transitOf(app);

  /** A change the API recorded: shown as answered, then followed to where the workflow takes it. */
  const done = (message: string, recorded: Application) => {
    setFlash(message);
    show(recorded);
    live.current?.focus();
  };
  const decided = (message: string, recorded: Application) => {
    done(message, recorded);
    // The list as the inbox shows it; a failure only leaves the link out (the menu still leads to 待办).
    api.tasks({ limit: 5 }).then(
      (page) => setNext(page.items.find((item) => item.id !== recorded.id) ?? null),
      () => setNext(undefined),
    );
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
      <p class="card-meta">
        受理号 <strong class="case-no">{formatCaseNo(app.caseNo)}</strong> · {formType?.name ?? app.type} · <RegionName code={app.regionCode} /> · 申请单位 {app.applicant.name ?? app.applicant.org} · {formatTime(app.submittedAt)} 提交
      </p>
      <DocumentButtons app={app} />
      {/* One live region kept on the page: what the workflow does next is read out as it happens. */}
      <div class="live-region" role="status" tabIndex={-1} ref={live}>
        {flash ? (
          <Notice kind="success" announced={false}>
            {flash}
            {query.has('submitted') && app.caseNo ? (
              <>
                {' '}受理号 <strong class="case-no">{formatCaseNo(app.caseNo)}</strong>：请记下，可凭它和统一社会信用代码在<Link href="/progress">办件查询</Link>查看进度。
              </>
            ) : null}
            {next ? (
              <>
                {' '}
                <Link href={`/applications/${next.id}?from=inbox`}>下一件待办：{next.subject?.title ?? String(next.form.name ?? '申请')}</Link>
              </>
            ) : next === null ? (
              <>
                {' '}待办已全部处理。<Link href="/inbox">返回待办</Link>
              </>
            ) : null}
          </Notice>
        ) : null}
        {transit && !stalled ? (
          <Notice announced={false}>
            {transit === 'recording' ? '省级审批已通过，正在登记备案、生成证书编号…' : `正在转交${levelLabel[app.currentLevel!]}审批…`}
          </Notice>
        ) : null}
        {transit && stalled ? (
          <Notice kind="warning" announced={false}>
            审批流程仍在处理，本页尚未更新。{' '}
            <button type="button" class="link" onClick={follow}>
              重新查看
            </button>
          </Notice>
        ) : null}
        {app.status === 'PENDING' && app.task ? (
          <p class={app.task.overdue ? 'overdue-line' : 'muted'}>
            当前在{levelLabel[app.task.level]}审批，办理期限 {formatDate(app.task.dueAt)}
            {app.task.overdue ? null : `（${countdownOf(app.task)}）`}，最迟 {formatDate(app.task.expiresAt)}
            {app.task.overdue ? <span class="badge overdue">已超期</span> : null}
            {awaitsMe ? (
              <>
                {' · '}
                <a href="#decision">阅读后在页末填写审批意见</a>
              </>
            ) : null}
          </p>
        ) : null}
        {app.status === 'APPROVED' && app.certificateNo ? (
          <Notice kind="success" announced={false}>
            已通过省级审批，纳入全省备案。证书编号 <strong>{app.certificateNo}</strong>。
            <Link href={`/certificates/${encodeURIComponent(app.certificateNo)}`}>查验证书</Link>
            {' · '}
            <Link href={`/certificates/${encodeURIComponent(app.certificateNo)}/print`}>打印证书</Link>
          </Notice>
        ) : null}
        {app.status === 'APPROVED' && app.subject ? (
          <Notice kind="success" announced={false}>
            {app.type === 'annual-report'
              ? `${app.subject.year} 年度报告已通过县级审核。`
              : app.type === 'certificate-renewal'
                ? `期满评估已完成：${gradeLabel[app.history?.findLast((e) => e.action === 'approve')?.grade ?? 'qualified']}。服务期以证书所示为准。`
                : '变更已获批准，证书及备案登记已显示变更后的内容，证书编号不变。'}
            <Link href={`/certificates/${encodeURIComponent(app.subject.certificateNo)}`}>查看证书 {app.subject.certificateNo}</Link>
          </Notice>
        ) : null}
      </div>

      <div class="detail-grid">
        <div class="detail-main">
          <h2>审批进度</h2>
          <Progress app={app} />
          {mine && app.status === 'PENDING' && app.task && app.urge ? (
            <UrgePanel app={app} urge={app.urge} onDone={(message) => api.application(app.id).then((found) => done(message, found))} />
          ) : null}
          {/* Near the top, not after the whole form and the history (2,000 px down on a phone). */}
          {mine && !FINAL.includes(app.status) ? <WithdrawButton id={app.id} onDone={done} /> : null}
          {mine && app.status === 'RETURNED' ? (
            <p>
              <Link href={`/applications/${app.id}/edit`} class="button primary">
                查看问题并修改
              </Link>
            </p>
          ) : null}
          <h2>申请内容</h2>
          {lastResubmit && changed.size ? <p class="muted">标有“已修改”的栏目是最近一次重新提交时改动的内容。</p> : null}
          {formType ? <SchemaView schema={formType.schema} value={app.form} changed={changed} /> : <pre>{JSON.stringify(app.form, null, 2)}</pre>}
          <h2>申报材料</h2>
          <MaterialsView app={app} formType={formType} changed={changed} />
          {/* After the content, so that it is read before it is decided. */}
          {awaitsMe && formType ? <DecisionPanel app={app} formType={formType} onDone={decided} /> : null}
        </div>
        <aside class="detail-side">
          <h2>审批记录</h2>
          <History entries={history} titleOf={formType ? (path) => pathTitle(formType, path) : undefined} replaced={app.replacedMaterials} />
        </aside>
      </div>
    </section>
  );
}

/**
 * 催办: the applicant presses the office that holds its application, once it has held it half its soft limit, once a
 * working day. Before that the button is disabled and says from when (the page enables it when that time comes).
 */
function UrgePanel({ app, urge, onDone }: { app: Application; urge: NonNullable<Application['urge']>; onDone: (message: string) => Promise<void> }) {
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const from = Date.parse(urge.from);
  useEffect(() => {
    const wait = from - Date.now();
    // A day or more away: the page is reloaded before then (setTimeout takes at most about 24.8 days anyway).
    if (wait <= 0 || wait > 86_400_000) return;
    const timer = setTimeout(() => setNow(Date.now()), wait + 50);
    return () => clearTimeout(timer);
  }, [from]);
  const level = levelLabel[app.task!.level];
  const allowed = now >= from;
  const reason =
    urge.wait === 'half-limit'
      ? `${level}收到申请未满审批期限的一半，${formatTime(urge.from)} 后可以催办。`
      : `今天已催办过，下一个工作日（${formatTime(urge.from)} 起）可以再次催办。`;
  const send = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const urged = await api.urge(app.id);
      await onDone(`已催办，${levelLabel[urged.level]}审批人员已收到催办通知。下一个工作日（${formatTime(urged.nextUrgeAt)} 起）可以再次催办。`);
    } catch (e) {
      setError(messageOf(e));
    }
    setBusy(false);
  };
  return (
    <div class="urge" role="group" aria-labelledby="urge-title">
      <h2 id="urge-title">催办</h2>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <p class="hint" id="urge-hint">
        {allowed ? `${level}已收到申请超过审批期限的一半，可以提醒其尽快办理（每个工作日一次）。` : reason}
      </p>
      <button type="button" class="secondary" disabled={!allowed || busy} aria-describedby="urge-hint" onClick={() => void send()}>
        {busy ? '正在催办…' : `催办${level}`}
      </button>
    </div>
  );
}

/** The documents of an application (申请表, 受理回执, and once returned its 补正告知书), each button's words. */
const documentButtons: { kind: DocumentKind; label: string }[] = [
  { kind: 'application-form', label: '打印申请表' },
  { kind: 'receipt', label: '下载受理回执' },
  { kind: 'return-notice', label: '补正告知书' },
];

/**
 * The printable documents, each a PDF the API makes (it needs the bearer token, so it is fetched, then shown in a new
 * tab from a blob: address: a top-level page, which the pages' Content-Security-Policy does not govern as a frame).
 */
function DocumentButtons({ app }: { app: Application }) {
  const [busy, setBusy] = useState<DocumentKind>();
  const [error, setError] = useState<string>();
  const returned = app.history?.some((entry) => entry.action === 'return');
  const open = async (kind: DocumentKind) => {
    // The tab is opened now, while the click still counts as the user's: one opened after the wait may be blocked.
    const tab = window.open('', '_blank');
    if (tab) {
      tab.opener = null;
      tab.document.title = '正在生成文书…';
    }
    setBusy(kind);
    setError(undefined);
    try {
      const { blob, filename } = await api.document(app.id, kind);
      const url = URL.createObjectURL(blob);
      if (tab) tab.location.href = url;
      else {
        // Tabs blocked: the file is saved instead, under the API's name for it.
        const link = document.createElement('a');
        link.href = url;
        link.download = filename;
        link.click();
      }
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      tab?.close();
      setError(messageOf(e));
    }
    setBusy(undefined);
  };
  return (
    <div class="documents" role="group" aria-label="打印文书">
      {documentButtons
        .filter((b) => b.kind !== 'return-notice' || returned)
        .map((b) => (
          <button key={b.kind} type="button" class="secondary" disabled={busy !== undefined} onClick={() => void open(b.kind)}>
            {busy === b.kind ? '正在生成…' : b.label}
          </button>
        ))}
      {error ? <Notice kind="error">{error}</Notice> : null}
    </div>
  );
}

function WithdrawButton({ id, onDone }: { id: string; onDone: (message: string, recorded: Application) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const withdraw = async () => {
    setBusy(true);
    try {
      onDone('申请已撤回。', await api.withdraw(id));
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

/**
 * Approve, reject, or return with every problem listed at once (一次性告知). Nothing is chosen for the official; a
 * decision that ends the application (the last level's approval, any rejection) is confirmed in a dialog first.
 */

function DecisionPanel({
  app,
  formType,
  onDone,
}: {
  app: Application;
  formType: FormType;
  onDone: (message: string, recorded: Application) => void;
}) {
  const [action, setAction] = useState<Action>();
  const [comment, setComment] = useState('');
  const [grade, setGrade] = useState<EvaluationGrade>();
  const [problems, setProblems] = useState<Issue[]>([{ path: '', message: '' }]);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Issue[]>([]);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);
  const fields = [
    ...fieldTitles(formType.schema),
    ...formType.materials.map((m) => ({ path: `materials.${m.key}`, title: pathTitle(formType, `materials.${m.key}`) })),
  ];
  const lastLevel = chainFor(app.regionCode).at(-1) === app.currentLevel;
  // 期满评估: the province grades the term with its approval; the county may propose a grade.
  const grading = app.type === 'certificate-renewal';
  const ends = action === 'reject' || (action === 'approve' && lastLevel);

  const send = async (chosen: Action) => {
    setBusy(true);
    setError(undefined);
    setFieldErrors([]);
    const text = comment.trim();
    const issues = problems
      .filter((p) => p.message.trim())
      .map((p) => (p.path ? { path: p.path, message: p.message.trim() } : { message: p.message.trim() }));
    const decision: Decision =
      chosen === 'approve'
        ? { action: chosen, ...(text ? { comment: text } : {}), ...(grading && grade ? { grade } : {}) }
        : chosen === 'reject'
          ? { action: chosen, comment: text }
          : { action: chosen, comment: text, issues };
    try {
      onDone(`已提交审批意见：${actionWords[chosen]}。`, await api.decide(app.id, decision));
    } catch (e) {
      setError(messageOf(e));
      if (e instanceof ApiError) setFieldErrors(e.issues);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    if (!action) {
      setFieldErrors([{ path: 'action', message: '请选择审批结果' }]);
      document.getElementById('action-approve')?.focus();
      return;
    }
    if (action === 'approve' && grading && lastLevel && !grade) {
      setFieldErrors([{ path: 'grade', message: '请评定等级（优秀、合格或不合格）' }]);
      document.getElementById('grade-excellent')?.focus();
      return;
    }
    if (action !== 'approve' && !comment.trim()) {
      setFieldErrors([{ path: 'comment', message: `${actionWords[action]}须填写审批意见` }]);
      document.getElementById('decision-comment')?.focus();
      return;
    }
    setFieldErrors([]);
    if (!ends) return void send(action);
    dialog.current?.showModal();
    // The safe choice has the focus: Enter or a stray tap cancels.
    cancelButton.current?.focus();
  };

  const confirm = () => {
    dialog.current?.close();
    if (action) void send(action);
  };

  const actionError = fieldErrors.filter((i) => i.path === 'action').map((i) => i.message);
  const commentError = fieldErrors.filter((i) => i.path === 'comment').map((i) => i.message);
  const issuesError = fieldErrors.filter((i) => i.path?.startsWith('issues')).map((i) => i.message);
  const gradeError = fieldErrors.filter((i) => i.path === 'grade').map((i) => i.message);
  const level = app.currentLevel ? levelLabel[app.currentLevel] : '';

  return (
    <form id="decision" class="decision" onSubmit={submit} noValidate aria-labelledby="decision-title">
      <h2 id="decision-title">{level}审批意见</h2>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <fieldset
        class={`group${actionError.length ? ' invalid' : ''}`}
        aria-describedby={actionError.length ? 'decision-action-error' : undefined}
      >
        <legend>
          审批结果<span class="required" aria-hidden="true"> *</span>
        </legend>
        {actionError.length ? (
          <p class="field-error" id="decision-action-error">
            {actionError.join('；')}
          </p>
        ) : null}
        <div class="radios">
          {(Object.keys(actionWords) as Action[]).map((a) => (
            <div class="check" key={a}>
              <input
                type="radio"
                id={`action-${a}`}
                name="action"
                value={a}
                required
                checked={action === a}
                onChange={() => {
                  setAction(a);
                  setFieldErrors((errors) => errors.filter((i) => i.path !== 'action'));
                }}
              />
              <label for={`action-${a}`}>{actionWords[a]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class={`field wide${commentError.length ? ' invalid' : ''}`}>
        <label for="decision-comment">
          审批意见
          {action === 'approve' ? (
            <span class="optional">（选填）</span>
          ) : action ? (
            <span class="required" aria-hidden="true">
              {' '}
              *
            </span>
          ) : null}
        </label>
        <textarea
          id="decision-comment"
          rows={3}
          value={comment}
          required={!!action && action !== 'approve'}
          aria-invalid={commentError.length ? true : undefined}
          aria-describedby={commentError.length ? 'decision-comment-error' : undefined}
          onInput={(e) => setComment(e.currentTarget.value)}
        />
        {commentError.length ? (
          <p class="field-error" id="decision-comment-error">
            {commentError.join('；')}
          </p>
        ) : null}
        <StockComments
          current={comment}
          onPick={(picked) => {
            setComment(picked);
            setFieldErrors((errors) => errors.filter((i) => i.path !== 'comment'));
            document.getElementById('decision-comment')?.focus();
          }}
        />
      </div>
      {grading && action === 'approve' ? (
        <fieldset class={`group${gradeError.length ? ' invalid' : ''}`} aria-describedby={gradeError.length ? 'decision-grade-error' : undefined}>
          <legend>
            {lastLevel ? '评估等级' : '初评等级'}
            {lastLevel ? (
              <span class="required" aria-hidden="true">
                {' '}
                *
              </span>
            ) : (
              <span class="optional">（选填）</span>
            )}
          </legend>
          <p class="hint">优秀、合格的服务期续一个服务期；不合格的限期整改，连续两次不合格的提请撤销。</p>
          {gradeError.length ? (
            <p class="field-error" id="decision-grade-error">
              {gradeError.join('；')}
            </p>
          ) : null}
          <div class="radios">
            {(Object.keys(gradeLabel) as EvaluationGrade[]).map((g) => (
              <div class="check" key={g}>
                <input
                  type="radio"
                  id={`grade-${g}`}
                  name="grade"
                  value={g}
                  checked={grade === g}
                  onChange={() => {
                    setGrade(g);
                    setFieldErrors((errors) => errors.filter((i) => i.path !== 'grade'));
                  }}
                />
                <label for={`grade-${g}`}>{gradeLabel[g]}</label>
              </div>
            ))}
          </div>
        </fieldset>
      ) : null}
      {action === 'return' ? (
        <fieldset class="group problems-editor">
          <legend>
            需修改的问题<span class="required" aria-hidden="true"> *</span>
          </legend>
          <p class="hint">一次性列出全部问题；可指明对应栏目或申报材料，申请单位修改时会在该栏目旁看到；指明的材料须重新上传。</p>
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
        <button type="submit" ref={submitButton} class={action === 'approve' || !action ? 'primary' : 'danger'} disabled={busy}>
          {busy ? '正在提交…' : '提交审批意见'}
        </button>
      </div>
      <dialog
        ref={dialog}
        class="confirm"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        // Closed by 取消, by Escape, or on the way to sending: the focus goes back to where the official was.
        onClose={() => submitButton.current?.focus()}
      >
        <h2 id="confirm-title">{action === 'reject' ? '确认不予通过' : `确认通过${level}级审批`}</h2>
        <p id="confirm-text">
          {action === 'reject'
            ? '不予通过后审批终止，申请单位不能修改后重新提交。确定不予通过这份申请吗？'
            : '通过后申请即纳入全省备案并生成证书编号，不能撤销。确定通过这份申请吗？'}
        </p>
        <p class="confirm-name">{(app.subject?.title ?? String(app.form.name ?? ''))}</p>
        <div class="actions">
          <button type="button" class="secondary" ref={cancelButton} onClick={() => dialog.current?.close()}>
            取消
          </button>
          <button type="button" class={action === 'reject' ? 'danger' : 'primary'} onClick={confirm}>
            确认{action ? actionWords[action] : ''}
          </button>
        </div>
      </dialog>
    </form>
  );
}
