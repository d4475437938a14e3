// The shell (header, navigation by role) and which page each address shows.
import type { ComponentChildren } from 'preact';
import { signOut, useSession, type Session } from './auth';
import type { AuthConfig } from './config';
import { roleLabel } from './labels';
import { lazyPage } from './lazy-page';
import { SignInPage } from './pages/sign-in';
import { Link, Redirect, match, navigate, useLocation } from './router';
import { homeFor } from './home';
import type { Role } from './types';
import { Notice, PageTitle } from './ui';
import { unreadText, useUnread } from './unread';


type Params = Record<string, string>;

// Every page but the sign-in loads when first opened (issue 18: the first JS at most 30 KiB gzip): the shell, the
// router and the sign-in come first, a page's own code (its forms, tables, charts, the map) when it is shown.
const ApplicationPage = lazyPage(() => import('./pages/application').then((m) => m.ApplicationPage));
const ApplicationsPage = lazyPage(() => import('./pages/applications').then((m) => m.ApplicationsPage));
const ApplyPage = lazyPage(() => import('./pages/apply').then((m) => m.ApplyPage));
const DraftsPage = lazyPage(() => import('./pages/drafts').then((m) => m.DraftsPage));
const CataloguePage = lazyPage(() => import('./pages/catalogue').then((m) => m.CataloguePage));
const CertificateLookupPage = lazyPage(() => import('./pages/certificate').then((m) => m.CertificateLookupPage));
const CertificatePage = lazyPage(() => import('./pages/certificate').then((m) => m.CertificatePage));
const CertificatePrintPage = lazyPage(() => import('./pages/certificate').then((m) => m.CertificatePrintPage));
const ChannelsPage = lazyPage(() => import('./pages/channels').then((m) => m.ChannelsPage));
const CorrectPage = lazyPage(() => import('./pages/correct').then((m) => m.CorrectPage));
const DashboardPage = lazyPage(() => import('./pages/dashboard').then((m) => m.DashboardPage));
const DecidedPage = lazyPage(() => import('./pages/decided').then((m) => m.DecidedPage));
const FailedDeliveriesPage = lazyPage(() => import('./pages/deliveries').then((m) => m.FailedDeliveriesPage));
const DemandNewPage = lazyPage(() => import('./pages/demand-form').then((m) => m.DemandNewPage));
const DemandPage = lazyPage(() => import('./pages/demands').then((m) => m.DemandPage));
const DemandsPage = lazyPage(() => import('./pages/demands').then((m) => m.DemandsPage));
const GapsPage = lazyPage(() => import('./pages/gaps').then((m) => m.GapsPage));
const InboxPage = lazyPage(() => import('./pages/inbox').then((m) => m.InboxPage));
const NotificationsPage = lazyPage(() => import('./pages/notifications').then((m) => m.NotificationsPage));
const ProgressLookupPage = lazyPage(() => import('./pages/progress-lookup').then((m) => m.ProgressLookupPage));
const RegistryPage = lazyPage(() => import('./pages/registry').then((m) => m.RegistryPage));
const ChangePage = lazyPage(() => import('./pages/station-life').then((m) => m.ChangePage));
const DissolvePage = lazyPage(() => import('./pages/station-life').then((m) => m.DissolvePage));
const RenewalPage = lazyPage(() => import('./pages/station-life').then((m) => m.RenewalPage));
const ReportPage = lazyPage(() => import('./pages/station-life').then((m) => m.ReportPage));

interface Route {
  path: string;
  /** Who may open it; none: anyone, signed in or not. */
  roles?: Role[];
  page: (params: Params, session: Session) => ComponentChildren;
}

const everyone: Role[] = ['applicant', 'official', 'admin'];

