import { api } from '../api';
import { ApplicationForm } from '../application-form';
import { formatTime, levelLabel } from '../labels';
import { pathTitle } from '../form-value';
import { Link, navigate } from '../router';
import { messagesByPath } from '../schema-form';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';

/** Correcting a returned application with the official's list of problems in view. */
export function CorrectPage({ id }: { id: string }) {
  const data = useAsync(() => Promise.all([api.application(id), api.allForms()]), [id]);
  if (data.error) return <ErrorNotice error={data.error} />;
  if (!data.data) return <Loading what="申请" />;
  const [app, forms] = data.data;
  const formType = forms.find((f) => f.type === app.type);
  if (!formType) return <Notice kind="error">未知的申报类型：{app.type}</Notice>;
  if (app.status !== 'RETURNED') {
    return (
      <Notice kind="warning">
        这份申请当前不是“退回修改”状态，无需修改。<Link href={`/applications/${id}`}>查看申请</Link>
      </Notice>
    );
  }
  const returned = [...(app.history ?? [])].reverse().find((h) => h.action === 'return');
  const issues = returned?.issues ?? [];
  // The materials the return names are asked for again: their current files give way to new ones.
  const asked = new Set(issues.flatMap((i) => (i.path?.startsWith('materials.') ? [i.path.slice('materials.'.length)] : [])));

  return (
    <section>
      <p class="breadcrumb">
        <Link href="/applications">我的申请</Link> / <Link href={`/applications/${id}`}>{(app.subject?.title ?? String(app.form.name ?? '申请'))}</Link> / 修改
      </p>
      <PageTitle title="修改申请">修改并重新提交</PageTitle>
      <div class="correct-layout">
        <aside class="problems" aria-labelledby="problems-title">
          <h2 id="problems-title">
            {returned?.level ? levelLabel[returned.level] : ''}审批退回意见
            {returned ? <small>（{returned.actor?.name}，{formatTime(returned.at)}）</small> : null}
          </h2>
          {returned?.comment ? <p>{returned.comment}</p> : null}
          {issues.length ? (
            <>
              <p>请逐项修改以下 {issues.length} 个问题，修改后重新提交，申请将回到退回它的审批层级：</p>
              <ol class="issues">
                {issues.map((issue, index) => (
                  <li key={index}>
                    {issue.path ? <span class="issue-field">{pathTitle(formType, issue.path)}：</span> : null}
                    {issue.message}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </aside>
        <ApplicationForm
          formType={formType}
          initial={app.form}
          notes={messagesByPath(issues.filter((i) => i.path))}
          materials={{ current: app.materials ?? [], asked }}
          submitLabel="重新提交"
          onSubmit={async (form, _region, materials) => {
            await api.resubmit(id, form, materials);
            navigate(`/applications/${id}?resubmitted=1`);
          }}
        />
      </div>
    </section>
  );
}
