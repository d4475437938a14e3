import { useState } from 'preact/hooks';
import { demoAccounts, signInAs, signInWithCognito, type DemoAccount } from '../auth';
import { Link, navigate } from '../router';
import { homeFor } from '../home';
import type { AuthConfig } from '../config';
import { Notice, PageTitle, messageOf } from '../ui';

export function SignInPage({ mode, next }: { mode: AuthConfig['mode']; next?: string }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const pick = async (account: DemoAccount) => {
    setBusy(true);
    setError(undefined);
    try {
      const session = await signInAs(account.claims);
      navigate(next && next.startsWith('/') ? next : homeFor(session.claims.role), { replace: true });
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <PageTitle title="登录">登录</PageTitle>
      {error ? <Notice kind="error">{error}</Notice> : null}
      {mode === 'cognito' ? (
        <>
          <p>请使用省科协分配的账号登录。</p>
          <button type="button" class="primary" onClick={() => void signInWithCognito().catch((e) => setError(messageOf(e)))}>
            前往统一身份认证登录
          </button>
        </>
      ) : (
        <>
          <p>本机演示环境：请选择一个演示账号登录（由本地签发服务颁发登录凭证）。</p>
          <ul class="accounts">
            {demoAccounts.map((account) => (
              <li key={account.label}>
                <button type="button" class="account" disabled={busy} onClick={() => void pick(account)}>
                  <strong>{account.label}</strong>
                  <span>{account.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="muted">
        无需登录也可<Link href="/certificates">查验证书</Link>。
      </p>
    </section>
  );
}