const routes: Route[] = [
  { path: '/certificates', page: () => <CertificateLookupPage /> },
  { path: '/certificates/:no', page: ({ no }) => <CertificatePage no={no!} /> },
  { path: '/certificates/:no/print', page: ({ no }) => <CertificatePrintPage no={no!} /> },
  { path: '/certificates/:no/report', roles: ['applicant'], page: ({ no }) => <ReportPage no={no!} /> },
  { path: '/certificates/:no/change', roles: ['applicant'], page: ({ no }) => <ChangePage no={no!} /> },
  { path: '/certificates/:no/renewal', roles: ['applicant'], page: ({ no }) => <RenewalPage no={no!} /> },
  { path: '/certificates/:no/dissolve', roles: ['applicant'], page: ({ no }) => <DissolvePage no={no!} /> },
  { path: '/apply', roles: ['applicant'], page: () => <CataloguePage /> },
  // Keyed by the draft the address named when the page was opened: 继续填写 another draft starts the page anew.
  { path: '/apply/:type', roles: ['applicant'], page: ({ type }, session) => <ApplyPage key={`${type}?${new URLSearchParams(location.search).get('draft') ?? ''}`} type={type!} session={session} /> },
  { path: '/drafts', roles: ['applicant'], page: () => <DraftsPage /> },
  { path: '/applications', roles: everyone, page: (_, session) => <ApplicationsPage session={session} /> },
  { path: '/applications/:id', roles: everyone, page: ({ id }, session) => <ApplicationPage key={id} id={id!} session={session} /> },
  { path: '/applications/:id/edit', roles: ['applicant'], page: ({ id }) => <CorrectPage id={id!} /> },
  { path: '/inbox', roles: ['official'], page: (_, session) => <InboxPage session={session} /> },
  { path: '/decided', roles: ['official'], page: (_, session) => <DecidedPage session={session} /> },
  { path: '/progress', page: () => <ProgressLookupPage /> },
  { path: '/registry', roles: ['admin'], page: () => <RegistryPage /> },
  { path: '/dashboard', roles: ['admin'], page: () => <DashboardPage /> },
  { path: '/demands', roles: [...everyone, 'village'], page: (_, session) => <DemandsPage session={session} /> },
  { path: '/demands/new', roles: ['official', 'village'], page: (_, session) => <DemandNewPage session={session} /> },
  { path: '/demands/:id', roles: [...everyone, 'village'], page: ({ id }, session) => <DemandPage key={id} id={id!} session={session} /> },
  { path: '/demands/:id/edit', roles: ['village'], page: ({ id }, session) => <DemandNewPage key={id} session={session} correcting={id!} /> },
  { path: '/gaps', roles: ['official', 'admin'], page: (_, session) => <GapsPage session={session} /> },
  { path: '/notifications', roles: [...everyone, 'village'], page: (_, session) => <NotificationsPage session={session} /> },
  { path: '/offices/channels', roles: ['admin'], page: () => <ChannelsPage /> },
  { path: '/deliveries/failed', roles: ['admin'], page: () => <FailedDeliveriesPage /> },
];

const navigation: Record<Role, { href: string; label: string }[]> = {
  applicant: [
    { href: '/apply', label: '申报' },
    { href: '/drafts', label: '草稿' },
    { href: '/applications', label: '我的申请' },
    { href: '/demands', label: '需求库' },
  ],
  official: [
    { href: '/inbox', label: '待办审批' },
    { href: '/applications', label: '辖区申请' },
    { href: '/demands', label: '需求库' },
    { href: '/gaps', label: '缺口清单' },
  ],
  village: [
    { href: '/demands', label: '需求库' },
    { href: '/demands/new', label: '提交需求' },
  ],
  admin: [
    { href: '/registry', label: '备案查询' },
    { href: '/dashboard', label: '进度统计' },
    { href: '/applications', label: '全部申请' },
    { href: '/demands', label: '需求库' },
    { href: '/gaps', label: '缺口清单' },
    { href: '/offices/channels', label: '通知渠道' },
    { href: '/deliveries/failed', label: '投递失败' },
  ],
};

