// The form of a need (需求): an office posts one in its region (published at once), a village account in its own village
// (its township confirms it) or corrects its returned one; with its files (photos, PDFs) sent through the upload
// component of the application materials. Apart from the list and a need's page, which do not carry that component.
import { useState } from 'preact/hooks';
import { demandKindNames } from '#functions/domain/demand.js';
import { MAX_DEMAND_MATERIALS, demandMaterialRules } from '#functions/domain/demand-materials.js';
import { industries } from '#forms/industries.js';
import { api } from '../api';
import type { Session } from '../auth';
import { issuesByPath, mayPost } from '../demand-rules';
import { MaterialField, useMaterialUploads } from '../materials';
import { RegionPicker } from '../region-picker';
import { navigate } from '../router';
import type { DemandFile, DemandView, FormType, MaterialRecord } from '../types';
import { ErrorNotice, Loading, Notice, PageTitle, useAsync } from '../ui';

/** A need's files as the upload component takes them: one material of several files, under no application type. */
const needFiles: FormType = {
  type: '',
  name: '需求附件',
  hostLevels: [],
  unique: false,
  schema: {},
  materials: [
    {
      key: 'files',
      name: '现场照片或相关文件',
      hint: `选填。照片（JPEG、PNG）或 PDF，最多 ${MAX_DEMAND_MATERIALS} 个；随需求一起提交，看得到这条需求的人都可以打开。`,
      required: false,
      multiple: true,
      accept: demandMaterialRules.accept,
      maxBytes: demandMaterialRules.maxBytes,
    },
  ],
};

/** A need's file as the upload component shows a current one. */
const asRecord = (file: DemandFile): MaterialRecord => ({ ...file, key: 'files', name: '需求附件' });

type NeedFields = { kind: string; industry: string; regionCode: string; title: string; description: string; expectedOutcome: string; wantedBy: string };

/**
 * The form of a need: an office posts one in its region (published at once); a village account in its own village (its
 * township confirms it), or corrects its returned one (`correcting`: the need's id), each problem shown at its field.
 */
export function DemandNewPage({ session, correcting }: { session: Session; correcting?: string }) {
  const village = session.claims.role === 'village' ? session.claims.region! : undefined;
  const blank: NeedFields = { kind: 'technology', industry: 'planting', regionCode: village ?? '', title: '', description: '', expectedOutcome: '', wantedBy: '' };
  const returned = useAsync(() => (correcting ? api.demand(correcting) : Promise.resolve(undefined)), [correcting]);
  if (correcting && !returned.data) {
    if (!mayPost(session)) return <Notice kind="warning">仅乡镇、县（区）科协等办公室和村委会可以发布需求。</Notice>;
    if (returned.error) return <ErrorNotice error={returned.error} />;
    return <Loading what="需求" />;
  }
  return <NeedForm session={session} village={village} blank={blank} correcting={correcting ? returned.data : undefined} />;
}

