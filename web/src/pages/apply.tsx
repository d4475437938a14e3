import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { ApplicationForm } from '../application-form';
import type { Session } from '../auth';
import { useDraftAutosave, type DraftAutosave } from '../draft-autosave';
import { emptyValue, setAt } from '../form-value';
import { formatTime } from '../labels';
import { Link, navigate } from '../router';
import type { Draft, FormType } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';

export function ApplyPage({ type, session }: { type: string; session: Session }) {
  // The draft named when the page opened (`?draft=`); one the page makes itself is named in the address without reloading.
  const [draftId] = useState(() => new URLSearchParams(location.search).get('draft'));
  const forms = useAsync(() => api.forms(), []);
  const draft = useAsync(() => (draftId ? api.draft(draftId) : Promise.resolve(undefined)), [draftId]);
  if (forms.error) return <ErrorNotice error={forms.error} />;
  if (draft.error) {
    return (
      <Notice kind="error">
        <p>{draft.error instanceof ApiError ? draft.error.message : '草稿未能读取'}</p>
        <p>
          <Link href="/drafts">我的草稿</Link> · <Link href={`/apply/${type}`}>重新填写</Link>
        </p>
      </Notice>
    );
  }
  if (!forms.data || (draftId && !draft.data)) return <Loading what={draftId ? '草稿' : '申请表'} />;
  const formType = forms.data.find((f) => f.type === type);
  if (!formType) return <Notice kind="error">没有这个申报类型。<Link href="/apply">返回申报类型</Link></Notice>;
  if (draft.data && draft.data.type !== type) return <Notice kind="error">这份草稿是{draft.data.typeName}的。<Link href={`/apply/${draft.data.type}?draft=${draft.data.id}`}>打开草稿</Link></Notice>;
  return <ApplyForm formType={formType} session={session} draft={draft.data} />;
}

function ApplyForm({ formType, session, draft }: { formType: FormType; session: Session; draft?: Draft }) {
  const autosave = useDraftAutosave(formType.type, draft);
  // The applicant organisation is the signed-in one: its credit code (and name) start filled in.
  let initial = draft?.form ?? emptyValue(formType.schema);
  if (!draft) {
    initial = setAt(initial, ['organisation', 'creditCode'], session.claims.org);
    initial = setAt(initial, ['organisation', 'name'], session.claims.name);
  }
  return (
    <section>
      <p class="breadcrumb">
        <Link href="/apply">申报</Link> / {formType.name}
      </p>
      <PageTitle title={formType.name}>{formType.schema.title ?? formType.name}</PageTitle>
      <p class="lead">{formType.description}</p>
      <p class="muted">
        带 * 的为必填项（申报材料为必交）。填写内容随时自动保存为草稿（<Link href="/drafts">我的草稿</Link>），刷新或换台设备可继续填写；提交后如有不符合要求之处，会在对应栏目或材料旁一次列出。
      </p>
      <DraftStatus autosave={autosave} />
      <ApplicationForm
        formType={formType}
        initial={initial}
        region={{ initial: draft?.regionCode ?? '' }}
        restored={draft?.materials}
        onDraftChange={autosave.change}
        submitLabel="提交申请"
        onSubmit={async (form, regionCode, materials) => {
          await autosave.stop();
          try {
            const created = await api.submit({ type: formType.type, regionCode, form, materials });
            const id = autosave.id();
            // Submitted: the draft has done its work (should its deletion fail, it stays in 我的草稿 to delete there).
            if (id) await api.deleteDraft(id).catch(() => undefined);
            navigate(`/applications/${created.id}?submitted=1`);
          } catch (error) {
            autosave.resume();
            throw error;
          }
        }}
      />
    </section>
  );
}

/** Where the draft stands, read out politely as it changes. */
function DraftStatus({ autosave }: { autosave: DraftAutosave }) {
  const { state } = autosave;
  return (
    <div class="draft-status" role="status" aria-live="polite">
      {state.phase === 'saving' ? <span class="muted">正在保存草稿…</span> : null}
      {state.phase === 'saved' ? <span class="muted">草稿已保存（{formatTime(state.at)}）</span> : null}
      {state.phase === 'saved' && state.dropped?.length ? (
        <Notice kind="warning">
          <p>以下文件未能随草稿保留，请重新上传：</p>
          <ul>
            {state.dropped.map((d) => (
              <li key={d.path}>{d.message}</li>
            ))}
          </ul>
        </Notice>
      ) : null}
      {state.phase === 'failed' ? <Notice kind="warning">{state.message}</Notice> : null}
      {state.phase === 'stale' ? (
        <Notice kind="warning">
          <p>{state.message}</p>
          <p class="actions">
            <button type="button" onClick={() => location.reload()}>
              载入最新草稿（放弃本页的修改）
            </button>
            <button type="button" onClick={() => autosave.saveAsNew()}>
              把本页内容另存为新草稿
            </button>
          </p>
        </Notice>
      ) : null}
    </div>
  );
}