/** The header's way to the notification centre, with the unread count (read out with the link's name). */
function NotificationsLink({ session, path }: { session: Session; path: string }) {
  const unread = useUnread(session.claims.sub ?? session.token, path);
  const label = unread ? `通知，${unreadText(unread)} 条未读` : '通知';
  return (
    <Link href="/notifications" class="notifications-link" aria-label={label} aria-current={path === '/notifications' ? 'page' : undefined}>
      <span aria-hidden="true">通知</span>
      {unread ? (
        <span class="unread-count" aria-hidden="true">
          {unreadText(unread)}
        </span>
      ) : null}
    </Link>
  );
}

function Header({ session, path, from }: { session: Session | null; path: string; from?: string | null }) {
  const links = [...(session ? navigation[session.claims.role] : []), { href: '/progress', label: '办件查询' }, { href: '/certificates', label: '证书查验' }];
  // An application opened from a list (`?from=inbox`) belongs, in the menu, to that list: 待办, not 辖区申请; 已办 is
  // a tab of 待办审批.
  const tab = (at: string | null | undefined) => (at === 'decided' || at === '/decided' ? '/inbox' : at);
  const cameFrom = links.find((link) => from && link.href === tab(`/${from}`));
  const current = (href: string) => (cameFrom ? href === cameFrom.href : path === href || path.startsWith(`${href}/`) || tab(path) === href);
  return (
    <header class="site-header no-print">
      <a class="skip-link" href="#main">
        跳到主要内容
      </a>
      <div class="site-bar">
        <Link href="/" class="site-title">
          <span class="site-org">广东省科协 · 科技工作者上山下乡</span>
          <span class="site-name">站点与协会申报审批平台</span>
        </Link>
        <div class="site-user">
          {session ? (
            <>
              <NotificationsLink session={session} path={path} />
              <span>
                {session.claims.name}
                <span class="muted">（{roleLabel[session.claims.role]}）</span>
              </span>
              <button
                type="button"
                class="link"
                onClick={() => {
                  void signOut();
                  navigate('/sign-in');
                }}
              >
                退出
              </button>
            </>
          ) : (
            <Link href="/sign-in">登录</Link>
          )}
        </div>
      </div>
      <nav aria-label="主导航">
        <ul>
          {links.map((link) => (
            <li key={link.href}>
              <Link href={link.href} aria-current={current(link.href) ? 'page' : undefined}>
                {link.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}

function Page({ path, session, mode }: { path: string; session: Session | null; mode: AuthConfig['mode'] }) {
  if (path === '/' || path === '') {
    if (session) return <Redirect to={homeFor(session.claims.role)} />;
    return <SignInPage mode={mode} />;
  }
  if (path === '/sign-in') return <SignInPage mode={mode} next={new URLSearchParams(location.search).get('next') ?? undefined} />;
  for (const route of routes) {
    const params = match(route.path, path);
    if (!params) continue;
    if (!route.roles) return route.page(params, session!);
    if (!session) return <SignInPage mode={mode} next={path + location.search} />;
    if (!route.roles.includes(session.claims.role)) {
      return <Notice kind="warning">此页面仅供{route.roles.map((r) => roleLabel[r]).join('、')}使用。</Notice>;
    }
    return route.page(params, session);
  }
  return (
    <section>
      <PageTitle title="页面不存在">页面不存在</PageTitle>
      <p>
        没有这个页面。<Link href="/">返回首页</Link>
      </p>
    </section>
  );
}

export function App({ mode, notice }: { mode: AuthConfig['mode']; notice?: string }) {
  const { path, query } = useLocation();
  const session = useSession();
  return (
    <>
      <Header session={session} path={path} from={path.startsWith('/applications/') ? query.get('from') : null} />
      <main id="main">
        {notice ? <Notice kind="error">{notice}</Notice> : null}
        <Page path={path} session={session} mode={mode} />
      </main>
      <footer class="site-footer no-print">广东省科学技术协会 · 站点与协会申报审批平台</footer>
    </>
  );
}
