import { useRef, useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { useSession } from '../auth';
import { formatDate, formatTime, gradeLabel } from '../labels';
import { Link, navigate } from '../router';
import type { Certificate } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, messageOf, useAsync } from '../ui';

/** Anyone: type a certificate number to verify it. */
export function CertificateLookupPage() {
  const [no, setNo] = useState('');
  return (
    <section class="narrow">
      <PageTitle title="证书查验">证书查验</PageTitle>
      <p>输入证书编号，或用手机扫描证书上的二维码，核对站点与协会的备案证书是否真实有效。</p>
      <form
        class="lookup"
        onSubmit={(e) => {
          e.preventDefault();
          if (no.trim()) navigate(`/certificates/${encodeURIComponent(no.trim())}`);
        }}
      >
        <div class="field">
          <label for="certificate-no">证书编号</label>
          <input id="certificate-no" type="text" value={no} placeholder="如 GDKX-2026-000001" onInput={(e) => setNo(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          查验
        </button>
      </form>
    </section>
  );
}

function useCertificate(no: string) {
  return useAsync(() => api.certificate(no), [no]);
}

const notFound = (error: unknown) => error instanceof ApiError && error.status === 404;

function CertificateFields({ cert }: { cert: Certificate }) {
  return (
    <dl class="record">
      <div class="record-row">
        <dt>证书编号</dt>
        <dd>
          {cert.certificateNo}
          {cert.title ? `（${cert.title}）` : ''}
        </dd>
      </div>
      <div class="record-row">
        <dt>名称</dt>
        <dd>{cert.name}</dd>
      </div>
      <div class="record-row">
        <dt>类型</dt>
        <dd>{cert.typeName}</dd>
      </div>
      <div class="record-row">
        <dt>申请单位</dt>
        <dd>{cert.organisation}</dd>
      </div>
      <div class="record-row">
        <dt>所在区划</dt>
        <dd>{cert.regionName}</dd>
      </div>
      <div class="record-row">
        <dt>批准日期</dt>
        <dd>{formatDate(cert.approvedAt)}</dd>
      </div>
      <div class="record-row">
        <dt>服务期至</dt>
        <dd>{cert.validUntil ? formatDate(cert.validUntil) : '长期有效'}</dd>
      </div>
      <div class="record-row">
        <dt>状态</dt>
        <dd>
          <span class={`cert-status cert-status-${cert.status.toLowerCase()}`}>{cert.statusName}</span>
          {cert.revokedAt ? `（${formatTime(cert.revokedAt)} 撤销）` : cert.dissolvedAt ? `（${formatTime(cert.dissolvedAt)} 注销）` : ''}
        </dd>
      </div>
      {cert.reason ? (
        <div class="record-row">
          <dt>{cert.status === 'DISSOLVED' ? '注销原因' : '撤销原因'}</dt>
          <dd>{cert.reason}</dd>
        </div>
      ) : null}
      {cert.address ? (
        <div class="record-row">
          <dt>详细地址</dt>
          <dd>
            {cert.address}
            <ChangedOn at={cert.changedAt?.address} />
          </dd>
        </div>
      ) : null}
      {cert.experts?.length ? (
        <div class="record-row">
          <dt>专家</dt>
          <dd>
            {cert.experts.map((e) => `${e.name}（${e.title}）`).join('、')}
            <ChangedOn at={cert.changedAt?.experts} />
          </dd>
        </div>
      ) : null}
      {cert.changedAt && Object.keys(cert.changedAt).length ? (
        <div class="record-row">
          <dt>变更</dt>
          <dd>
            {Object.entries(cert.changedAt)
              .map(([field, at]) => `${changeNames[field] ?? field} ${formatDate(at!)} 变更`)
              .join('；')}
          </dd>
        </div>
      ) : null}
      {cert.evaluations?.length ? (
        <div class="record-row">
          <dt>期满评估</dt>
          <dd>{cert.evaluations.map((e) => `${formatDate(e.at)} ${e.gradeName}`).join('；')}</dd>
        </div>
      ) : null}
      {cert.report ? (
        <div class="record-row">
          <dt>年度报告</dt>
          <dd>
            {cert.report.year} 年度：{cert.report.statusName}
            {cert.reports?.filter((r) => r.year !== cert.report!.year).length
              ? `（${cert.reports.filter((r) => r.year !== cert.report!.year).map((r) => `${r.year} 年度${r.statusName}`).join('，')}）`
              : ''}
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

const changeNames: Record<string, string> = { name: '名称', contact: '联系人', address: '地址', regionCode: '所在地区', experts: '专家名单' };

function ChangedOn({ at }: { at?: string }) {
  return at ? <small class="changed-on">（{formatDate(at)} 变更）</small> : null;
}

/** What the organisation holding the certificate may do with it (the API refuses another organisation's). */
function StationActions({ no, renewal }: { no: string; renewal: boolean }) {
  const base = `/certificates/${encodeURIComponent(no)}`;
  return (
    <nav class="actions station-actions" aria-label="站点事项">
      <Link href={`${base}/report`} class="button primary">
        报送年度报告
      </Link>
      <Link href={`${base}/change`} class="button secondary">
        申请变更
      </Link>
      {renewal ? (
        <Link href={`${base}/renewal`} class="button secondary">
          期满评估与续期
        </Link>
      ) : null}
      <Link href={`${base}/dissolve`} class="button danger">
        注销站点
      </Link>
    </nav>
  );
}

/** The certificate's changes and its end, for those who may read them (the organisation, its offices, administrators). */
function CertificateHistory({ no }: { no: string }) {
  const history = useAsync(() => api.certificateHistory(no).catch(() => null), [no]);
  if (!history.data?.items.length) return null;
  const actions: Record<string, string> = { change: '变更', revoke: '撤销', dissolve: '注销', expire: '到期', renew: '期满评估' };
  return (
    <section aria-labelledby="certificate-history-title">
      <h2 id="certificate-history-title">变动记录</h2>
      <ol class="history">
        {history.data.items.map((e, i) => (
          <li key={i}>
            {formatTime(e.at)} {actions[e.action] ?? e.action}
            {e.changes?.length ? `：${e.changes.map((f) => changeNames[f] ?? f).join('、')}` : ''}
            {e.grade ? `：${gradeLabel[e.grade]}，服务期至 ${formatDate(e.validUntil!)}` : ''}
            {e.reason ? `（${e.reason}）` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}

const invalidVerdict: Record<string, string> = { REVOKED: '✕ 证书已撤销', EXPIRED: '✕ 证书已到期', DISSOLVED: '✕ 站点已注销' };

/**
 * 撤销, for the province's officials and the administrators: a reason (required), then a confirmation naming the
 * station, since a revoked certificate cannot be restored.
 */
function RevokeCertificate({ cert, onDone }: { cert: Certificate; onDone: (message: string) => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const submitButton = useRef<HTMLButtonElement>(null);

  const submit = (event: Event) => {
    event.preventDefault();
    if (reason.trim().length < 2) {
      setError('请填写撤销原因（至少2个字）');
      document.getElementById('revoke-reason')?.focus();
      return;
    }
    setError(undefined);
    dialog.current?.showModal();
    cancelButton.current?.focus();
  };

  const confirm = async () => {
    dialog.current?.close();
    setBusy(true);
    try {
      await api.revoke(cert.certificateNo, reason.trim());
      onDone(`已撤销证书 ${cert.certificateNo}。`);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="decision revoke" onSubmit={submit} noValidate aria-labelledby="revoke-title">
      <h2 id="revoke-title">撤销证书</h2>
      <p class="hint">撤销后该站点（协会）在备案中标为已撤销，不再计入统计，申请单位会收到通知。</p>
      <div class={`field wide${error ? ' invalid' : ''}`}>
        <label for="revoke-reason">
          撤销原因<span class="required" aria-hidden="true"> *</span>
        </label>
        <textarea
          id="revoke-reason"
          rows={3}
          value={reason}
          required
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'revoke-reason-error' : undefined}
          onInput={(e) => setReason(e.currentTarget.value)}
        />
        {error ? (
          <p class="field-error" id="revoke-reason-error">
            {error}
          </p>
        ) : null}
      </div>
      <div class="actions">
        <button type="submit" class="danger" ref={submitButton} disabled={busy}>
          {busy ? '正在撤销…' : '撤销证书'}
        </button>
      </div>
      <dialog ref={dialog} class="confirm" aria-labelledby="revoke-confirm-title" aria-describedby="revoke-confirm-text" onClose={() => submitButton.current?.focus()}>
        <h2 id="revoke-confirm-title">确认撤销证书</h2>
        <p id="revoke-confirm-text">撤销后证书即失效，不能恢复。确定撤销这份证书吗？</p>
        <p class="confirm-name">
          {cert.name}（{cert.certificateNo}）
        </p>
        <div class="actions">
          <button type="button" class="secondary" ref={cancelButton} onClick={() => dialog.current?.close()}>
            取消
          </button>
          <button type="button" class="danger" onClick={() => void confirm()}>
            确认撤销
          </button>
        </div>
      </dialog>
    </form>
  );
}

/** Anyone: is this certificate real? */
export function CertificatePage({ no }: { no: string }) {
  const cert = useCertificate(no);
  const session = useSession();
  const [done, setDone] = useState<string>();
  const claims = session?.claims;
  const mayRevoke = claims?.role === 'admin' || (claims?.role === 'official' && claims.level === 'province');
  return (
    <section class="narrow">
      <PageTitle title="证书查验">证书查验</PageTitle>
      {cert.loading && !cert.data ? <Loading what="证书" /> : null}
      {cert.error ? (
        notFound(cert.error) ? (
          <Notice kind="error">
            <strong>未找到证书编号 {no}。</strong>该编号不存在，证书可能不是本平台颁发的，请核对编号。
          </Notice>
        ) : (
          <ErrorNotice error={cert.error} />
        )
      ) : null}
      {cert.data ? (
        <>
          {done ? <Notice kind="success">{done}</Notice> : null}
          {new URLSearchParams(location.search).get('dissolved') ? <Notice kind="success">站点已注销。</Notice> : null}
          {cert.data.valid ? (
            <Notice kind="success">
              <strong class="verdict">✓ 证书真实有效</strong>
              <span>该站点（协会）已通过广东省科协审批，纳入全省备案。{cert.data.validity}。</span>
            </Notice>
          ) : (
            <Notice kind="error">
              <strong class="verdict">{invalidVerdict[cert.data.status] ?? '✕ 证书已失效'}</strong>
              <span>{cert.data.validity}。</span>
            </Notice>
          )}
          <CertificateFields cert={cert.data} />
          <TakenDemands cert={cert.data} />
          {mayRevoke && cert.data.status === 'ACTIVE' ? (
            <RevokeCertificate
              cert={cert.data}
              onDone={(message) => {
                setDone(message);
                void cert.reload();
              }}
            />
          ) : null}
          {claims?.role === 'applicant' && cert.data.status === 'ACTIVE' ? <StationActions no={cert.data.certificateNo} renewal={!!cert.data.renewal} /> : null}
          {session ? <CertificateHistory no={cert.data.certificateNo} /> : null}
          <p>
            <Link href={`/certificates/${encodeURIComponent(no)}/print`} class="button secondary">
              查看可打印证书
            </Link>
          </p>
        </>
      ) : null}
      <p>
        <Link href="/certificates">查验其他证书</Link>
      </p>
    </section>
  );
}

/** What a certificate no longer valid says across its printed page. */
const printedStamp: Record<string, string> = { REVOKED: '已撤销', DISSOLVED: '已注销', EXPIRED: '已过期' };
/** The needs of the demand library (需求库) the station took on, each with its rating once closed. */
function TakenDemands({ cert }: { cert: Certificate }) {
  if (!cert.demands?.length) return null;
  return (
    <section aria-labelledby="taken-demands">
      <h2 id="taken-demands">承接的需求</h2>
      <ul class="taken-demands">
        {cert.demands.map((d) => (
          <li key={d.demandId}>
            {d.title} · {formatDate(d.matchedAt)} 对接 ·{' '}
            {d.status === 'CLOSED' && d.rating ? (
              <span class="stars" aria-label={`办结，评价 ${d.rating} 星`}>
                办结 {'★'.repeat(d.rating)}
                {'☆'.repeat(5 - d.rating)}
              </span>
            ) : (
              '服务中'
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The printable certificate with a QR code pointing to its verification page. */
export function CertificatePrintPage({ no }: { no: string }) {
  const cert = useCertificate(no);
  const verifyUrl = `${location.origin}/certificates/${encodeURIComponent(cert.data?.certificateNo ?? no)}`;
  // The QR encoder is loaded only here, where a certificate is printed.
  const qr = useAsync(() => import('uqr').then(({ renderSVG }) => renderSVG(verifyUrl, { ecc: 'M', border: 1 })), [verifyUrl]);
  if (cert.error) return notFound(cert.error) ? <Notice kind="error">未找到证书编号 {no}。</Notice> : <ErrorNotice error={cert.error} />;
  if (!cert.data) return <Loading what="证书" />;
  return (
    <section>
      <div class="no-print actions">
        <button type="button" class="primary" onClick={() => window.print()}>
          打印证书
        </button>
        <Link href={`/certificates/${encodeURIComponent(no)}`} class="button secondary">
          返回查验页
        </Link>
      </div>
      <article class="certificate" aria-labelledby="certificate-title">
        <p class="certificate-issuer">广东省科学技术协会</p>
        <PageTitle title="备案证书">
          <span id="certificate-title">备案证书</span>
        </PageTitle>
        <p class="certificate-no">{cert.data.title ?? cert.data.certificateNo}</p>
        {!cert.data.valid ? (
          <p class={`certificate-stamp certificate-stamp-${cert.data.status.toLowerCase()}`} role="status">
            <span class="certificate-stamp-word">{printedStamp[cert.data.status] ?? '已失效'}</span>
            <span class="certificate-stamp-text">{cert.data.validity}。本证书不再有效。</span>
          </p>
        ) : null}
        <p class="certificate-body">
          <strong>{cert.data.name}</strong>
          <br />
          经逐级审核，准予设立并纳入广东省“科技工作者上山下乡”站点与协会备案。
        </p>
        <CertificateFields cert={cert.data} />
        <div class="certificate-foot">
          <figure class="qr">
            <div class="qr-code" role="img" aria-label={`二维码：${verifyUrl}`} dangerouslySetInnerHTML={{ __html: qr.data ?? '' }} />
            <figcaption>扫码查验真伪</figcaption>
          </figure>
          <p class="certificate-date">
            广东省科学技术协会
            <br />
            {formatDate(cert.data.approvedAt)}
          </p>
        </div>
        <p class="certificate-url">查验网址：{verifyUrl}</p>
      </article>
    </section>
  );
}
