// Filling in (or correcting) an application: the schema-rendered form, the region picker, and every API error beside its field at once.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { fieldId, prune } from './form-value';
import { regionLevelLabel } from './labels';
import { MaterialsEditor, materialControl, useMaterialUploads } from './materials';
import { pathTitle } from './form-value';
import { RegionPicker } from './region-picker';
import { SchemaForm, messagesByPath, type Messages } from './schema-form';
import type { Availability, DraftMaterial, FormType, Issue, MaterialRecord, MaterialRef, RegionLevel } from './types';
import { Notice, messageOf } from './ui';

const depth: RegionLevel[] = ['city', 'county', 'township', 'village'];

interface ApplicationFormProps {
  formType: FormType;
  initial: unknown;
  /** Present for a new application; a resubmission keeps its region. */
  region?: { initial: string };
  notes?: Messages;
  /** Resubmitting: the application's current files, and the materials the return asked for again (their files are replaced). */
  materials?: { current: MaterialRecord[]; asked: ReadonlySet<string> };
  /** Resuming a draft: its files, shown as sent. */
  restored?: DraftMaterial[];
  /** Told of every change (the form, the region, the files sent), for a draft to be saved. */
  onDraftChange?: (snapshot: DraftSnapshot) => void;
  submitLabel: string;
  onSubmit: (form: Record<string, unknown>, regionCode: string, materials: MaterialRef[]) => Promise<void>;
}

export interface DraftSnapshot {
  form: Record<string, unknown>;
  regionCode: string;
  materials: { key: string; uploadId: string }[];
}

const codeLength: Record<RegionLevel, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

/**
 * Whether the chosen host region can still take the type (GET /v1/availability), asked as soon as a region of a level
 * the type takes is chosen, for the types the plan allows once per region; the submission's own check still decides.
 */
function useAvailability(formType: FormType, regionCode: string): Availability | undefined {
  const [answer, setAnswer] = useState<Availability>();
  useEffect(() => {
    setAnswer(undefined);
    const level = formType.hostLevels.find((l) => codeLength[l] === regionCode.length);
    if (!formType.unique || !level) return;
    let current = true;
    api
      .availability(formType.type, regionCode)
      .then((found) => current && setAnswer(found))
      // Not told is not a refusal: the submission checks again.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [formType.type, regionCode]);
  return answer;
}

/** The id of the control an API path names, to focus it from the error summary. */
function controlFor(path: string): string {
  if (path === 'regionCode') return 'region';
  if (path.startsWith('materials.')) return materialControl(path.slice('materials.'.length));
  return fieldId(path.replace(/^form\.?/, '').split('.').filter(Boolean));
}

function focusControl(id: string) {
  const target = document.getElementById(id);
  const control = target?.matches('input, select, textarea') ? target : target?.querySelector<HTMLElement>('input, select, textarea, button');
  (control ?? target)?.focus();
  target?.scrollIntoView({ block: 'center' });
}

/** `标题：问题` in the summary, without saying the title twice when the message already begins with it. */
export function summaryLine(title: string, message: string): string {
  const last = title.split(' · ').pop() ?? title;
  return !title || message.startsWith(last) || message.includes(`「${last}」`) ? message : `${title}：${message}`;
}

export function ApplicationForm({ formType, initial, region, notes, materials, restored, onDraftChange, submitLabel, onSubmit }: ApplicationFormProps) {
  const [value, setValue] = useState<unknown>(initial);
  const [regionCode, setRegionCode] = useState(region?.initial ?? '');
  const [issues, setIssues] = useState<Issue[]>([]);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const uploads = useMaterialUploads(formType, materials?.current, materials?.asked, restored);
  const availability = useAvailability(formType, region ? regionCode : '');
  // Each change after the first render goes to the draft (the files only once sent: their ids are what is kept).
  const draftRefs = JSON.stringify(uploads.draftRefs());
  const rendered = useRef(false);
  useEffect(() => {
    if (!rendered.current) {
      rendered.current = true;
      return;
    }
    onDraftChange?.({ form: value as Record<string, unknown>, regionCode, materials: JSON.parse(draftRefs) });
  }, [value, regionCode, draftRefs]);

  const deepest = depth.filter((level) => formType.hostLevels.includes(level)).pop() ?? 'county';
  const hostWords = depth.filter((l) => formType.hostLevels.includes(l)).map((l) => regionLevelLabel[l]).join('或');
  const errors = messagesByPath(issues);
  // An edited field's errors were about what it held before: they go with the edit (the summary's count with them).
  const fixed = (path: string) => setIssues((list) => list.filter((issue) => issue.path !== path && !issue.path?.startsWith(`${path}.`)));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (uploads.busy) {
      // What is still being sent would be left out: wait for it (its progress is shown beside its material).
      setIssues([]);
      setFailure('有文件正在上传或检查，请等候完成后再提交');
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    const found = uploads.problems(!!materials);
    if (found.length) {
      setIssues(found);
      setFailure('申报材料有误，请按提示修改');
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await onSubmit(prune(value) as Record<string, unknown>, regionCode, uploads.refs(!!materials));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'validation' && error.issues.length) {
        setIssues(error.issues);
        setFailure(error.message);
      } else {
        setIssues([]);
        setFailure(messageOf(error));
      }
      setBusy(false);
      requestAnimationFrame(() => summary.current?.focus());
    }
  };

  return (
    <form class="application-form" noValidate onSubmit={submit}>
      <div ref={summary} tabIndex={-1} class="summary-anchor">
        {failure ? (
          <Notice kind="error">
            <p>
              <strong>{failure}</strong>
              {issues.length ? `（共 ${issues.length} 处）` : null}
            </p>
            {issues.length ? (
              <ul class="error-summary">
                {issues.map((issue, index) => (
                  <li key={index}>
                    <a
                      href={`#${controlFor(issue.path ?? '')}`}
                      onClick={(e) => {
                        e.preventDefault();
                        focusControl(controlFor(issue.path ?? ''));
                      }}
                    >
                      {summaryLine(pathTitle(formType, issue.path ?? ''), issue.message)}
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </Notice>
        ) : null}
      </div>
      {region ? (
        <RegionPicker
          id="region"
          legend="所在区划"
          value={regionCode}
          onChange={(code) => {
            setRegionCode(code);
            fixed('regionCode');
          }}
          deepest={deepest}
          required
          hint={`本类申请可设在${hostWords}，请选择到相应一级。`}
          errors={errors.get('regionCode')}
        />
      ) : null}
      {availability && !availability.available ? (
        <Notice kind="warning">
          <p id="region-availability">
            {availability.message}。请选择其他地区，或查看该地区已有的申请。
          </p>
        </Notice>
      ) : null}
      <SchemaForm schema={formType.schema} value={value} onChange={setValue} onFieldChange={fixed} errors={errors} notes={notes} />
      <MaterialsEditor formType={formType} uploads={uploads} current={materials?.current} errors={errors} notes={notes ?? new Map()} />
      {errors.get('') || errors.get('form') ? <Notice kind="error">{[...(errors.get('') ?? []), ...(errors.get('form') ?? [])].join('；')}</Notice> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? '正在提交…' : submitLabel}
        </button>
      </div>
    </form>
  );
}
