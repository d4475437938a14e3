// Application materials (申报材料) in the pages: each material of the type's list with its rules and template, its
// files sent straight to object storage (a slot from the API, a PUT with progress, the server's check awaited), and an
// application's files, each opened (PDFs and images previewed in the page) through a link of a few minutes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { fileKinds } from '#forms/file-kinds.js';
import { ApiError, api } from './api';
import { formatTime } from './labels';
import type { Messages } from './schema-form';
import { kindLabel, sizeText } from './file-text';
import type { DraftMaterial, FormType, Material, MaterialRecord, MaterialRef, UploadSlot } from './types';
import { messageOf } from './ui';

/** The extensions each kind goes by, for the file picker and for a file the browser gives no type (an OFD). */
const extensions: Record<string, string[]> = {
  [fileKinds.pdf.mime]: ['.pdf'],
  [fileKinds.jpeg.mime]: ['.jpg', '.jpeg'],
  [fileKinds.png.mime]: ['.png'],
  [fileKinds.ofd.mime]: ['.ofd'],
};

/** 'PDF、JPEG 或 PNG', in the order the server's messages name them (forms/file-kinds.ts). */
const kindsText = (accept: readonly string[]) => {
  const labels = Object.values(fileKinds)
    .filter((k) => accept.includes(k.mime))
    .map((k) => k.label);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join('、')} 或 ${labels.at(-1)}`;
};

/** The control an issue at `materials.<key>` is fixed with. */
export const materialControl = (key: string) => `m-${key}-input`;

/** The type a file is declared as: its own where the material takes it, else the one its name's extension says. */
function declaredType(file: File, material: Material): string | undefined {
  if (material.accept.includes(file.type as Material['accept'][number])) return file.type;
  const name = file.name.toLowerCase();
  return material.accept.find((mime) => extensions[mime]?.some((ext) => name.endsWith(ext)));
}

/** Why this file cannot be sent for the material, before anything is sent; the server checks the bytes again. */
function refusedUpFront(file: File, material: Material): string | undefined {
  if (file.size === 0) return `「${material.name}」的文件是空的（0 字节），请重新选择文件`;
  if (file.size > material.maxBytes) return `「${material.name}」的文件不能超过 ${sizeText(material.maxBytes)}（所选文件 ${sizeText(file.size)}），请压缩或分页扫描后上传`;
  if (!declaredType(file, material)) return `「${material.name}」只接受 ${kindsText(material.accept)} 文件，所选文件“${file.name}”不是`;
  return undefined;
}

type Phase = 'uploading' | 'checking' | 'ready' | 'refused' | 'failed';

interface UploadEntry {
  /** The page's own id of this attempt. */
  id: number;
  /** The file chosen (a File), or, resumed from a draft, its name and size as the server holds them. */
  file: File | { name: string; size: number };
  phase: Phase;
  /** 0 to 100 while uploading. */
  progress: number;
  uploadId?: string;
  /** Why it was refused, or what went wrong (in Chinese). */
  message?: string;
}

interface KeyState {
  uploads: UploadEntry[];
  /** Resubmitting: the ids of the current files that stay. */
  kept: string[];
}

type State = Record<string, KeyState>;

/** PUTs the file to the slot's presigned URL, reporting progress (fetch cannot report an upload's progress). */
function put(slot: UploadSlot, file: File, onProgress: (percent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(slot.method, slot.url);
    for (const [name, value] of Object.entries(slot.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(Math.round((event.loaded / event.total) * 100));
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`存储服务未接收文件（${xhr.status}），请重试`)));
    xhr.onerror = () => reject(new Error('上传中断，请检查网络后重试'));
    xhr.ontimeout = xhr.onerror;
    xhr.send(file);
  });
}

const checkDelays = [200, 400, 800, 1200, 2000, 3000];
/** The check of a 20 MB file takes seconds; past this the page stops waiting and offers a retry. */
const checkForMs = 90_000;

async function checkedUpload(uploadId: string) {
  const until = Date.now() + checkForMs;
  for (let attempt = 0; ; attempt++) {
    const view = await api.upload(uploadId);
    if (view.status !== 'pending') return view;
    if (Date.now() > until) throw new Error('文件检查超时，请重试');
    await new Promise((done) => setTimeout(done, checkDelays[Math.min(attempt, checkDelays.length - 1)]));
  }
}

let nextEntry = 1;

/** A draft's file as the page shows it: checked, being checked, or refused (one gone is not shown: the draft says why). */
function restoredEntry(file: DraftMaterial): UploadEntry {
  const phase: Phase = file.status === 'ready' ? 'ready' : file.status === 'pending' ? 'checking' : 'refused';
  return { id: nextEntry++, file: { name: file.fileName, size: file.size }, phase, progress: 100, uploadId: file.uploadId, message: file.reason };
}

/**
 * The materials being attached to one submission (or resubmission): per key the uploads under way or done and, when
 * resubmitting, the current files kept. `current` are the application's files; `asked` the keys a return named,
 * whose current files are not kept (the return asks for new ones).
 */
export function useMaterialUploads(formType: FormType, current: MaterialRecord[] = [], asked: ReadonlySet<string> = new Set(), restored: DraftMaterial[] = []) {
  const [state, setState] = useState<State>(() =>
    Object.fromEntries(
      formType.materials.map((m) => [
        m.key,
        { uploads: restored.filter((r) => r.key === m.key && r.status !== 'gone').map(restoredEntry), kept: asked.has(m.key) ? [] : current.filter((f) => f.key === m.key).map((f) => f.id) },
      ]),
    ),
  );
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const patch = (key: string, id: number, change: Partial<UploadEntry>) =>
    live.current &&
    setState((s) => ({ ...s, [key]: { ...s[key]!, uploads: s[key]!.uploads.map((u) => (u.id === id ? { ...u, ...change } : u)) } }));

  const send = async (material: Material, id: number, file: File) => {
    const contentType = declaredType(file, material)!;
    try {
      // A need's files (a form type of no type of its own) are asked for as such: no application type nor material key.
      const slot = await api.uploadSlot({ fileName: file.name, contentType, size: file.size, ...(formType.type ? { type: formType.type, material: material.key } : {}) });
      await put(slot, file, (progress) => patch(material.key, id, { progress }));
      patch(material.key, id, { phase: 'checking', progress: 100, uploadId: slot.uploadId });
      const view = await checkedUpload(slot.uploadId);
      patch(material.key, id, view.status === 'ready' ? { phase: 'ready' } : { phase: 'refused', message: view.reason ?? '文件未通过检查' });
    } catch (error) {
      // The slot refused (a type or size the material does not take): a refusal, no retry. Anything else: retry.
      if (error instanceof ApiError && error.code === 'validation') {
        patch(material.key, id, { phase: 'refused', message: error.issues.map((i) => i.message).join('；') || error.message });
      } else patch(material.key, id, { phase: 'failed', message: messageOf(error) });
    }
  };

  // A draft's file still being checked when the draft was read: its verdict is awaited as for a file sent here (once).
  useEffect(() => {
    for (const [key, { uploads }] of Object.entries(state)) {
      for (const entry of uploads) {
        if (entry.phase !== 'checking' || !entry.uploadId) continue;
        checkedUpload(entry.uploadId)
          .then((view) => patch(key, entry.id, view.status === 'ready' ? { phase: 'ready' } : { phase: 'refused', message: view.reason ?? '文件未通过检查' }))
          .catch((error) => patch(key, entry.id, { phase: 'failed', message: messageOf(error) }));
      }
    }
  }, []);

  const start = (material: Material, file: File): UploadEntry => {
    const refusal = refusedUpFront(file, material);
    const entry: UploadEntry = { id: nextEntry++, file, phase: refusal ? 'refused' : 'uploading', progress: 0, message: refusal };
    if (!refusal) void send(material, entry.id, file);
    return entry;
  };

  return {
    state,
    /** Files chosen for a material: each checked here first, then sent. One-file materials keep only the newest. */
    add(material: Material, files: File[]) {
      const entries = files.map((file) => start(material, file));
      setState((s) => {
        const was = s[material.key]!;
        return { ...s, [material.key]: material.multiple ? { ...was, uploads: [...was.uploads, ...entries] } : { uploads: entries.slice(-1), kept: [] } };
      });
    },
    retry(material: Material, id: number) {
      const old = state[material.key]!.uploads.find((u) => u.id === id);
      if (!old) return;
      if (!(old.file instanceof File)) return;
      const entry = start(material, old.file);
      setState((s) => ({ ...s, [material.key]: { ...s[material.key]!, uploads: s[material.key]!.uploads.map((u) => (u.id === id ? entry : u)) } }));
    },
    remove(material: Material, id: number) {
      setState((s) => {
        const uploads = s[material.key]!.uploads.filter((u) => u.id !== id);
        // A one-file material whose new file is taken away keeps its current one again (unless the return asked for a new one).
        const kept = !material.multiple && !uploads.length && !asked.has(material.key) ? current.filter((f) => f.key === material.key).map((f) => f.id) : s[material.key]!.kept;
        return { ...s, [material.key]: { uploads, kept } };
      });
    },
    toggleKept(key: string, materialId: string) {
      setState((s) => {
        const kept = s[key]!.kept;
        return { ...s, [key]: { ...s[key]!, kept: kept.includes(materialId) ? kept.filter((k) => k !== materialId) : [...kept, materialId] } };
      });
    },
    /**
     * What the pages can tell before sending, resubmitting: a material whose current files were all let go with no
     * new one (a resubmission cannot take a material's files away, only give it others).
     */
    problems(resubmitting: boolean): { path: string; message: string }[] {
      if (!resubmitting) return [];
      return formType.materials.flatMap((m) => {
        const { uploads, kept } = state[m.key]!;
        const had = current.filter((f) => f.key === m.key);
        const emptied = had.length > 0 && !asked.has(m.key) && kept.length === 0 && !uploads.some((u) => u.phase === 'ready');
        return emptied ? [{ path: `materials.${m.key}`, message: `「${m.name}」须保留至少一个现有文件或上传新文件` }] : [];
      });
    },
    /** A file is still being sent or checked: the submission waits for it. */
    busy: Object.values(state).some((k) => k.uploads.some((u) => u.phase === 'uploading' || u.phase === 'checking')),
    /** What a draft keeps of the materials: every upload sent, checked or being checked (the server keeps the ready ones). */
    draftRefs(): { key: string; uploadId: string }[] {
      return formType.materials.flatMap((m) =>
        state[m.key]!.uploads.filter((u) => u.uploadId && (u.phase === 'ready' || u.phase === 'checking')).map((u) => ({ key: m.key, uploadId: u.uploadId! })),
      );
    },
    /**
     * What the submission says of its materials: the uploads that passed the check. Resubmitting, only the materials
     * that changed are named, each with all its files (those kept and the new ones); the others stay as they are.
     */
    refs(resubmitting: boolean): MaterialRef[] {
      return formType.materials.flatMap((m) => {
        const { uploads, kept } = state[m.key]!;
        const ready = uploads.filter((u) => u.phase === 'ready' && u.uploadId).map((u) => ({ key: m.key, uploadId: u.uploadId! }));
        if (!resubmitting) return ready;
        const had = current.filter((f) => f.key === m.key).map((f) => f.id);
        const changed = ready.length > 0 || had.some((id) => !kept.includes(id));
        if (!changed) return [];
        return [...kept.map((materialId) => ({ key: m.key, materialId })), ...ready];
      });
    },
  };
}

export type MaterialUploads = ReturnType<typeof useMaterialUploads>;

const phaseText = (entry: UploadEntry): string => {
  switch (entry.phase) {
    case 'uploading':
      return `正在上传 ${entry.progress}%`;
    case 'checking':
      return '已上传，正在检查文件内容…';
    case 'ready':
      return '已上传，检查通过';
    case 'refused':
      return `未通过：${entry.message ?? ''}`;
    case 'failed':
      return entry.message ?? '上传失败，请重试';
  }
};

/** The material list of a form: per material its rules, template, the return's note, the server's errors and its files. */
export function MaterialsEditor({
  formType,
  uploads,
  current = [],
  errors,
  notes,
}: {
  formType: FormType;
  uploads: MaterialUploads;
  current?: MaterialRecord[];
  errors: Messages;
  notes: Messages;
}) {
  if (!formType.materials.length) return null;
  return (
    <section class="materials-editor" aria-labelledby="materials-title">
      <h2 id="materials-title">申报材料</h2>
      <p class="hint">
        按下列清单上传材料，带 * 的为必交材料。文件直接上传到存储，服务器按文件内容检查类型、大小和有无脚本，检查通过后随申请一并提交。手机可直接拍照上传（JPEG）。
      </p>
      {formType.materials.map((material) => (
        <MaterialField
          key={material.key}
          material={material}
          uploads={uploads}
          current={current.filter((f) => f.key === material.key)}
          errors={errors.get(`materials.${material.key}`)}
          notes={notes.get(`materials.${material.key}`)}
        />
      ))}
      {errors.get('materials') ? <p class="field-error">{errors.get('materials')!.join('；')}</p> : null}
    </section>
  );
}

/** One material's files: its rules, the return's note, the server's errors, its current files and the uploads under way. */
export function MaterialField({
  material,
  uploads,
  current,
  errors,
  notes,
}: {
  material: Material;
  uploads: MaterialUploads;
  current: MaterialRecord[];
  errors?: string[];
  notes?: string[];
}) {
  const id = `m-${material.key}`;
  const { uploads: entries, kept } = uploads.state[material.key]!;
  const accept = [...material.accept, ...material.accept.flatMap((mime) => extensions[mime] ?? [])].join(',');
  const described = [material.hint && `${id}-hint`, `${id}-rules`, notes && `${id}-note`, errors && `${id}-error`].filter(Boolean).join(' ');
  return (
    <fieldset class={`group material${errors ? ' invalid' : ''}`} id={id} aria-describedby={described}>
      <legend>
        {material.name}
        {material.required ? (
          <>
            <span class="required" aria-hidden="true">
              {' '}
              *
            </span>
            <span class="visually-hidden">（必交）</span>
          </>
        ) : (
          <span class="optional">（选填）</span>
        )}
      </legend>
      {material.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {material.hint}
        </p>
      ) : null}
      <p class="hint material-rules" id={`${id}-rules`}>
        接受 {kindsText(material.accept)}，每个文件不超过 {sizeText(material.maxBytes)}
        {material.multiple ? '，可上传多个文件' : ''}
        {material.template ? (
          <>
            {' · '}
            <a href={material.template} download>
              下载模板
            </a>
          </>
        ) : null}
      </p>
      {notes?.length ? (
        <p class="field-note" id={`${id}-note`}>
          审批意见：{notes.join('；')}
        </p>
      ) : null}
      {errors?.length ? (
        <p class="field-error" id={`${id}-error`}>
          {errors.join('；')}
        </p>
      ) : null}
      {current.length ? (
        <ul class="files current-files">
          {current.map((file) => {
            const stays = kept.includes(file.id);
            return (
              <li key={file.id} class={stays ? '' : 'replaced'}>
                <span class="file-name">{file.fileName}</span>
                <span class="muted">
                  {' '}
                  {kindLabel(file.contentType)} · {sizeText(file.size)} · {formatTime(file.uploadedAt)} 上传
                </span>
                <span class="file-state">{stays ? '保留' : entries.length ? '将被新文件替换' : notes?.length ? '审批意见要求重新上传，请选择新文件' : '不再保留'}</span>
                {material.multiple ? (
                  <button type="button" class="link" onClick={() => uploads.toggleKept(material.key, file.id)}>
                    {stays ? `不再保留 ${file.fileName}` : `保留 ${file.fileName}`}
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {entries.length ? (
        <ul class="files" aria-live="polite">
          {entries.map((entry) => (
            <li key={entry.id} class={`upload ${entry.phase}`}>
              <span class="file-name">{entry.file.name}</span>
              <span class="muted"> {sizeText(entry.file.size)}</span>
              <span class={entry.phase === 'refused' || entry.phase === 'failed' ? 'file-state field-error' : 'file-state'}>{phaseText(entry)}</span>
              {entry.phase === 'uploading' ? <progress max={100} value={entry.progress} aria-label={`${entry.file.name} 上传进度`} /> : null}
              {entry.phase === 'failed' ? (
                <button type="button" class="link" onClick={() => uploads.retry(material, entry.id)}>
                  重试 {entry.file.name}
                </button>
              ) : null}
              {entry.phase !== 'uploading' && entry.phase !== 'checking' ? (
                <button type="button" class="link danger" onClick={() => uploads.remove(material, entry.id)}>
                  移除 {entry.file.name}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {/* The native control, kept for keyboards, screen readers and phones' camera, under a label that reads in
          Chinese whatever the browser's language (its own button says "Choose File" in an English browser). */}
      <div class="file-picker">
        <input
          type="file"
          class="file-input"
          id={`${id}-input`}
          name={`materials.${material.key}`}
          accept={accept}
          multiple={material.multiple}
          aria-describedby={described}
          aria-invalid={errors ? true : undefined}
          onChange={(event) => {
            const files = [...(event.currentTarget.files ?? [])];
            if (files.length) uploads.add(material, files);
            // The same file may be chosen again (after a refusal, or to retry).
            event.currentTarget.value = '';
          }}
        />
        <label for={`${id}-input`} class="button secondary">
          {entries.length || current.length ? (material.multiple ? '添加文件' : '更换文件') : '选择文件'}
          <span class="visually-hidden">（{material.name}）</span>
        </label>
        {!entries.length && !current.length ? <span class="muted">尚未选择文件{material.multiple ? '（可一次选择多个）' : ''}</span> : null}
      </div>
    </fieldset>
  );
}

