import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import type { Session } from '../auth';
import { countdownOf, formatCaseNo, formatDate, formatTime, gradeLabel, levelLabel } from '../labels';
import type { DocumentKind } from '#functions/domain/documents.js';
import { MaterialsView } from '../materials-view';
import { pathTitle } from '../form-value';
import { History, Progress, transitOf } from '../progress';
import { RegionName } from '../region-name';
import { Link, useLocation } from '../router';
import { SchemaView } from '../schema-form';
import { lazyPage } from '../lazy-page';
import { DemandRecordView } from '../demand-record';
import type { Application } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, StatusBadge, messageOf, useAsync } from '../ui';

/** Only an official whose office holds the task sees it: fetched then, not with the page (its comments, its dialog). */
const DecisionPanel = lazyPage(() => import('../decision-panel').then((m) => m.DecisionPanel), '审批意见栏');

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
          {app.subject?.demands ? <DemandRecordView record={app.subject.demands} year={app.subject.year} /> : null}
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
