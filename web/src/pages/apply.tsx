import { api } from '../api';
import { ApplicationForm } from '../application-form';
import type { Session } from '../auth';
import { emptyValue, setAt } from '../form-value';
import { Link, navigate } from '../router';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';

export function ApplyPage({ type, session }: { type: string; session: Session }) {
  const forms = useAsync(() => api.forms(), []);
  if (forms.error) return <ErrorNotice error={forms.error} />;
  if (!forms.data) return <Loading what="申请表" />;
  const formType = forms.data.find((f) => f.type === type);
  if (!formType) return <Notice kind="error">没有这个申报类型。<Link href="/apply">返回申报类型</Link></Notice>;

  // The applicant organisation is the signed-in one: its credit code (and name) start filled in.
  let initial = emptyValue(formType.schema);
  initial = setAt(initial, ['organisation', 'creditCode'], session.claims.org);
  initial = setAt(initial, ['organisation', 'name'], session.claims.name);

  return (
    <section>
      <p class="breadcrumb">
        <Link href="/apply">申报</Link> / {formType.name}
      </p>
      <PageTitle title={formType.name}>{formType.schema.title ?? formType.name}</PageTitle>
      <p class="lead">{formType.description}</p>
      <p class="muted">带 * 的为必填项（申报材料为必交）。提交后如有不符合要求之处，会在对应栏目或材料旁一次列出。</p>
      <ApplicationForm
        key={type}
        formType={formType}
        initial={initial}
        region={{ initial: '' }}
        submitLabel="提交申请"
        onSubmit={async (form, regionCode, materials) => {
          const created = await api.submit({ type, regionCode, form, materials });
          navigate(`/applications/${created.id}?submitted=1`);
        }}
      />
    </section>
  );
}
