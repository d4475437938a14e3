// The demand library (需求库): the list with its filters and Chinese search, and a need's page (its files, respond, pick,
// close and rate, confirm a village's need, each for whom it is); the form to post or correct one is pages/demand-form.tsx.
import { useEffect, useState } from 'preact/hooks';
import { demandKindNames, demandStatusNames } from '#functions/domain/demand.js';
import { industries } from '#forms/industries.js';
import { ApiError, api } from '../api';
import type { Session } from '../auth';
import { countdownOf, formatDate, formatTime } from '../labels';
import { kindLabel, sizeText } from '../file-text';
import { FilePreview, useFileOpener } from '../file-opener';
import { RegionPicker } from '../region-picker';
import { Link, navigate, useLocation } from '../router';
import type { DemandFile, DemandView, Issue } from '../types';
import { isPostingOffice, issuesByPath, mayPost } from '../demand-rules';
import { ErrorNotice, Loading, Notice, PageFoot, PageTitle, messageOf, useAsync, usePages } from '../ui';

const filterKeys = ['q', 'region', 'kind', 'industry', 'status', 'pairing'] as const;
type Filters = Record<(typeof filterKeys)[number], string>;

const filtersFrom = (query: URLSearchParams): Filters => Object.fromEntries(filterKeys.map((k) => [k, query.get(k) ?? ''])) as Filters;
const toQuery = (filters: Filters) => {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
  return params.size ? `?${params}` : '';
};

/** Whether the caller is an office that posts needs (a township's or county's). */
/** Whether the caller sees needs not yet published: the offices of their region, the village that posted them, the administrators. */
const seesUnpublished = (session: Session) => session.claims.role !== 'applicant';


