// An application's materials as its page shows them (申报材料): each file named, opened through a link of a few minutes
// (PDFs and images previewed in the page). Apart from the upload component (web/src/materials.tsx), which only the
// form pages need: the application's page stays within the pages' 30 KiB budget (test/infra/web-bundle.test.ts).
import { FilePreview, useFileOpener } from './file-opener';
import { kindLabel, previewable, sizeText } from './file-text';
import { api } from './api';
import { formatTime } from './labels';
import type { Application, FormType, MaterialRecord, ReplacedMaterial } from './types';

type AnyMaterial = MaterialRecord | ReplacedMaterial;

/**
 * An application's materials as officials and the applicant read them: per material of the list its files (name,
 * kind, size, upload time), each opened through a link of a few minutes: PDFs and images previewed in the page,
 * others downloaded. Files a resubmission replaced stay listed under their material, and open the same way.
 */
export function MaterialsView({ app, formType, changed }: { app: Application; formType?: FormType; changed: ReadonlySet<string> }) {
  const { preview, close, opening, error, open } = useFileOpener<AnyMaterial>((file) => api.materialLink(app.id, file.id));
  const materials = app.materials ?? [];
  const replaced = app.replacedMaterials ?? [];

  if (!materials.length && !replaced.length) {
    return <p class="muted">{formType?.materials.length ? '这份申请提交时未附申报材料（在材料清单施行前提交）。' : '本类申请无须申报材料。'}</p>;
  }
  const list = formType?.materials ?? [];
  const keys = [...new Set([...list.map((m) => m.key), ...materials.map((m) => m.key), ...replaced.map((m) => m.key)])];


  const row = (file: AnyMaterial) => (
    <li key={file.id} class="material-file">
      <span class="file-name">{file.fileName}</span>
      <span class="muted">
        {' '}
        {kindLabel(file.contentType)} · {sizeText(file.size)} · {formatTime(file.uploadedAt)} 上传
        {'replacedAt' in file ? ` · ${formatTime(file.replacedAt)} 被替换` : ''}
      </span>{' '}
      <button type="button" class="secondary small" disabled={opening === file.id} onClick={() => void open(file)}>
        {opening === file.id ? '正在打开…' : `${previewable(file.contentType) ? '预览' : '下载'} ${file.fileName}`}
      </button>
    </li>
  );

  return (
    <div class="materials-view">
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <ul class="material-list">
        {keys.map((key) => {
          const definition = list.find((m) => m.key === key);
          const files = materials.filter((m) => m.key === key);
          const old = replaced.filter((m) => m.key === key);
          if (!files.length && !old.length && !definition?.required) return null;
          const name = definition?.name ?? files[0]?.name ?? old[0]?.name ?? key;
          return (
            <li key={key} class={`material-item${changed.has(`materials.${key}`) ? ' changed' : ''}`} id={`material-${key}`}>
              <h3>
                {name}
                {changed.has(`materials.${key}`) ? <span class="changed-badge">已更换</span> : null}
              </h3>
              {files.length ? <ul class="material-files">{files.map(row)}</ul> : <p class="muted">未提交</p>}
              {old.length ? (
                <details class="replaced-files">
                  <summary>已替换的旧文件（{old.length} 个）</summary>
                  <ul class="material-files">{old.map(row)}</ul>
                </details>
              ) : null}
            </li>
          );
        })}
      </ul>
      {preview ? <FilePreview preview={preview} onClose={close} id="material-preview-title" again="预览" focus /> : null}
    </div>
  );
}
