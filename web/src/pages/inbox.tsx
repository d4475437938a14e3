import { api } from '../api';
import type { Session } from '../auth';
import { useState } from 'preact/hooks';
import { countdownOf, formatCaseNo, formatDate, levelLabel } from '../labels';
import { SearchBar } from '../search-bar';
import type { ListFilters } from '../types';
import { RegionName } from '../region-name';
import { Link } from '../router';
import { ErrorNotice, Loading, PageTitle, useAsync, usePages, PageFoot } from '../ui';

/** What awaits the official's decision, oldest first, with overdue ones marked. */
export function InboxPage({ session }: { session: Session }) {
  const [filters, setFilters] = useState<ListFilters>({});
  const { items, cursor, error, loading, more } = usePages((from) => api.tasks({ ...filters, cursor: from }), [filters]);
  const forms = useAsync(() => api.allForms(), []);
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
      <SearchBar forms={forms.data} onSearch={setFilters} />
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error ? (
        <p role="status">
          共 {items.length}
          {cursor ? '+' : ''} 件{searching ? '符合条件的' : ''}待审批{overdue ? <strong class="overdue-text">，其中 {overdue} 件已超期</strong> : null}。{filters.sort === 'newest' ? '最新到达的在前。' : '按到达先后排列，最早的在前。'}
        </p>
      ) : null}
      <ul class="cards">
        {items.map((app) => {
          const formType = forms.data?.find((f) => f.type === app.type);
          return (
            <li key={app.id}>
              <article class={`card task${app.task?.overdue ? ' is-overdue' : ''}`} aria-labelledby={`task-${app.id}`}>
                <header class="card-head">
                  <h2 id={`task-${app.id}`}>
                    <Link href={`/applications/${app.id}?from=inbox`}>{(app.subject?.title ?? String(app.form.name ?? '申请'))}</Link>
                  </h2>
                  {app.task?.overdue ? <span class="badge overdue">已超期</span> : null}
                </header>
                <p class="card-meta">
                  受理号 <span class="case-no">{formatCaseNo(app.caseNo)}</span> · {formType?.name ?? app.type} · <RegionName code={app.regionCode} />
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

/** 待办 and 已办: the official's two lists, one tab each. */
export function OfficeTabs({ current }: { current: 'inbox' | 'decided' }) {
  return (
    <nav aria-label="待办与已办">
      <ul class="tabs">
        <li>
          <Link href="/inbox" aria-current={current === 'inbox' ? 'page' : undefined}>
            待办
          </Link>
        </li>
        <li>
          <Link href="/decided" aria-current={current === 'decided' ? 'page' : undefined}>
            已办
          </Link>
        </li>
      </ul>
    </nav>
  );
}
