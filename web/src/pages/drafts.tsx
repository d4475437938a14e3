// 我的草稿: the organisation's applications as typed so far, to resume or delete.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { formatTime } from '../labels';
import { Link } from '../router';
import { ErrorNotice, Loading, Notice, PageTitle, messageOf, useAsync } from '../ui';

export function DraftsPage() {
  const drafts = useAsync(() => api.drafts(), []);
  const [failure, setFailure] = useState<string>();
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const items = drafts.data?.items.filter((d) => !removed.has(d.id)) ?? [];
  return (
    <section>
      <PageTitle title="我的草稿">我的草稿</PageTitle>
      <p class="muted">填写中的申请随时自动保存在这里，本单位的账号都可继续填写。草稿最后一次保存后保留 30 天；提交成功后自动删除。</p>
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      {drafts.error ? <ErrorNotice error={drafts.error} /> : null}
      {!drafts.data && !drafts.error ? <Loading what="草稿" /> : null}
      {drafts.data && !items.length ? (
        <p>
          没有草稿。<Link href="/apply">开始申报</Link>
        </p>
      ) : null}
      {items.length ? (
        <ul class="draft-list">
          {items.map((d) => (
            <li key={d.id} class="card">
              <p>
                <strong>{d.title || '（未填写名称）'}</strong> <span class="muted">· {d.typeName}</span>
              </p>
              <p class="muted">
                {formatTime(d.updatedAt)} 由 {d.updatedBy.name} 保存 · 附件 {d.materials} 个 · 保留至 {formatTime(d.expiresAt)}
              </p>
              <p class="actions">
                <Link href={`/apply/${d.type}?draft=${d.id}`} class="button primary" aria-label={`继续填写 ${d.title || d.typeName}`}>
                  继续填写
                </Link>
                <button
                  type="button"
                  class="link danger"
                  aria-label={`删除草稿 ${d.title || d.typeName}`}
                  onClick={async () => {
                    if (!confirm(`删除草稿“${d.title || d.typeName}”？删除后不能恢复。`)) return;
                    try {
                      await api.deleteDraft(d.id);
                      setRemoved((was) => new Set([...was, d.id]));
                      setFailure(undefined);
                    } catch (error) {
                      setFailure(messageOf(error));
                    }
                  }}
                >
                  删除
                </button>
              </p>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
