// A certified station's own pages: its annual report (年度报告), a change (变更) and its dissolution (注销), each filed
// by the organisation holding the certificate; the reports and changes are then followed like any application.
import { useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { ApplicationForm } from '../application-form';
import { Link, navigate } from '../router';
import { ErrorNotice, Loading, Notice, PageTitle, messageOf, useAsync } from '../ui';

const thisYear = () => Number(new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

function Breadcrumb({ no, here }: { no: string; here: string }) {
  return (
    <p class="breadcrumb">
      <Link href={`/certificates/${encodeURIComponent(no)}`}>证书 {no}</Link> / {here}
    </p>
  );
}

/** 年度报告: the year (from the station's first year to this one) and what it did. */
export function ReportPage({ no }: { no: string }) {
  const data = useAsync(() => Promise.all([api.certificate(no), api.processForms()]), [no]);
  const [year, setYear] = useState<number>();
  if (data.error) return <ErrorNotice error={data.error} />;
  if (!data.data) return <Loading what="年度报告表" />;
  const [cert, forms] = data.data;
  const formType = forms.find((f) => f.type === 'annual-report')!;
  const first = Number(cert.approvedAt.slice(0, 4));
  const years = Array.from({ length: Math.max(1, thisYear() - first + 1) }, (_, i) => first + i).reverse();
  const chosen = year ?? cert.report?.year ?? years[0]!;
  return (
    <section>
      <Breadcrumb no={no} here="报送年度报告" />
      <PageTitle title="报送年度报告">报送年度报告</PageTitle>
      <p>
        {cert.name}（{cert.certificateNo}）。年度报告由站点所在县（区）科协审核；退回修改的，可在“我的申请”中修改后重新提交。
      </p>
      {!cert.valid ? <Notice kind="error">证书{cert.statusName}，不能再报送年度报告。</Notice> : null}
      <div class="field">
        <label for="report-year">
          报告年度<span class="required" aria-hidden="true"> *</span>
        </label>
        <select id="report-year" value={String(chosen)} onChange={(e) => setYear(Number(e.currentTarget.value))}>
          {years.map((y) => {
            const status = cert.reports?.find((r) => r.year === y);
            return (
              <option key={y} value={String(y)}>
                {y} 年度{status ? `（${status.statusName}）` : ''}
              </option>
            );
          })}
        </select>
      </div>
      <ApplicationForm
        formType={formType}
        initial={{ technologies: [] }}
        submitLabel="报送年度报告"
        onSubmit={async (form) => {
          const report = await api.fileReport(cert.certificateNo, chosen, form);
          navigate(`/applications/${report.id}?submitted=1`);
        }}
      />
    </section>
  );
}

/** 变更: only the fields that change, and why; decided by the station's host level and the province. */
export function ChangePage({ no }: { no: string }) {
  const data = useAsync(() => Promise.all([api.certificate(no), api.processForms()]), [no]);
  if (data.error) return <ErrorNotice error={data.error} />;
  if (!data.data) return <Loading what="变更申请表" />;
  const [cert, forms] = data.data;
  const formType = forms.find((f) => f.type === 'certificate-change')!;
  return (
    <section>
      <Breadcrumb no={no} here="申请变更" />
      <PageTitle title="申请变更">申请变更</PageTitle>
      <p>
        {cert.name}（{cert.certificateNo}）。只填写需要变更的事项（名称、联系人、详细地址、所在地区或完整的专家名单），并写明原因；变更经承办层级和省科协审批后生效，证书编号不变。
      </p>
      {!cert.valid ? <Notice kind="error">证书{cert.statusName}，不能再申请变更。</Notice> : null}
      <ApplicationForm
        formType={formType}
        initial={{}}
        submitLabel="提交变更申请"
        onSubmit={async (form) => {
          const change = await api.fileChange(cert.certificateNo, form);
          navigate(`/applications/${change.id}?submitted=1`);
        }}
      />
    </section>
  );
}

/** 期满评估与续期: the term's self-assessment, reviewed by the county and graded by the province. */
export function RenewalPage({ no }: { no: string }) {
  const data = useAsync(() => Promise.all([api.certificate(no), api.processForms()]), [no]);
  if (data.error) return <ErrorNotice error={data.error} />;
  if (!data.data) return <Loading what="续期申请表" />;
  const [cert, forms] = data.data;
  const formType = forms.find((f) => f.type === 'certificate-renewal')!;
  const last = cert.evaluations.at(-1);
  const rectifying = last?.grade === 'unqualified';
  const early = cert.renewal && !rectifying && cert.renewal.opensAt > new Date().toISOString();
  return (
    <section>
      <Breadcrumb no={no} here="申请期满评估与续期" />
      <PageTitle title="申请期满评估与续期">申请期满评估与续期</PageTitle>
      <p>
        {cert.name}（{cert.certificateNo}），服务期至 {cert.validUntil ? cert.validUntil.slice(0, 10) : '长期'}。填写服务期自评，由所在县（区）科协初审、省科协评定等级：优秀、合格的服务期续一个服务期；不合格的限期整改后重新申请评估，连续两次不合格的将提请撤销。
      </p>
      {!cert.valid ? <Notice kind="error">证书{cert.statusName}，不能申请续期。</Notice> : null}
      {cert.valid && !cert.renewal ? <Notice kind="error">该证书没有服务期限，无需评估续期。</Notice> : null}
      {cert.renewal?.pending ? <Notice kind="info">已有一项续期申请在审批中，可在“我的申请”中查看进度。</Notice> : null}
      {early ? <Notice kind="info">期满前 180 天（{cert.renewal!.opensAt.slice(0, 10)} 起）方可申请。</Notice> : null}
      {rectifying ? <Notice kind="info">上次评估不合格，整改完成后即可重新申请评估。</Notice> : null}
      <ApplicationForm
        formType={formType}
        initial={{}}
        submitLabel="提交续期申请"
        onSubmit={async (form) => {
          const renewal = await api.fileRenewal(cert.certificateNo, form);
          navigate(`/applications/${renewal.id}?submitted=1`);
        }}
      />
    </section>
  );
}

/** 注销: a reason (required), then a confirmation naming the station, since a dissolved station cannot be restored. */
export function DissolvePage({ no }: { no: string }) {
  const cert = useAsync(() => api.certificate(no), [no]);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  if (cert.error) return <ErrorNotice error={cert.error} />;
  if (!cert.data) return <Loading what="证书" />;
  const data = cert.data;

  const submit = (event: Event) => {
    event.preventDefault();
    if (reason.trim().length < 2) {
      setError('请填写注销原因（至少2个字）');
      document.getElementById('dissolve-reason')?.focus();
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
      await api.dissolve(data.certificateNo, reason.trim());
      navigate(`/certificates/${encodeURIComponent(data.certificateNo)}?dissolved=1`);
    } catch (e) {
      setError(messageOf(e));
      setBusy(false);
    }
  };

  return (
    <section class="narrow">
      <Breadcrumb no={no} here="注销站点" />
      <PageTitle title="注销站点">注销站点</PageTitle>
      {!data.valid ? <Notice kind="error">证书{data.statusName}，不能再注销。</Notice> : null}
      <form class="decision revoke" onSubmit={submit} noValidate aria-labelledby="dissolve-title">
        <h2 id="dissolve-title">
          注销 {data.name}（{data.certificateNo}）
        </h2>
        <p class="hint">注销后证书即失效，站点在备案中标为已注销，不再计入统计，所在地区的名额随即释放；县（区）科协和省科协会收到通知。</p>
        <div class={`field wide${error ? ' invalid' : ''}`}>
          <label for="dissolve-reason">
            注销原因<span class="required" aria-hidden="true"> *</span>
          </label>
          <textarea
            id="dissolve-reason"
            rows={3}
            value={reason}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'dissolve-reason-error' : undefined}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
          {error ? (
            <p class="field-error" id="dissolve-reason-error">
              {error}
            </p>
          ) : null}
        </div>
        <div class="actions">
          <button type="submit" class="danger" disabled={busy || !data.valid}>
            {busy ? '正在注销…' : '注销站点'}
          </button>
        </div>
        <dialog ref={dialog} class="confirm" aria-labelledby="dissolve-confirm-title" aria-describedby="dissolve-confirm-text">
          <h2 id="dissolve-confirm-title">确认注销站点</h2>
          <p id="dissolve-confirm-text">注销后证书即失效，不能恢复。确定注销这个站点吗？</p>
          <p class="confirm-name">
            {data.name}（{data.certificateNo}）
          </p>
          <div class="actions">
            <button type="button" class="secondary" ref={cancelButton} onClick={() => dialog.current?.close()}>
              取消
            </button>
            <button type="button" class="danger" onClick={() => void confirm()}>
              确认注销
            </button>
          </div>
        </dialog>
      </form>
    </section>
  );
}
