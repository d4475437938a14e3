import { api } from '../api';
import type { Session } from '../auth';
import { formatDate, levelLabel } from '../labels';
import { RegionName } from '../region-name';
import { Link } from '../router';
import { ErrorNotice, Loading, PageTitle, useAsync, usePages, PageFoot } from '../ui';

/** What awaits the official's decision, oldest first, with overdue ones marked. */
export function InboxPage({ session }: { session: Session }) {
  const { items, cursor, error, loading, more } = usePages((from) => api.tasks({ cursor: from }), []);
  const forms = useAsync(() => api.allForms(), []);

  const overdue = items.filter((a) => a.task?.overdue).length;
  const level = session.claims.level;
  return (
    <section>
      <PageTitle title="待办">待办审批</PageTitle>
      <p class="lead">
        {session.claims.name} · {level ? `${levelLabel[level]}审批` : ''} · <RegionName code={session.claims.region ?? '44'} />
      </p>
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error ? (
        <p role="status">
          共 {items.length}
          {cursor ? '+' : ''} 件待审批{overdue ? <strong class="overdue-text">，其中 {overdue} 件已超期</strong> : null}。按提交先后排列，最早的在前。
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
                  {formType?.name ?? app.type} · <RegionName code={app.regionCode} />
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
                    <dd class={app.task?.overdue ? 'overdue-text' : undefined}>{formatDate(app.task?.dueAt)}</dd>
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
      {!loading && !error && items.length === 0 ? <p class="empty">没有待审批的申请。</p> : null}
      <PageFoot loading={loading} cursor={cursor} more={more} what="待办" />
    </section>
  );
}
