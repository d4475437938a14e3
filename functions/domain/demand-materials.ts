// A need's materials (需求附件): photos and PDFs its poster (an office or a village account) attaches when posting, and
// a village when correcting a returned need; which uploads may become them, every problem at `materials.<i>`. Pure:
// no AWS, no HTTP. The uploads are those of POST /v1/uploads (functions/services/uploads.ts), made by the poster
// itself for this purpose (`purpose: 'demand'`), and attached in the need's own transaction.
import { fileKinds, type MaterialMime } from '#forms/file-kinds.js';
import type { UploadRecord } from './materials.js';

/**
 * At most this many files on one need. Each attach is an item of the need's transaction, and DynamoDB takes at most
 * 100 items in one: an office's posting writes the need, its history entry, ≤ 20 list entries, ≤ MAX_SEARCH_GRAMS (60)
 * search postings, ≤ 3 unanswered counters and its wait, so 86 + 5 attaches = 91. A village's need is published (its
 * postings written) by its office's approval, which attaches nothing (test/unit/demand-materials.test.ts counts both).
 */
export const MAX_DEMAND_MATERIALS = 5;

/** What a need's file may be: a photo (JPEG, PNG) or a PDF, at most 10 MB. */
export const demandMaterialRules = {
  name: '需求附件',
  accept: [fileKinds.pdf.mime, fileKinds.jpeg.mime, fileKinds.png.mime] as MaterialMime[],
  maxBytes: 10 * 1024 * 1024,
} as const;

/** A file attached to a need: its upload's checked bytes, where the upload left them (never copied). */
export interface DemandMaterial {
  id: string;
  fileName: string;
  contentType: MaterialMime;
  size: number;
  sha256: string;
  uploadedAt: string;
  /** Its bytes' key (files/<uploadId>): never shown, only a link of minutes reaches them. */
  object: string;
}

/** What a posting or a correction names: a new upload, or (correcting) a file the need already has, kept. */
export type DemandMaterialRef = { uploadId: string } | { materialId: string };

export interface DemandMaterialPlan {
  issues: { path: string; message: string }[];
  /** The uploads to attach, each with the file it becomes. */
  attach: { upload: UploadRecord; material: DemandMaterial }[];
  /** The need's files once attached, in the order named. */
  materials: DemandMaterial[];
}

/**
 * Plans a need's files: `refs` in order, each new upload the caller's (`owner`), made for a need, checked ready and
 * attached nowhere; each kept file one the need has (`current`); no more than MAX_DEMAND_MATERIALS, none twice.
 * `uploads` are the named uploads as read (undefined: none, or its slot has ended).
 */
export function planDemandMaterials(input: {
  refs: readonly DemandMaterialRef[];
  uploads: ReadonlyMap<string, UploadRecord | undefined>;
  owner: string;
  current: readonly DemandMaterial[];
  objectOf: (uploadId: string) => string;
  newId: () => string;
}): DemandMaterialPlan {
  const issues: { path: string; message: string }[] = [];
  const attach: DemandMaterialPlan['attach'] = [];
  const materials: DemandMaterial[] = [];
  if (input.refs.length > MAX_DEMAND_MATERIALS) {
    issues.push({ path: 'materials', message: `一条需求最多附 ${MAX_DEMAND_MATERIALS} 个文件，现有 ${input.refs.length} 个` });
  }
  const seen = new Set<string>();
  input.refs.forEach((ref, i) => {
    const path = `materials.${i}`;
    const id = 'uploadId' in ref ? ref.uploadId : ref.materialId;
    if (seen.has(id)) return issues.push({ path, message: '同一个文件列了两次' });
    seen.add(id);
    if ('materialId' in ref) {
      const kept = input.current.find((m) => m.id === ref.materialId);
      if (!kept) return issues.push({ path, message: `该需求没有编号为 ${ref.materialId.slice(0, 40)} 的附件` });
      return materials.push(kept);
    }
    const upload = input.uploads.get(ref.uploadId);
    const problem = uploadProblem(upload, input.owner);
    if (problem) return issues.push({ path, message: problem });
    const checked = upload!.checked!;
    const material: DemandMaterial = {
      id: input.newId(),
      fileName: upload!.fileName,
      contentType: checked.contentType,
      size: checked.size,
      sha256: checked.sha256,
      uploadedAt: checked.at,
      object: input.objectOf(upload!.id),
    };
    attach.push({ upload: upload!, material });
    materials.push(material);
  });
  return { issues, attach, materials };
}

/** Why this upload cannot become a need's file, or undefined. Another's upload reads as none (its existence is not told). */
function uploadProblem(upload: UploadRecord | undefined, owner: string): string | undefined {
  if (!upload || upload.org !== owner) return '上传不存在、已过期或不是本人上传的文件，请重新上传';
  if (upload.purpose !== 'demand') return '该文件是申报材料的上传，不能作为需求附件';
  if (upload.attachedTo) return `文件“${upload.fileName}”已用于另一条需求或申请，请重新上传`;
  if (upload.status === 'pending') return `文件“${upload.fileName}”尚未上传完成或仍在检查，请稍候再提交`;
  if (upload.status !== 'ready') return `文件“${upload.fileName}”未通过检查：${upload.refusal?.reason ?? '请重新上传'}`;
  const checked = upload.checked!;
  if (!demandMaterialRules.accept.includes(checked.contentType) || checked.size > demandMaterialRules.maxBytes) {
    return `文件“${upload.fileName}”须为 PDF、JPEG 或 PNG，且不超过 10 MB`;
  }
  return undefined;
}