export function DemandsPage({ session }: { session: Session }) {
  const { query } = useLocation();
  const applied = filtersFrom(query);
  const key = toQuery(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  useEffect(() => setDraft(applied), [key]);
  const { items, cursor, error, loading, more } = usePages((from) => api.demands({ ...applied, cursor: from, limit: 20 }), [key]);
  // 珠三角带粤东西北: an organisation or office of a delta city is offered its paired cities' needs; others (a 400) are not.
  const paired = useAsync(() => (session.claims.role === 'admin' || session.claims.level === 'province' ? Promise.resolve(undefined) : api.demands({ pairing: 'mine', limit: 1 }).then((page) => page.pairing, () => undefined)), []);
  const pairedCities = paired.data?.cities ?? [];
  const search = (event: Event) => {
    event.preventDefault();
    navigate(`/demands${toQuery(draft)}`, { replace: true });
  };
  return (
    <section>
      <PageTitle title="需求库">需求库</PageTitle>
      <p class="lead">乡村振兴的人才、技术、项目、培训需求：持证站点可响应，发布需求的办公室选定对接单位并评价。村委会提交的需求经所在乡镇科协确认后发布。</p>
      {mayPost(session) ? (
        <p>
          <Link href="/demands/new" class="button primary">
            {session.claims.role === 'village' ? '提交本村需求' : '发布需求'}
          </Link>
        </p>
      ) : null}
      {isPostingOffice(session) || session.claims.role === 'village' ? <Unpublished session={session} /> : null}
      <form class="filters" onSubmit={search} aria-label="需求筛选">
        <div class="field">
          <label for="demand-q">搜索</label>
          <input id="demand-q" type="search" value={draft.q} placeholder="如：柑橘、电商直播" onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="demand-kind">类别</label>
          <select id="demand-kind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.currentTarget.value })}>
            <option value="">全部类别</option>
            {Object.entries(demandKindNames).map(([kind, name]) => (
              <option key={kind} value={kind}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="demand-industry">产业</label>
          <select id="demand-industry" value={draft.industry} onChange={(e) => setDraft({ ...draft, industry: e.currentTarget.value })}>
            <option value="">全部产业</option>
            {Object.entries(industries).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="demand-status">状态</label>
          <select id="demand-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">征集中</option>
            <option value="MATCHED">{demandStatusNames.MATCHED}</option>
            <option value="CLOSED">{demandStatusNames.CLOSED}</option>
            {seesUnpublished(session)
              ? (['PENDING', 'RETURNED', 'REJECTED', 'WITHDRAWN'] as const).map((status) => (
                  <option key={status} value={status}>
                    {demandStatusNames[status]}
                  </option>
                ))
              : null}
          </select>
        </div>
        {pairedCities.length || applied.pairing ? (
          <div class="field">
            <label for="demand-pairing">结对帮扶地区</label>
            <select id="demand-pairing" value={draft.pairing} onChange={(e) => setDraft({ ...draft, pairing: e.currentTarget.value })}>
              <option value="">不限</option>
              <option value="mine">
                {paired.data ? `${paired.data.from.map((c) => c.name).join('、')}结对的${pairedCities.map((c) => c.name).join('、')}` : '本单位所在城市结对帮扶的地区'}
              </option>
            </select>
          </div>
        ) : null}
        <RegionPicker id="demand-region" legend="地区" value={draft.region} onChange={(region) => setDraft({ ...draft, region })} deepest="township" hint="选到任一级，即查询其下全部" />
        <div class="actions">
          <button type="submit" class="primary">
            查询
          </button>
          <button type="button" class="secondary" onClick={() => navigate('/demands', { replace: true })}>
            清除条件
          </button>
        </div>
      </form>
      {!key ? <OwnCounty session={session} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {!key && !error ? <h2>全省需求</h2> : null}
      {!loading && !error ? <p role="status">{items.length ? `找到 ${items.length}${cursor ? '+' : ''} 条需求（最新的在前）。` : '没有符合条件的需求。'}</p> : null}
      <DemandCards items={items} />
      <PageFoot loading={loading} cursor={cursor} more={more} what="需求" />
    </section>
  );
}

/**
 * Their own county first (the issue's browse order): the newest published needs of the caller's county (an
 * organisation's stations', an office's, a village's; near=mine), above the province's list. Hidden for those with none.
 */
function OwnCounty({ session }: { session: Session }) {
  const near = useAsync(() => (session.claims.role === 'admin' ? Promise.resolve(undefined) : api.demands({ near: 'mine', limit: 5 }).then((page) => page, () => undefined)), []);
  const page = near.data;
  if (!page?.near) return null;
  const names = page.near.counties.map((c) => c.name).join('、');
  return (
    <section aria-labelledby="own-county-title">
      <h2 id="own-county-title">本县（区）的需求：{names}</h2>
      {page.items.length ? <DemandCards items={page.items} heading="h3" /> : <p class="muted">{names}暂无征集中的需求。</p>}
      {page.cursor ? (
        <p>
          <Link href={`/demands?region=${page.near.counties[0]!.code}`}>查看{page.near.counties[0]!.name}的全部需求</Link>
        </p>
      ) : null}
    </section>
  );
}

function DemandCards({ items, heading = 'h2' }: { items: DemandView[]; heading?: 'h2' | 'h3' }) {
  const Heading = heading;
  return (
    <ul class="cards">
      {items.map((demand) => (
        <li key={demand.id}>
          <article class="card demand" aria-labelledby={`d-${demand.id}`}>
            <header class="card-head">
              <Heading id={`d-${demand.id}`}>
                <Link href={`/demands/${demand.id}`}>{demand.title}</Link>
              </Heading>
              <span class={`badge demand-${demand.status.toLowerCase()}`}>{demand.statusName}</span>
            </header>
            <p class="card-meta">
              {demand.kindName} · {demand.industryName} · {demand.regionName} · {demand.village ? `${demand.village.name}提交于` : '发布于'} {formatDate(demand.postedAt)}
              {demand.status === 'PENDING' && demand.confirmBy ? ` · 确认期限 ${formatDate(demand.confirmBy)}` : ''}
              {demand.confirmCountdown ? <span class={`countdown${!demand.confirmCountdown.overdue && demand.confirmCountdown.workingDaysLeft <= 1 ? ' soon' : ''}`}>（{countdownOf(demand.confirmCountdown)}）</span> : null}
              {demand.wantedBy ? ` · 期望 ${demand.wantedBy} 前完成` : ''}
              {demand.pairedCity ? ` · 结对帮扶：${demand.pairedCity.name}` : ''}
            </p>
            <p>{demand.description.length > 120 ? `${demand.description.slice(0, 120)}…` : demand.description}</p>
          </article>
        </li>
      ))}
    </ul>
  );
}

/**
 * The needs not yet published that the caller acts on, newest first: an office's village needs awaiting its
 * confirmation (待确认); a village's own awaiting its township, and those returned to it for correction.
 */
function Unpublished({ session }: { session: Session }) {
  const village = session.claims.role === 'village';
  const pending = useAsync(() => api.demands({ status: 'PENDING', limit: 50 }), []);
  const returned = useAsync(() => (village ? api.demands({ status: 'RETURNED', limit: 50 }) : Promise.resolve({ items: [], cursor: null })), [village]);
  const sections = [
    { key: 'pending', title: village ? '本村待确认的需求' : '待确认的村级需求', hint: village ? '已提交，等待乡镇科协确认。' : '村委会提交的需求，确认后发布到需求库。', data: pending },
    ...(village ? [{ key: 'returned', title: '被退回修改的需求', hint: '请按乡镇科协一次性告知的问题修改后重新提交。', data: returned }] : []),
  ];
  return (
    <>
      {sections.map(({ key, title, hint, data }) => (
        <section key={key} aria-labelledby={`unpublished-${key}`} class="unpublished">
          <h2 id={`unpublished-${key}`}>{title}</h2>
          {data.error ? <ErrorNotice error={data.error} /> : null}
          {data.loading && !data.data ? <Loading what="需求" /> : null}
          {data.data ? (data.data.items.length ? <><p class="hint">{hint}</p><DemandCards items={data.data.items} heading="h3" /></> : <p class="hint">暂无。</p>) : null}
        </section>
      ))}
    </>
  );
}

const historyWords: Record<NonNullable<DemandView['history']>[number]['action'], string> = {
  post: '提交需求',
  respond: '响应',
  match: '选定对接',
  close: '办结评价',
  overdue: '超期无响应',
  approve: '确认发布',
  return: '退回修改',
  reject: '不予发布',
  resubmit: '修改重新提交',
  withdraw: '撤回',
};

/** The fields of a need as a return's problems name them. */
const fieldNames: Record<string, string> = {
  kind: '需求类别',
  industry: '所属产业',
  regionCode: '需求所在地区',
  title: '需求标题',
  description: '需求描述',
  expectedOutcome: '预期成效',
  wantedBy: '期望完成日期',
};

/** The village withdraws its need while it awaits its township or its own correction. */
function WithdrawButton({ demand, onDone }: { demand: DemandView; onDone: (text: string) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const withdraw = async () => {
    if (!confirm('撤回后该需求不再提交确认，确定撤回吗？')) return;
    setBusy(true);
    try {
      await api.withdrawDemand(demand.id);
      onDone('已撤回该需求。');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <p class="actions">
      {error ? <Notice kind="error">{error}</Notice> : null}
      <button type="button" class="secondary" onClick={withdraw} disabled={busy}>
        {busy ? '正在撤回…' : '撤回需求'}
      </button>
    </p>
  );
}

type Confirmation = 'approve' | 'return' | 'reject';
const confirmationWords: Record<Confirmation, string> = { approve: '确认发布', return: '退回修改', reject: '不予发布' };

/**
 * The township confirms a village's need as it decides an application: approve (published), return with every problem
 * at once, each at its field if it names one (一次性告知), or reject; a return and a reject need a comment.
 */
function ConfirmForm({ demand, onDone }: { demand: DemandView; onDone: (text: string) => void }) {
  const [action, setAction] = useState<Confirmation>();
  const [comment, setComment] = useState('');
  const [problems, setProblems] = useState<Issue[]>([{ path: '', message: '' }]);
  const [fieldErrors, setFieldErrors] = useState<Issue[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const errorsAt = (path: string) => fieldErrors.filter((i) => i.path === path || i.path?.startsWith(`${path}.`)).map((i) => i.message);
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (!action) return setFieldErrors([{ path: 'action', message: '请选择确认结果' }]);
    const issues = problems.filter((p) => p.message.trim()).map((p) => (p.path ? { path: p.path, message: p.message.trim() } : { message: p.message.trim() }));
    const text = comment.trim();
    setBusy(true);
    setFieldErrors([]);
    try {
      await api.decideDemand(demand.id, { version: demand.version, ...(action === 'approve' ? { action, ...(text ? { comment: text } : {}) } : action === 'reject' ? { action, comment: text } : { action, comment: text, issues }) });
      onDone(`已提交确认意见：${confirmationWords[action]}，村委会已收到通知。`);
    } catch (e) {
      setError(messageOf(e));
      if (e instanceof ApiError) setFieldErrors(e.issues);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="confirm-title" class="decision">
      <h2 id="confirm-title">确认需求</h2>
      <p class="hint">{demand.village?.name}提交的需求：确认发布后进入需求库，由本办公室选定对接单位、办结评价。</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <fieldset class={`group${errorsAt('action').length ? ' invalid' : ''}`}>
        <legend>
          确认结果<span class="required" aria-hidden="true"> *</span>
        </legend>
        {errorsAt('action').length ? <p class="field-error">{errorsAt('action').join('；')}</p> : null}
        <div class="radios">
          {(Object.keys(confirmationWords) as Confirmation[]).map((a) => (
            <div class="check" key={a}>
              <input type="radio" id={`confirm-${a}`} name="confirm-action" value={a} checked={action === a} onChange={() => setAction(a)} />
              <label for={`confirm-${a}`}>{confirmationWords[a]}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div class={`field wide${errorsAt('comment').length ? ' invalid' : ''}`}>
        <label for="confirm-comment">
          意见{action && action !== 'approve' ? <span class="required" aria-hidden="true"> *</span> : <span class="optional">（选填）</span>}
        </label>
        <textarea id="confirm-comment" rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
        {errorsAt('comment').length ? <p class="field-error">{errorsAt('comment').join('；')}</p> : null}
      </div>
      {action === 'return' ? (
        <fieldset class="group problems-editor">
          <legend>
            需修改的问题<span class="required" aria-hidden="true"> *</span>
          </legend>
          <p class="hint">一次性列出全部问题；可指明对应栏目，村委会修改时会在该栏目旁看到。</p>
          {errorsAt('issues').length ? <p class="field-error">{errorsAt('issues').join('；')}</p> : null}
          {problems.map((problem, index) => (
            <div class="problem-row" key={index}>
              <div class="field">
                <label for={`need-problem-${index}-path`}>问题 {index + 1} 所在栏目</label>
                <select id={`need-problem-${index}-path`} value={problem.path ?? ''} onChange={(e) => setProblems(problems.map((p, i) => (i === index ? { ...p, path: e.currentTarget.value } : p)))}>
                  <option value="">（整体问题）</option>
                  {Object.entries(fieldNames).map(([path, name]) => (
                    <option key={path} value={path}>
                      {name}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field grow">
                <label for={`need-problem-${index}-message`}>问题 {index + 1} 说明</label>
                <input id={`need-problem-${index}-message`} type="text" value={problem.message} onInput={(e) => setProblems(problems.map((p, i) => (i === index ? { ...p, message: e.currentTarget.value } : p)))} />
              </div>
              {problems.length > 1 ? (
                <button type="button" class="secondary" onClick={() => setProblems(problems.filter((_, i) => i !== index))}>
                  删除问题 {index + 1}
                </button>
              ) : null}
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => setProblems([...problems, { path: '', message: '' }])}>
            再加一个问题
          </button>
        </fieldset>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? '正在提交…' : '提交确认意见'}
        </button>
      </div>
    </form>
  );
}

const stars = (rating: number) => `${'★'.repeat(rating)}${'☆'.repeat(5 - rating)}`;

/** A need: what it asks, its responses (to whom they show), and what the caller may do with it now. */
export function DemandPage({ id, session }: { id: string; session: Session }) {
  const demand = useAsync(() => api.demand(id), [id]);
  const [flash, setFlash] = useState<string>();
  const done = (text: string) => {
    setFlash(text);
    demand.reload();
  };
  if (demand.loading && !demand.data) return <Loading what="需求" />;
  if (demand.error) return <ErrorNotice error={demand.error} />;
  const d = demand.data!;
  // An organisation is shown its own response only: one there means it has responded.
  const responded = session.claims.role === 'applicant' && (d.responses?.length ?? 0) > 0;
  return (
    <section>
      <p class="no-print">
        <Link href="/demands">← 返回需求库</Link>
      </p>
      <div class="title-row">
        <PageTitle title={d.title}>{d.title}</PageTitle>
        <span class={`badge demand-${d.status.toLowerCase()}`}>{d.statusName}</span>
      </div>
      {flash ? <Notice kind="success">{flash}</Notice> : null}
      <dl class="facts">
        <dt>类别</dt>
        <dd>{d.kindName}</dd>
        <dt>产业</dt>
        <dd>{d.industryName}</dd>
        <dt>地区</dt>
        <dd>
          {d.regionName}
          {d.pairedCity ? `（珠三角结对帮扶城市：${d.pairedCity.name}）` : ''}
        </dd>
        {d.village ? (
          <>
            <dt>提交</dt>
            <dd>
              {d.village.name} · {formatTime(d.postedAt)}
            </dd>
            <dt>确认</dt>
            <dd>
              {d.postedBy.name}
              {d.publishedAt ? ` · 发布于 ${formatTime(d.publishedAt)}` : d.status === 'PENDING' && d.confirmBy ? ` · 确认期限 ${formatDate(d.confirmBy)}` : ''}
              {d.confirmCountdown ? `（${countdownOf(d.confirmCountdown)}）` : ''}
            </dd>
          </>
        ) : (
          <>
            <dt>发布</dt>
            <dd>
              {d.postedBy.name} · {formatTime(d.postedAt)}
            </dd>
          </>
        )}
        {d.wantedBy ? (
          <>
            <dt>期望完成</dt>
            <dd>{d.wantedBy}</dd>
          </>
        ) : null}
        <dt>响应</dt>
        <dd>
          {d.responseCount ?? 0} 个
          {d.overdueAt && !d.responseCount ? <span class="badge">超期无响应</span> : null}
        </dd>
      </dl>
      <h2>需求描述</h2>
      <p class="prose">{d.description}</p>
      {d.expectedOutcome ? (
        <>
          <h2>预期成效</h2>
          <p class="prose">{d.expectedOutcome}</p>
        </>
      ) : null}
      {d.materials.length ? <NeedFiles demand={d} /> : null}
      {d.closure ? (
        <section aria-labelledby="closure-title" class="closure">
          <h2 id="closure-title">办结评价</h2>
          <p>
            <span class="stars" aria-label={`${d.closure.rating} 星`}>
              {stars(d.closure.rating)}
            </span>{' '}
            {d.closure.comment ?? ''}
          </p>
          <p class="prose">{d.closure.outcome}</p>
          <p class="hint">
            {d.closure.daysOnSite !== null ? `驻点服务 ${d.closure.daysOnSite} 天` : ''}
            {d.closure.peopleTrained !== null ? ` · 培训 ${d.closure.peopleTrained} 人` : ''} · 办结于 {formatTime(d.closure.closedAt)}
          </p>
        </section>
      ) : null}
      {d.status === 'RETURNED' && d.issues.length ? (
        <section aria-labelledby="issues-title" class="issues">
          <h2 id="issues-title">需修改的问题（一次性告知）</h2>
          <ol>
            {d.issues.map((issue, i) => (
              <li key={i}>
                {issue.path ? `${fieldNames[issue.path] ?? issue.path}：` : ''}
                {issue.message}
              </li>
            ))}
          </ol>
          {d.ownVillage ? (
            <p>
              <Link href={`/demands/${d.id}/edit`} class="button primary">
                修改重新提交
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}
      {d.ownVillage && (d.status === 'PENDING' || d.status === 'RETURNED') ? <WithdrawButton demand={d} onDone={done} /> : null}
      {d.mine && d.status === 'PENDING' ? <ConfirmForm demand={d} onDone={done} /> : null}
      <Nearby demand={d} />
      {d.mine && d.status === 'PUBLISHED' ? <MatchForm demand={d} onDone={done} /> : d.responses?.length ? <Responses demand={d} own={session.claims.role === 'applicant'} /> : null}
      {d.mine && d.status === 'MATCHED' ? <CloseForm demand={d} onDone={done} /> : null}
      {session.claims.role === 'applicant' && d.status === 'PUBLISHED' && !responded ? <RespondForm demand={d} onDone={done} /> : null}
      {d.history?.length ? (
        <section aria-labelledby="demand-history">
          <h2 id="demand-history">办理记录</h2>
          <ol class="history">
            {d.history.map((entry) => (
              <li key={entry.at + entry.action}>
                <time>{formatTime(entry.at)}</time> {historyWords[entry.action]} · {entry.actor.name}
                {entry.comment ? `：${entry.comment}` : ''}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </section>
  );
}

/** A need's files: name, kind and size, each opened through a link of minutes (PDFs and photos shown in the page). */
function NeedFiles({ demand }: { demand: DemandView }) {
  const { preview, close, opening, error, open } = useFileOpener<DemandFile>((file) => api.demandMaterialLink(demand.id, file.id));
  return (
    <section aria-labelledby="need-files-title" class="materials-view">
      <h2 id="need-files-title">需求附件（{demand.materials.length} 个）</h2>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul class="material-files">
        {demand.materials.map((file) => (
          <li key={file.id} class="material-file">
            <span class="file-name">{file.fileName}</span>
            <span class="muted">
              {' '}
              {kindLabel(file.contentType)} · {sizeText(file.size)}
            </span>{' '}
            <button type="button" class="secondary small" disabled={opening === file.id} onClick={() => void open(file)}>
              {opening === file.id ? '正在打开…' : `打开 ${file.fileName}`}
            </button>
          </li>
        ))}
      </ul>
      {preview ? <FilePreview preview={preview} onClose={close} id="need-preview-title" again="打开" /> : null}
    </section>
  );
}

/** The stations already near the need (its township's first, then its county's): whom the office might ask. */
function Nearby({ demand }: { demand: DemandView }) {
  const near = demand.nearby ?? [];
  return (
    <section aria-labelledby="nearby-title">
      <h2 id="nearby-title">附近的站点</h2>
      {near.length ? (
        <ul class="record-list">
          {near.map((station) => (
            <li key={station.certificateNo}>
              <Link href={`/certificates/${encodeURIComponent(station.certificateNo)}`}>{station.name}</Link> · {station.typeName} · {station.regionName}
              {station.scope === 'township' ? <span class="badge">同一乡镇</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">本县（区）内尚无有效的站点。</p>
      )}
    </section>
  );
}

function ResponseBody({ response }: { response: NonNullable<DemandView['responses']>[number] }) {
  return (
    <>
      <p class="card-meta">
        {response.organisationName} · 证书 <Link href={`/certificates/${encodeURIComponent(response.certificateNo)}`}>{response.certificateNo}</Link> · 响应于 {formatTime(response.respondedAt)}
        {response.startBy ? ` · 可于 ${response.startBy} 开始` : ''}
      </p>
      <p class="prose">{response.proposal}</p>
      {response.contact ? (
        <p class="contact">
          联系人：{response.contact.name} {response.contact.mobile}
          {response.contact.email ? ` ${response.contact.email}` : ''}
        </p>
      ) : null}
    </>
  );
}

function Responses({ demand, own }: { demand: DemandView; own: boolean }) {
  return (
    <section aria-labelledby="responses-title">
      <h2 id="responses-title">{demand.mine || !own ? '响应' : '本单位的响应'}</h2>
      <ul class="cards">
        {demand.responses!.map((response) => (
          <li key={response.id}>
            <article class="card" aria-label={response.stationName}>
              <header class="card-head">
                <h3>{response.stationName}</h3>
                {response.status === 'MATCHED' ? <span class="badge">已选定</span> : null}
              </header>
              <ResponseBody response={response} />
            </article>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The posting office picks one or more responses. */
function MatchForm({ demand, onDone }: { demand: DemandView; onDone: (text: string) => void }) {
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const responses = demand.responses ?? [];
  if (!responses.length) return <Notice>尚无站点响应。有响应时本办公室会收到通知。</Notice>;
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!picked.length) return setError('请至少选定一个响应');
    setBusy(true);
    try {
      await api.matchDemand(demand.id, picked);
      onDone('已选定对接单位，对方已收到通知。');
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="match-title" class="decision">
      <h2 id="match-title">选定对接单位</h2>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <ul class="cards">
        {responses.map((response) => (
          <li key={response.id}>
            <article class="card" aria-label={response.stationName}>
              <div class="check">
                <input
                  type="checkbox"
                  id={`pick-${response.id}`}
                  checked={picked.includes(response.id)}
                  onChange={(e) => setPicked(e.currentTarget.checked ? [...picked, response.id] : picked.filter((p) => p !== response.id))}
                />
                <label for={`pick-${response.id}`}>选定 {response.stationName}</label>
              </div>
              <ResponseBody response={response} />
            </article>
          </li>
        ))}
      </ul>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? '正在提交…' : '确认对接'}
        </button>
      </div>
    </form>
  );
}

/** A certified station's organisation responds: who, what, from when. */
function RespondForm({ demand, onDone }: { demand: DemandView; onDone: (text: string) => void }) {
  const [proposal, setProposal] = useState('');
  const [startBy, setStartBy] = useState('');
  const [certificateNo, setCertificateNo] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problems = issuesByPath(error);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.respond(demand.id, { proposal, ...(startBy ? { startBy } : {}), ...(certificateNo.trim() ? { certificateNo: certificateNo.trim() } : {}) });
      onDone('已响应，发布需求的办公室会收到通知。');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="respond-title" class="decision">
      <h2 id="respond-title">响应需求</h2>
      <p class="hint">持有有效证书的站点、协会可以响应，每个单位响应一次；联系人取自站点获批的申请表，仅发布需求的办公室可见。</p>
      {error && !Object.keys(problems).length ? <Notice kind="error">{messageOf(error)}</Notice> : null}
      <div class={`field wide${problems.proposal ? ' invalid' : ''}`}>
        <label for="respond-proposal">
          响应方案<span class="required" aria-hidden="true"> *</span>
        </label>
        <textarea id="respond-proposal" rows={4} value={proposal} placeholder="派谁、做什么、何时到位" onInput={(e) => setProposal(e.currentTarget.value)} aria-describedby={problems.proposal ? 'respond-proposal-error' : undefined} />
        {problems.proposal ? <p class="field-error" id="respond-proposal-error">{problems.proposal}</p> : null}
      </div>
      <div class={`field${problems.startBy ? ' invalid' : ''}`}>
        <label for="respond-startBy">可开始日期</label>
        <input id="respond-startBy" type="date" value={startBy} onInput={(e) => setStartBy(e.currentTarget.value)} />
        {problems.startBy ? <p class="field-error">{problems.startBy}</p> : null}
      </div>
      <div class={`field${problems.certificateNo ? ' invalid' : ''}`}>
        <label for="respond-certificateNo">以哪个站点响应（证书编号）</label>
        <input id="respond-certificateNo" value={certificateNo} placeholder="本单位持有多个有效证书时填写" onInput={(e) => setCertificateNo(e.currentTarget.value)} />
        {problems.certificateNo ? <p class="field-error">{problems.certificateNo}</p> : null}
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? '正在提交…' : '提交响应'}
        </button>
      </div>
    </form>
  );
}

/** The posting office closes a matched need with what was done and its rating (好差评). */
function CloseForm({ demand, onDone }: { demand: DemandView; onDone: (text: string) => void }) {
  const [outcome, setOutcome] = useState('');
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [daysOnSite, setDaysOnSite] = useState('');
  const [peopleTrained, setPeopleTrained] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problems = issuesByPath(error);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.closeDemand(demand.id, {
        outcome,
        rating,
        ...(comment.trim() ? { comment } : {}),
        ...(daysOnSite ? { daysOnSite: Number(daysOnSite) } : {}),
        ...(peopleTrained ? { peopleTrained: Number(peopleTrained) } : {}),
      });
      onDone('已办结并评价，对接单位已收到通知。');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <form onSubmit={submit} noValidate aria-labelledby="close-title" class="decision">
        <h2 id="close-title">办结评价</h2>
        {error && !Object.keys(problems).length ? <Notice kind="error">{messageOf(error)}</Notice> : null}
        <div class={`field wide${problems.outcome ? ' invalid' : ''}`}>
          <label for="close-outcome">
            完成情况<span class="required" aria-hidden="true"> *</span>
          </label>
          <textarea id="close-outcome" rows={3} value={outcome} onInput={(e) => setOutcome(e.currentTarget.value)} />
          {problems.outcome ? <p class="field-error">{problems.outcome}</p> : null}
        </div>
        <fieldset class={`field wide${problems.rating ? ' invalid' : ''}`}>
          <legend>
            评价<span class="required" aria-hidden="true"> *</span>
          </legend>
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} class="inline">
              <input type="radio" name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} /> {n} 星
            </label>
          ))}
          {problems.rating ? <p class="field-error">{problems.rating}</p> : null}
        </fieldset>
        <div class={`field wide${problems.comment ? ' invalid' : ''}`}>
          <label for="close-comment">评价意见{rating && rating <= 2 ? <span class="required" aria-hidden="true"> *</span> : null}</label>
          <textarea id="close-comment" rows={2} value={comment} placeholder="1 星或 2 星须写明原因" onInput={(e) => setComment(e.currentTarget.value)} />
          {problems.comment ? <p class="field-error">{problems.comment}</p> : null}
        </div>
        <div class="field">
          <label for="close-days">驻点服务天数</label>
          <input id="close-days" type="number" min={0} value={daysOnSite} onInput={(e) => setDaysOnSite(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="close-trained">培训人数</label>
          <input id="close-trained" type="number" min={0} value={peopleTrained} onInput={(e) => setPeopleTrained(e.currentTarget.value)} />
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? '正在提交…' : '办结并评价'}
          </button>
        </div>
      </form>
    </>
  );
}
