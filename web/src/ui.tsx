// Small pieces every page uses: the page heading, loading and error notices, the status badge, data loading.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { statusLabel } from './labels';
import type { Page, Status } from './types';

/** The page's h1; it takes the focus when the page changes, so screen readers and keyboards start at the top. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · 站点与协会申报审批平台`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

export function StatusBadge({ status }: { status: Status }) {
  return <span class={`status status-${status.toLowerCase()}`}>{statusLabel[status]}</span>;
}

/** A message that announces itself; `announced={false}` inside a live region kept on the page (one added with its message is not always read). */
export function Notice({
  kind = 'info',
  announced = true,
  children,
}: {
  kind?: 'info' | 'error' | 'success' | 'warning';
  announced?: boolean;
  children: ComponentChildren;
}) {
  return (
    <div class={`notice notice-${kind}`} role={announced ? (kind === 'error' ? 'alert' : 'status') : undefined}>
      {children}
    </div>
  );
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : '出错了，请稍后重试');

export function ErrorNotice({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status === 403) return <Notice kind="error">没有权限查看此页面。</Notice>;
  // Bad filters or search: every problem the API named, each once.
  const issues = error instanceof ApiError && error.status === 400 ? [...new Set(error.issues.map((issue) => issue.message))] : [];
  return (
    <Notice kind="error">
      {messageOf(error)}
      {issues.length ? (
        <ul>
          {issues.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : null}
    </Notice>
  );
}

export function Loading({ what = '内容' }: { what?: string }) {
  return (
    <p class="loading" role="status">
      正在加载{what}…
    </p>
  );
}

/** The foot of a paged list: loading its next page, or the button that asks for it while there is one. */
export function PageFoot({ loading, cursor, more, what }: { loading: boolean; cursor: string | null | undefined; more: () => void; what: string }) {
  if (loading) return <Loading what={what} />;
  return cursor ? (
    <button type="button" class="secondary" onClick={more}>
      加载更多
    </button>
  ) : null;
}

export interface Async<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...state, reload };
}

/** A list read page by page: the first page whenever `deps` change, the next on `more()`. */
export interface Pages<T> {
  items: T[];
  /** Where the next page starts; null when there is none. */
  cursor: string | null;
  error?: unknown;
  loading: boolean;
  more: () => void;
}

export function usePages<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, deps: unknown[]): Pages<T> {
  const [state, setState] = useState<Omit<Pages<T>, 'more'>>({ items: [], cursor: null, loading: true });
  // Only the answer to the latest request counts: a page asked for before the filters changed is dropped.
  const latest = useRef(0);
  const load = (from: string | null) => {
    const request = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    fetchPage(from).then(
      (page) => {
        if (request !== latest.current) return;
        setState((s) => ({ items: from ? [...s.items, ...page.items] : page.items, cursor: page.cursor, loading: false }));
      },
      (error: unknown) => request === latest.current && setState((s) => ({ ...s, error, loading: false })),
    );
  };
  useEffect(() => load(null), deps);
  return { ...state, more: () => state.cursor && load(state.cursor) };
}
