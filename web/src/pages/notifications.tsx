// The notification centre: the caller's notices (an office's for an official, the organisation's for an applicant),
// newest first, each with its application; marked read one by one, when its application is opened, or all at once.
import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Session } from '../auth';
import { formatTime, notificationKindLabel } from '../labels';
import { Link, navigate, useLocation } from '../router';
import type { Notification } from '../types';
import { ErrorNotice, Notice, PageTitle, messageOf, usePages, PageFoot } from '../ui';
import { setUnread, unreadText } from '../unread';

/** Kinds that ask for something to be done: shown with a stronger mark. */
const pressing = new Set(['task', 'overdue', 'urge', 'returned', 'escalated']);

export function NotificationsPage({ session }: { session: Session }) {
  const { query } = useLocation();
  const onlyUnread = query.get('unread') === 'true';
  const sub = session.claims.sub ?? session.token;
  const [unread, setCount] = useState<number>();
  const { items, cursor, error, loading, more } = usePages(async (from) => {
    const page = await api.notifications({ unread: onlyUnread, cursor: from, limit: 20 });
    setCount(page.unread);
    setUnread(page.unread, sub);
    return page;
  }, [onlyUnread]);
  // Read marks made here, over what the list said: ids marked one by one, and everything up to a notice marked at once.
  const [readIds, setReadIds] = useState<Set<string>>(new Set());
  const [allReadUpTo, setAllReadUpTo] = useState<string>();
  const [flash, setFlash] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);
  const isRead = (n: Notification) => n.read || readIds.has(n.id) || (allReadUpTo !== undefined && n.id <= allReadUpTo);

  const counted = (value: number) => {
    setCount(value);
    setUnread(value, sub);
  };

  const markOne = async (notice: Notification) => {
    try {
      const out = await api.markRead(notice.id);
      setReadIds((ids) => new Set(ids).add(notice.id));
      counted(out.unread);
      return true;
    } catch (e) {
      setFlash({ kind: 'error', text: messageOf(e) });
      return false;
    }
  };

  const markAll = async () => {
    setBusy(true);
    try {
      const newest = items[0]?.id;
      const out = await api.markAllRead();
      if (newest) setAllReadUpTo(newest);
      counted(out.unread);
      setFlash({ kind: 'success', text: '已全部标为已读。' });
    } catch (e) {
      setFlash({ kind: 'error', text: messageOf(e) });
    }
    setBusy(false);
  };

  const open = (notice: Notification) => async (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (!isRead(notice)) await markOne(notice);
    navigate(hrefOf(notice)!);
  };

  return (
    <section>
      <PageTitle title="通知">通知</PageTitle>
      <div class="toolbar" role="group" aria-label="通知筛选与操作">
        <div class="check">
          <input
            type="checkbox"
            id="only-unread"
            checked={onlyUnread}
            onChange={(e) => navigate(e.currentTarget.checked ? '/notifications?unread=true' : '/notifications', { replace: true })}
          />
          <label for="only-unread">只看未读</label>
        </div>
        <button type="button" class="secondary" disabled={busy || !unread} onClick={() => void markAll()}>
          全部标为已读
        </button>
      </div>
      <div class="live-region" role="status">
        {flash ? (
          <Notice kind={flash.kind} announced={false}>
            {flash.text}
          </Notice>
        ) : null}
        {!loading && !error && unread !== undefined ? <p>{unread ? `共有 ${unreadText(unread)} 条未读通知。` : '没有未读通知。'}按时间从新到旧排列。</p> : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <ul class="cards notifications">
        {items.map((notice) => {
          const read = isRead(notice);
          return (
            <li key={notice.id}>
              <article class={`card notification${read ? '' : ' unread'}${pressing.has(notice.kind) ? ' pressing' : ''}`} aria-labelledby={`n-${notice.id}`}>
                <header class="card-head">
                  <h2 id={`n-${notice.id}`}>
                    {hrefOf(notice) ? (
                      <Link href={hrefOf(notice)!} onClick={open(notice)}>
                        {notice.title}
                      </Link>
                    ) : (
                      notice.title
                    )}
                  </h2>
                  <span>
                    <span class={`badge kind-${notice.kind}`}>{notificationKindLabel[notice.kind]}</span>
                    {read ? null : <span class="badge unread-badge">未读</span>}
                  </span>
                </header>
                <p class="notification-body">{notice.body}</p>
                <p class="card-meta">
                  <time dateTime={notice.at}>{formatTime(notice.at)}</time>
                  {read ? (
                    <span class="muted"> · 已读</span>
                  ) : (
                    <>
                      {' · '}
                      <button type="button" class="link" onClick={() => void markOne(notice)} aria-label={`将“${notice.title}”标为已读`}>
                        标为已读
                      </button>
                    </>
                  )}
                </p>
              </article>
            </li>
          );
        })}
      </ul>
      {!loading && !error && items.length === 0 ? <p class="empty">{onlyUnread ? '没有未读通知。' : '还没有通知。'}</p> : null}
      <PageFoot loading={loading} cursor={cursor} more={more} what="通知" />
    </section>
  );
}

/** Where a notice leads: its application, or its need of the demand library. */
function hrefOf(notice: Notification): string | undefined {
  if (notice.applicationId) return `/applications/${notice.applicationId}`;
  if (notice.demandId) return `/demands/${notice.demandId}`;
  return undefined;
}