/** The need's form itself, once a need being corrected is read (its files are the upload component's current ones). */
function NeedForm({ session, village, blank, correcting: returned }: { session: Session; village?: string; blank: NeedFields; correcting?: DemandView }) {
  const correcting = returned?.id;
  const [value, setValue] = useState<NeedFields>(() =>
    returned
      ? { kind: returned.kind, industry: returned.industry, regionCode: returned.regionCode, title: returned.title, description: returned.description, expectedOutcome: returned.expectedOutcome ?? '', wantedBy: returned.wantedBy ?? '' }
      : blank,
  );
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const current = (returned?.materials ?? []).map(asRecord);
  const uploads = useMaterialUploads(needFiles, current);
  if (!mayPost(session)) return <Notice kind="warning">仅乡镇、县（区）科协等办公室和村委会可以发布需求。</Notice>;
  if (returned && returned.status !== 'RETURNED') return <Notice kind="warning">该需求{returned.statusName}，只有被退回修改的需求可以修改重新提交。</Notice>;
  // The office's problems (一次性告知) beside their fields, until the village sends it again; the server's own after a try.
  const told = returned ? Object.fromEntries(returned.issues.map((issue) => [issue.path ?? '', `乡镇科协意见：${issue.message}`])) : {};
  const problems = error ? issuesByPath(error) : told;
  const general = returned && !error ? returned.issues.filter((issue) => !issue.path) : [];
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { expectedOutcome, wantedBy, ...rest } = value;
      const { uploads: sent, kept } = uploads.state.files!;
      const materials = [...kept.map((materialId) => ({ materialId })), ...sent.filter((u) => u.phase === 'ready' && u.uploadId).map((u) => ({ uploadId: u.uploadId! }))];
      const body = { ...rest, ...(expectedOutcome.trim() ? { expectedOutcome } : {}), ...(wantedBy ? { wantedBy } : {}), materials };
      const posted = correcting ? await api.correctDemand(correcting, body) : await api.postDemand(body);
      navigate(`/demands/${posted.id}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const field = (name: keyof typeof value, label: string, input: preact.JSX.Element, required = true) => (
    <div class={`field wide${problems[name] ? ' invalid' : ''}`}>
      <label for={`need-${name}`}>
        {label}
        {required ? <span class="required" aria-hidden="true"> *</span> : null}
      </label>
      {input}
      {problems[name] ? (
        <p class="field-error" id={`need-${name}-error`}>
          {problems[name]}
        </p>
      ) : null}
    </div>
  );
  const described = (name: string) => (problems[name] ? { 'aria-invalid': true, 'aria-describedby': `need-${name}-error` } : {});
  const title = correcting ? '修改重新提交需求' : village ? '提交本村需求' : '发布需求';
  return (
    <section class="narrow">
      <PageTitle title={title}>{title}</PageTitle>
      <p class="lead">
        {village ? '提交本村的需求：由所在乡镇科协确认后发布到需求库，持证站点即可响应。' : '在本辖区内发布：发布后即进入需求库，持证站点可以响应。'}
      </p>
      {error && !Object.keys(problems).length ? <ErrorNotice error={error} /> : null}
      {general.length ? (
        <Notice kind="warning">
          乡镇科协意见：{general.map((issue) => issue.message).join('；')}
        </Notice>
      ) : null}
      {Object.keys(problems).length ? <Notice kind="error">请修改以下 {Object.keys(problems).length} 处后再{correcting ? '提交' : '发布'}。</Notice> : null}
      <form onSubmit={submit} noValidate aria-label="需求内容">
        {field(
          'kind',
          '需求类别',
          <select id="need-kind" value={value.kind} onChange={(e) => setValue({ ...value, kind: e.currentTarget.value })} {...described('kind')}>
            {Object.entries(demandKindNames).map(([kind, name]) => (
              <option key={kind} value={kind}>
                {name}
              </option>
            ))}
          </select>,
        )}
        {field(
          'industry',
          '所属产业',
          <select id="need-industry" value={value.industry} onChange={(e) => setValue({ ...value, industry: e.currentTarget.value })} {...described('industry')}>
            {Object.entries(industries).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>,
        )}
        {village ? (
          <div class="field wide">
            <span class="label">需求所在地区</span>
            <p id="need-region-fixed">本村：{session.claims.name}（{village}）</p>
            {problems.regionCode ? <p class="field-error">{problems.regionCode}</p> : null}
          </div>
        ) : (
          <RegionPicker
            id="need-region"
            legend="需求所在地区"
            value={value.regionCode}
            onChange={(regionCode) => setValue({ ...value, regionCode })}
            deepest="village"
            hint="本辖区内的县（区）、乡镇或村"
            required
            errors={problems.regionCode ? [problems.regionCode] : undefined}
          />
        )}
        {field('title', '需求标题', <input id="need-title" type="text" value={value.title} onInput={(e) => setValue({ ...value, title: e.currentTarget.value })} {...described('title')} />)}
        {field('description', '需求描述', <textarea id="need-description" rows={5} value={value.description} onInput={(e) => setValue({ ...value, description: e.currentTarget.value })} {...described('description')} />)}
        {field('expectedOutcome', '预期成效', <textarea id="need-expectedOutcome" rows={2} value={value.expectedOutcome} onInput={(e) => setValue({ ...value, expectedOutcome: e.currentTarget.value })} {...described('expectedOutcome')} />, false)}
        {field('wantedBy', '期望完成日期', <input id="need-wantedBy" type="date" value={value.wantedBy} onInput={(e) => setValue({ ...value, wantedBy: e.currentTarget.value })} {...described('wantedBy')} />, false)}
        <section class="materials-editor" aria-labelledby="need-files-title">
          <h2 id="need-files-title">需求附件</h2>
          <p class="hint">文件直接上传到存储，服务器按文件内容检查类型和大小，检查通过后随需求一并提交。手机可直接拍照上传。</p>
          <MaterialField material={needFiles.materials[0]!} uploads={uploads} current={current} errors={fileProblems(problems)} />
        </section>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || uploads.busy}>
            {busy ? '正在提交…' : correcting ? '修改后重新提交' : village ? '提交乡镇确认' : '发布需求'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The server's problems with the files (`materials`, `materials.<i>`), shown under the files' field. */
function fileProblems(problems: Record<string, string>): string[] | undefined {
  const messages = Object.entries(problems)
    .filter(([path]) => path === 'materials' || path.startsWith('materials.'))
    .map(([path, message]) => (path === 'materials' ? message : `第 ${Number(path.slice('materials.'.length)) + 1} 个文件：${message}`));
  return messages.length ? messages : undefined;
}

