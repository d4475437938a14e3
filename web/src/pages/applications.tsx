import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { Session } from '../auth';
import { formatCaseNo, formatDate, statusLabel } from '../labels';
import { pathTitle } from '../form-value';
import { History, Progress } from '../progress';
import { RegionName } from '../region-name';
import { Link } from '../router';
import type { Application, FormType, ListFilters, Status } from '../types';
import { SearchBar } from '../search-bar';
import { ErrorNotice, Loading, PageTitle, StatusBadge, messageOf, useAsync, usePages, PageFoot } from '../ui';

const titles = { applicant: '我的申请', official: '辖区内的申请', admin: '全部申请', village: '申请' } as const;

export function ApplicationsPage({ session }: { session: Session }) {
  const [filters, setFilters] = useState<ListFilters & { status?: string }>({});
  const [status, setStatus] = useState('');
  const { items, cursor, error, loading, more } = usePages((from) => api.applications({ ...filters, cursor: from }), [filters]);
  const forms = useAsync(() => api.allForms(), []);

  const title = titles[session.claims.role];
  const searching = Boolean(filters.q || filters.type || filters.from || filters.to || filters.status);
  return (
    <section>
      <PageTitle title={title}>{title}</PageTitle>
      <div class="toolbar">
        {session.claims.role === 'applicant' ? (
          <Link href="/apply" class="button primary">
            ＋ 新的申请
          </Link>
        ) : null}
      </div>
      <SearchBar forms={forms.data} onSearch={(next) => setFilters({ ...next, status: status || undefined })}>
        <div class="field">
          <label for="status-filter">状态</label>
          <select
            id="status-filter"
            value={status}
            onChange={(e) => {
              // The status applies at once, as it did before the search; the other filters on 搜索.
              const next = e.currentTarget.value;
              setStatus(next);
              setFilters({ ...filters, status: next || undefined });
            }}
          >
            <option value="">全部</option>
            {(Object.keys(statusLabel) as Status[]).map((s) => (
              <option key={s} value={s}>
                {statusLabel[s]}
              </option>
            ))}
          </select>
        </div>
      </SearchBar>
      {!loading && !error && searching ? (
        <p role="status">
          找到 {items.length}
          {cursor ? '+' : ''} 件符合条件的申请。
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error && items.length === 0 ? (
        <p class="empty">
          {searching ? '没有符合条件的申请。' : '暂无申请。'}
          {!searching && session.claims.role === 'applicant' ? <Link href="/apply">去申报</Link> : null}
        </p>
      ) : null}
      <ul class="cards">
        {items.map((app) => (
          <li key={app.id}>
            <ApplicationCard app={app} forms={forms.data} />
          </li>
        ))}
      </ul>
      <PageFoot loading={loading} cursor={cursor} more={more} what="申请" />
    </section>
  );
}

function ApplicationCard({ app, forms }: { app: Application; forms?: FormType[] }) {
  const formType = forms?.find((f) => f.type === app.type);
  const name = (app.subject?.title ?? String(app.form.name ?? '（未命名）'));
  return (
    <article class="card" aria-labelledby={`app-${app.id}`}>
      <header class="card-head">
        <h2 id={`app-${app.id}`}>
          <Link href={`/applications/${app.id}`}>{name}</Link>
        </h2>
        <StatusBadge status={app.status} />
      </header>
      <p class="card-meta">
        受理号 <span class="case-no">{formatCaseNo(app.caseNo)}</span> · {formType?.name ?? app.type} · <RegionName code={app.regionCode} /> · {formatDate(app.submittedAt)} 提交
      </p>
      <Progress app={app} />
      <HistoryDetails id={app.id} formType={formType} />
      {app.status === 'RETURNED' ? (
        <p>
          <Link href={`/applications/${app.id}/edit`} class="button primary">
            查看问题并修改
          </Link>
        </p>
      ) : null}
    </article>
  );
}

/** The decisions and comments, fetched when the user opens them (the list itself carries no history). */
function HistoryDetails({ id, formType }: { id: string; formType?: FormType }) {
  const [open, setOpen] = useState(false);
  const [app, setApp] = useState<Application>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (open && !app) api.application(id).then(setApp, (e) => setError(messageOf(e)));
  }, [open, id, app]);
  return (
    <details class="history-details" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>审批记录与意见</summary>
      {error ? <p class="field-error">{error}</p> : app ? <History entries={app.history ?? []} titleOf={formType ? (path) => pathTitle(formType, path) : undefined} replaced={app.replacedMaterials} /> : open ? <Loading what="审批记录" /> : null}
    </details>
  );
}

