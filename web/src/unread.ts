// The signed-in user's unread notification count, shared by the header's badge and the notification pages: read
// when a page is opened, every half minute while the page is in view, and set from each answer that carries it.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';

const EVERY_MS = 30_000;

let count: number | null = null;
let owner: string | undefined;
const listeners = new Set<() => void>();

/** Sets the count from an answer of the API (the list, a mark read) for the user `sub`. */
export function setUnread(value: number, sub?: string): void {
  if (sub !== undefined) owner = sub;
  count = value;
  listeners.forEach((listener) => listener());
}

/** Reads the count again (a failure keeps the last one: the badge is a hint, the page is the truth). */
export async function refreshUnread(sub: string): Promise<void> {
  try {
    const page = await api.notifications({ limit: 1 });
    setUnread(page.unread, sub);
  } catch {
    // kept as it was
  }
}

/** How a count reads: 100 means 100 or more. */
export const unreadText = (value: number) => (value > 99 ? '99+' : String(value));

/** The count for the user `sub` (undefined: nobody signed in), kept fresh while mounted. `path` re-reads it on each page. */
export function useUnread(sub: string | undefined, path: string): number | null {
  const [, rerender] = useState(0);
  useEffect(() => {
    const listener = () => rerender((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  useEffect(() => {
    if (!sub) return;
    if (owner !== sub) {
      // another user signed in: not the last one's count
      owner = sub;
      count = null;
    }
    void refreshUnread(sub);
  }, [sub, path]);
  useEffect(() => {
    if (!sub) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && void refreshUnread(sub), EVERY_MS);
    const onShow = () => document.visibilityState === 'visible' && void refreshUnread(sub);
    document.addEventListener('visibilitychange', onShow);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onShow);
    };
  }, [sub]);
  return sub && owner === sub ? count : null;
}
