import { api } from '../api';
import type { Session } from '../auth';
import { actionLabel, formatCaseNo, formatTime, levelLabel } from '../labels';
import { RegionName } from '../region-name';
import { Link } from '../router';
import { ErrorNotice, PageFoot, PageTitle, useAsync, usePages } from '../ui';
import { OfficeTabs } from '../office-tabs';

/** 已办: what the official's office decided, newest first, with the decision and its date. */
export function DecidedPage({ session }: { session: Session }) {
  const { items, cursor, error, loading, more } = usePages((from) => api.decisions({ cursor: from }), []);
  const forms = useAsync(() => api.forms(), []);
  const level = session.claims.level;
  return (
    <section>
      <PageTitle title="已办">已办事项</PageTitle>
      <p class="lead">
        {session.claims.name} · {level ? `${levelLabel[level]}审批` : ''} · <RegionName code={session.claims.region ?? '44'} />
      </p>
      <OfficeTabs current="decided" />
      {error ? <ErrorNotice error={error} /> : null}
      {!loading && !error && items.length === 0 ? <p class="empty">本办公室还没有作出审批决定。</p> : null}
      {items.length ? (
        <div class="table-scroll" tabIndex={0} role="region" aria-label="已办列表">
          <table class="table decided">
            <caption class="visually-hidden">本办公室作出的审批决定，最新的在前</caption>
            <thead>
              <tr>
                <th scope="col">决定时间</th>
                <th scope="col">决定</th>
                <th scope="col">申请</th>
                <th scope="col">受理号</th>
                <th scope="col">类型</th>
                <th scope="col">申请单位</th>
                <th scope="col">审批人</th>
                <th scope="col">意见</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.at}-${item.applicationId}`}>
                  <td>{formatTime(item.at)}</td>
                  <td>
                    <span class={`decision decision-${item.action}`}>{actionLabel[item.action]}</span>
                  </td>
                  <td>
                    <Link href={`/applications/${item.applicationId}?from=decided`}>{item.name ?? '申请'}</Link>
                  </td>
                  <td class="case-no">{formatCaseNo(item.caseNo)}</td>
                  <td>{forms.data?.find((f) => f.type === item.type)?.name ?? item.type}</td>
                  <td>{item.organisation ?? '—'}</td>
                  <td>{item.actor.name}</td>
                  <td>{item.comment ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <PageFoot loading={loading} cursor={cursor} more={more} what="已办" />
    </section>
  );
}
