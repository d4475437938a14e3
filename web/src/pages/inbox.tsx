import { api } from '../api';
import type { Session } from '../auth';
import { useState } from 'preact/hooks';
import { countdownOf, formatCaseNo, formatDate, levelLabel } from '../labels';
import { typeName, typeOptions } from '../type-names';
import { SearchBar } from '../search-bar';
import { OfficeTabs } from '../office-tabs';
import type { Application, BatchApprovalItem, ListFilters } from '../types';
import { RegionName } from '../region-name';
import { Link } from '../router';
import { ErrorNotice, Notice, PageTitle, useAsync, usePages, PageFoot } from '../ui';

/** As the API takes them (functions/http/batch-schemas.ts MAX_BATCH). */
const MAX_BATCH = 20;

/** What awaits the official's decision, oldest first, with overdue ones marked. */
export function InboxPage({ session }: { session: Session }) {
  const [filters, setFilters] = useState<ListFilters>({});
  // Bumped after a batch approval: the list is read again without the approved ones.
  const [round, setRound] = useState(0);
  const { items, cursor, error, loading, more } = usePages((from) => api.tasks({ ...filters, cursor: from }), [filters, round]);
  // 批量通过 is the county's and the province's (a township reads each file).
  const batching = session.claims.level === 'county' || session.claims.level === 'province';
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setPicked((was) => {
      const next = new Set(was);
      if (next.has(id)) next.delete(id);
      else if (next.size < MAX_BATCH) next.add(id);
      return next;
    });
  const titleOf = (app: Application) => app.subject?.title ?? String(app.form.name ?? '申请');
  const searching = Boolean(filters.q || filters.type || filters.from || filters.to);

  const overdue = items.filter((a) => a.task?.overdue).length;
  const level = session.claims.level;
  return (
    <section>
      <PageTitle title="待办">待办审批</PageTitle>
      <p class="lead">
        {session.claims.name} · {level ? `${levelLabel[level]}审批` : ''} · <RegionName code={session.claims.region ?? '44'} />
      </p>
      <OfficeTabs current="inbox" />
      {level === 'township' || level === 'county' ? <NeedsToConfirm region={session.claims.region!} /> : null}
      <SearchBar forms={typeOptions} onSearch={setFilters} />
      {batching ? (
        <BatchApproval
          picked={items.filter((app) => picked.has(app.id)).map((app) => ({ id: app.id, title: titleOf(app), caseNo: app.caseNo }))}
          onClear={() => setPicked(new Set())}
          onDone={() => {
            setPicked(new Set());
            setRound((r) => r + 1);
          }}
        />
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error ? (
        <p role="status">
          共 {items.length}
          {cursor ? '+' : ''} 件{searching ? '符合条件的' : ''}待审批{overdue ? <strong class="overdue-text">，其中 {overdue} 件已超期</strong> : null}。{filters.sort === 'newest' ? '最新到达的在前。' : '按到达先后排列，最早的在前。'}
        </p>
      ) : null}
      <ul class="cards">
        {items.map((app) => {
          return (
            <li key={app.id}>
              <article class={`card task${app.task?.overdue ? ' is-overdue' : ''}`} aria-labelledby={`task-${app.id}`}>
                <header class="card-head">
                  {batching ? (
                    <input
                      type="checkbox"
                      class="pick"
                      checked={picked.has(app.id)}
                      onChange={() => toggle(app.id)}
                      aria-label={`选择 ${titleOf(app)}`}
                      disabled={!picked.has(app.id) && picked.size >= MAX_BATCH}
                    />
                  ) : null}
                  <h2 id={`task-${app.id}`}>
                    <Link href={`/applications/${app.id}?from=inbox`}>{(app.subject?.title ?? String(app.form.name ?? '申请'))}</Link>
                  </h2>
                  {app.task?.overdue ? <span class="badge overdue">已超期</span> : null}
                </header>
                <p class="card-meta">
                  受理号 <span class="case-no">{formatCaseNo(app.caseNo)}</span> · {typeName(app.type)} · <RegionName code={app.regionCode} />
                </p>
                <dl class="task-dates">
                  <div>
                    <dt>申请单位</dt>
                    <dd>{app.applicant.name ?? app.applicant.org}</dd>
                  </div>
                  <div>
                    <dt>到达本级</dt>
                    <dd>{formatDate(app.task?.since ?? app.updatedAt)}</dd>
                  </div>
                  <div>
                    <dt>办理期限</dt>
                    <dd class={app.task?.overdue ? 'overdue-text' : undefined}>
                      {formatDate(app.task?.dueAt)}
                      {app.task ? <span class={`countdown${!app.task.overdue && app.task.workingDaysLeft <= 1 ? ' soon' : ''}`}>（{countdownOf(app.task)}）</span> : null}
                    </dd>
                  </div>
                  <div>
                    <dt>最迟</dt>
                    <dd>{formatDate(app.task?.expiresAt)}</dd>
                  </div>
                </dl>
                <Link href={`/applications/${app.id}?from=inbox`} class="button primary" aria-label={`审批 ${(app.subject?.title ?? String(app.form.name ?? ''))}`}>
                  审批
                </Link>
              </article>
            </li>
          );
        })}
      </ul>
      {!loading && !error && items.length === 0 ? <p class="empty">{searching ? '没有符合条件的待审批申请。' : '没有待审批的申请。'}</p> : null}
      <PageFoot loading={loading} cursor={cursor} more={more} what="待办" />
    </section>
  );
}

/**
 * 批量通过: the picked tasks listed for a last look, one comment for all, then each one's outcome (an item that
 * cannot be approved says why; the others are approved).
 */
function BatchApproval({ picked, onClear, onDone }: { picked: { id: string; title: string; caseNo: string | null }[]; onClear: () => void; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [comment, setComment] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>();
  const [results, setResults] = useState<{ title: string; item: BatchApprovalItem }[]>();
  const send = async () => {
    setSending(true);
    setError(undefined);
    try {
      const answer = await api.batchApprove(
        picked.map((p) => p.id),
        comment.trim() || undefined,
      );
      setResults(answer.items.map((item) => ({ title: picked.find((p) => p.id === item.applicationId)?.title ?? item.applicationId, item })));
      setConfirming(false);
      setComment('');
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };
  const approved = results?.filter((r) => r.item.outcome === 'approved').length ?? 0;
  return (
    <section class="batch" aria-labelledby="batch-title">
      <h2 id="batch-title" class="visually-hidden">
        批量通过
      </h2>
      {results ? (
        <div role="status">
          <Notice kind={approved === results.length ? 'success' : 'info'}>
            批量通过：{approved} 件已通过{results.length > approved ? `，${results.length - approved} 件未能通过` : ''}。
          </Notice>
          <ul class="batch-results">
            {results.map(({ title, item }) => (
              <li key={item.applicationId} class={item.outcome}>
                {item.outcome === 'approved' ? '✓ 已通过' : '✗ 未通过'}：{title}
                {item.outcome === 'refused' ? `（${item.message}）` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {picked.length ? (
        <div class="batch-bar">
          <p>
            已选 <strong>{picked.length}</strong> 件（一次最多 {MAX_BATCH} 件）
          </p>
          {confirming ? null : (
            <>
              <button type="button" class="button primary" onClick={() => setConfirming(true)}>
                批量通过…
              </button>
              <button type="button" class="button" onClick={onClear}>
                取消选择
              </button>
            </>
          )}
        </div>
      ) : null}
      {confirming && picked.length ? (
        <div class="batch-confirm" role="group" aria-labelledby="batch-confirm-title">
          <h3 id="batch-confirm-title">确认通过以下 {picked.length} 件</h3>
          <ol>
            {picked.map((p) => (
              <li key={p.id}>
                {p.title}
                {p.caseNo ? <span class="case-no"> {formatCaseNo(p.caseNo)}</span> : null}
              </li>
            ))}
          </ol>
          <label for="batch-comment">审批意见（可选，写入每一件）</label>
          <textarea id="batch-comment" rows={2} maxLength={2000} value={comment} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
          {error ? <ErrorNotice error={error} /> : null}
          <div class="actions">
            <button type="button" class="button primary" disabled={sending} onClick={send}>
              {sending ? '正在办理…' : `确认通过 ${picked.length} 件`}
            </button>
            <button type="button" class="button" disabled={sending} onClick={() => setConfirming(false)}>
              返回重选
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

/** 待办 also holds the village needs awaiting this office's confirmation (需求库): how many, and the way to them. */
function NeedsToConfirm({ region }: { region: string }) {
  const pending = useAsync(() => api.demands({ status: 'PENDING', limit: 50 }), [region]);
  const mine = (pending.data?.items ?? []).filter((d) => d.postedBy.region === region);
  if (!mine.length) return null;
  const soonest = mine.filter((d) => d.confirmBy).sort((a, b) => a.confirmBy!.localeCompare(b.confirmBy!))[0];
  return (
    <Notice>
      本办公室有 {mine.length}
      {pending.data?.cursor ? '+' : ''} 条村委会提交的需求待确认{soonest?.confirmCountdown ? `，最早的一条${countdownOf(soonest.confirmCountdown)}` : ''}：<Link href="/demands">去需求库确认</Link>
    </Notice>
  );
}
