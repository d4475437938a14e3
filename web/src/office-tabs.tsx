// 待办 and 已办: the office's two lists, one tab each (web/src/pages/inbox.tsx, web/src/pages/decided.tsx). Its own module,
// so that 已办 does not carry the inbox page.
import { Link } from './router';

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
