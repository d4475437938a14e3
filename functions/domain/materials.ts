// An application's materials (申报材料) and the uploads they are made from: what an upload is, what the check holds it
// to, and which uploads a submission or a resubmission may attach under which material, every problem named at
// `materials.<key>`. Pure: no AWS, no HTTP.
import { fileKinds, findMaterial, kindOfMime, maxMaterialBytes, materialsFor, type FileKind, type Material, type MaterialMime } from '#forms/materials.js';
import type { ApplicationType } from '#forms/entry.js';
import type { CheckedMaterial } from './file-check.js';
import { uploadKeys } from '../upload-keys.js';
import { demandMaterialRules } from './demand-materials.js';

export type UploadStatus = 'pending' | 'ready' | 'refused';

/** An upload slot and what became of it, as the server keeps it. */
export interface UploadRecord {
  id: string;
  /** The organisation and the person that asked for it: only that organisation may see or attach it. */
  org: string;
  sub: string;
  fileName: string;
  /** As declared when the slot was asked for (and signed into its PUT); the check decides the real kind. */
  contentType: MaterialMime;
  size: number;
  createdAt: string;
  /** The material the upload is meant for, when the applicant said so: the check holds it to that material's rules and names it. */
  material?: { type: ApplicationType; key: string };
  /**
   * `demand`: a need's file, sent by an office or a village account (`org` is then `user:<sub>`), checked against
   * demandMaterialRules and attached only to a need (functions/domain/demand-materials.ts). Absent: an application's.
   */
  purpose?: 'demand';
  status: UploadStatus;
  checked?: { kind: FileKind; contentType: MaterialMime; size: number; sha256: string; at: string };
  refusal?: { code: string; reason: string };
  /** Where it went: then it is an application's material and is never attached again. */
  attachedTo?: { applicationId: string; materialId: string } | { demandId: string; materialId: string };
  /** Unattached uploads are forgotten then (the bucket's lifecycle removes their bytes a day after they were written). */
  expiresAt?: string;
  /**
   * Pending: when its bytes have had time to arrive (the slot's PUT has expired). The check runs when they land (S3's
   * ObjectCreated event, functions/check-upload.ts); should none have run by then, the sweeper runs it.
   */
  checkBy?: string;
}

/** An upload as its uploader reads it (GET /v1/uploads/{uploadId}). */
export interface UploadView {
  uploadId: string;
  status: UploadStatus;
  fileName: string;
  contentType: string;
  size: number;
  sha256?: string;
  reason?: string;
}

export function uploadView(upload: UploadRecord): UploadView {
  return {
    uploadId: upload.id,
    status: upload.status,
    fileName: upload.fileName,
    // Once checked, the kind the bytes are; before, the kind declared.
    contentType: upload.checked?.contentType ?? upload.contentType,
    size: upload.checked?.size ?? upload.size,
    ...(upload.checked ? { sha256: upload.checked.sha256 } : {}),
    ...(upload.refusal ? { reason: upload.refusal.reason } : {}),
  };
}

/** A file attached to an application: a copy of a checked upload, never overwritten (a replacement is a new one). */
export interface MaterialRecord {
  id: string;
  key: string;
  /** The material's name when it was attached (a later catalogue may rename it). */
  name: string;
  fileName: string;
  /** The kind the bytes were found to be. */
  contentType: MaterialMime;
  size: number;
  sha256: string;
  uploadedAt: string;
  /**
   * Where its bytes are: the upload's own key (files/<uploadId>, written once, checked there). Absent on materials
   * attached before that, which were copied to materials/<applicationId>/<materialId> (functions/upload-keys.ts).
   */
  object?: string;
  /** The id of the material this one replaced in a resubmission. */
  replaces?: string;
}

/** A material a resubmission replaced: still readable by those who may see the application. */
export interface ReplacedMaterial extends MaterialRecord {
  replacedAt: string;
}

/** What a submission names: a new upload under a material, or (resubmitting) a material already attached, kept. */
export type MaterialReference = { key: string; uploadId: string } | { key: string; materialId: string };

/** Files one material key takes at most, and one submission in all (each is an item of the submission's transaction). */
export const materialLimits = { perKey: 20, total: 40 } as const;

const kindLabel = (mime: string) => fileKinds[kindOfMime(mime) ?? 'pdf'].label;
const kindsText = (accept: readonly string[]) => accept.map(kindLabel).join('、');
const sizeText = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Any material: what an upload named for none is checked against until it is attached (and held to its material then). */
export const anyMaterial = { accept: Object.values(fileKinds).map((k) => k.mime), maxBytes: maxMaterialBytes } as const;

/** What the check holds an upload to: its material's rules and name, or any material's, naming the file. */
export function checkedMaterialOf(upload: Pick<UploadRecord, 'fileName' | 'material' | 'purpose'>): CheckedMaterial {
  if (upload.purpose === 'demand') return { name: upload.fileName, accept: demandMaterialRules.accept, maxBytes: demandMaterialRules.maxBytes };
  const material = upload.material && findMaterial(upload.material.type, upload.material.key);
  return material ?? { name: upload.fileName, ...anyMaterial };
}

/** Why a slot cannot be given for these (the declared type and size, against the material or any material), or undefined. */
export function slotProblems(
  declared: { contentType: string; size: number },
  material: Pick<Material, 'name' | 'accept' | 'maxBytes'> | undefined,
): { path: string; message: string }[] {
  const rules = material ?? { name: undefined, ...anyMaterial };
  const named = material ? `「${material.name}」` : '材料';
  const issues: { path: string; message: string }[] = [];
  if (!rules.accept.includes(declared.contentType as MaterialMime)) {
    issues.push({ path: 'contentType', message: `${named}只接受 ${kindsText(rules.accept)} 文件` });
  }
  if (declared.size > rules.maxBytes) issues.push({ path: 'size', message: `${named}的文件不能超过 ${sizeText(rules.maxBytes)}` });
  return issues;
}

/** An upload to attach: the upload, the material it becomes, and the id of the one it replaces. */
export interface Attachment {
  upload: UploadRecord;
  material: MaterialRecord;
}

export interface MaterialPlan {
  /** One issue per material key (`materials.<key>`), every problem of that key in its message. */
  issues: { path: string; message: string }[];
  /** The uploads to attach, each with the material record it becomes (its bytes stay where they were checked). */
  attach: Attachment[];
  /** The application's materials once attached. */
  materials: MaterialRecord[];
  /** Materials that leave the current list (a resubmission replaced them). */
  replaced: MaterialRecord[];
  /** `materials.<key>` of each key whose files changed (a resubmission's history entry lists them). */
  changes: string[];
}

export type PlanMode =
  /** A submission: `required` when the type's required materials must be there (configuration's MATERIALS). */
  | { kind: 'submit'; required: boolean }
  /**
   * A resubmission of an application with `current` materials: keys named replace that key's files with those listed
   * (uploads, or current materials kept by id), keys not named stay. `asked`: keys a return named as a problem
   * (`materials.<key>`), which must bring a new file, required by the list or not.
   */
  | { kind: 'resubmit'; current: readonly MaterialRecord[]; asked: readonly string[] };

/**
 * Which uploads become which materials, and every problem at once: a key the type's list does not have, a required
 * material missing, an upload that is not the caller's (or does not exist: the same to the caller), not checked yet,
 * refused, of a kind or size the material does not take, already attached, named twice; too many files for a key.
 * `uploads` holds each named upload as read (after any pending one was checked); `newId` names each new material.
 */
export function planMaterials(input: {
  type: ApplicationType;
  refs: readonly MaterialReference[];
  uploads: ReadonlyMap<string, UploadRecord | undefined>;
  org: string;
  mode: PlanMode;
  newId: () => string;
}): MaterialPlan {
  const { type, refs, uploads, org, mode } = input;
  const list = materialsFor(type);
  const current = mode.kind === 'resubmit' ? mode.current : [];
  const problems = new Map<string, string[]>();
  const problem = (key: string, message: string) => {
    const known = problems.get(key) ?? [];
    if (!known.includes(message)) problems.set(key, [...known, message]);
  };
  // A key of the type's list, or (resubmitting) one the application carries from an earlier list.
  const materialOf = (key: string): Pick<Material, 'name' | 'accept' | 'maxBytes' | 'multiple'> | undefined =>
    list.find((m) => m.key === key) ?? (current.some((c) => c.key === key) ? { ...anyMaterial, name: current.find((c) => c.key === key)!.name, multiple: true } : undefined);

  const byKey = new Map<string, MaterialReference[]>();
  for (const ref of refs) byKey.set(ref.key, [...(byKey.get(ref.key) ?? []), ref]);
  const seenUploads = new Set<string>();
  const attach: Attachment[] = [];
  const kept: MaterialRecord[] = [];
  const replaced: MaterialRecord[] = [];
  const changes: string[] = [];

  for (const [key, given] of byKey) {
    const material = materialOf(key);
    if (!material) {
      problem(key, `本类申请的材料清单中没有 ${key}`);
      continue;
    }
    const name = `「${material.name}」`;
    if (given.length > 1 && !material.multiple) problem(key, `${name}只能上传一个文件`);
    if (given.length > materialLimits.perKey) problem(key, `${name}最多上传 ${materialLimits.perKey} 个文件`);
    const fresh: Attachment[] = [];
    const keptHere: MaterialRecord[] = [];
    for (const ref of given) {
      if ('materialId' in ref) {
        const found = current.find((c) => c.id === ref.materialId && c.key === key);
        if (mode.kind === 'submit') problem(key, `${name}：提交新申请时请引用上传的文件（uploadId）`);
        else if (!found) problem(key, `${name}中没有编号为 ${ref.materialId} 的现有文件`);
        else keptHere.push(found);
        continue;
      }
      if (seenUploads.has(ref.uploadId)) {
        problem(key, `${name}：同一个上传的文件不能使用两次`);
        continue;
      }
      seenUploads.add(ref.uploadId);
      const upload = uploads.get(ref.uploadId);
      const why = upload && upload.org === org ? uploadProblem(upload, material) : `${name}引用的上传不存在或已过期，请重新上传`;
      if (why) problem(key, why);
      else {
        fresh.push({
          upload: upload!,
          material: {
            id: input.newId(),
            key,
            name: material.name,
            fileName: upload!.fileName,
            contentType: upload!.checked!.contentType,
            size: upload!.checked!.size,
            sha256: upload!.checked!.sha256,
            uploadedAt: upload!.checked!.at,
            object: uploadKeys.file(upload!.id),
          },
        });
      }
    }
    if (mode.kind === 'resubmit') {
      const dropped = current.filter((c) => c.key === key && !keptHere.includes(c));
      // Each new file takes the place of a file dropped from the same material, in order.
      fresh.forEach((a, i) => {
        if (dropped[i]) a.material.replaces = dropped[i].id;
      });
      replaced.push(...dropped);
      if (fresh.length || dropped.length) changes.push(`materials.${key}`);
      if (mode.asked.includes(key) && given.every((ref) => 'materialId' in ref)) problem(key, `退回意见要求重新提交${name}，请上传新的文件`);
    }
    attach.push(...fresh);
    kept.push(...keptHere);
  }

  if (mode.kind === 'submit' && mode.required) {
    for (const material of list) if (material.required && !byKey.has(material.key)) problem(material.key, `请上传「${material.name}」`);
  }
  if (mode.kind === 'resubmit') {
    for (const key of mode.asked) {
      if (byKey.has(key)) continue;
      const material = materialOf(key) ?? findMaterial(type, key);
      problem(key, `退回意见要求重新提交${material ? `「${material.name}」` : key}，请上传新的文件`);
    }
  }

  // The application's list in the catalogue's order, each key's files in the order given; keys not named stay as they were.
  const untouched = current.filter((c) => !byKey.has(c.key));
  const next = [...untouched, ...kept, ...attach.map((a) => a.material)];
  const order = (key: string) => {
    const at = list.findIndex((m) => m.key === key);
    return at < 0 ? list.length : at;
  };
  const materials = next
    .map((m, i) => ({ m, i }))
    .sort((a, b) => order(a.m.key) - order(b.m.key) || a.i - b.i)
    .map(({ m }) => m);

  return {
    issues: [...problems].map(([key, messages]) => ({ path: `materials.${key}`, message: messages.join('；') })),
    attach,
    materials,
    replaced,
    changes,
  };
}

/** Why this caller's upload cannot become `material`, or undefined. */
function uploadProblem(upload: UploadRecord, material: Pick<Material, 'name' | 'accept' | 'maxBytes'>): string | undefined {
  const name = `「${material.name}」`;
  if (upload.attachedTo) return `${name}的文件已用于另一份申请，请重新上传`;
  if (upload.status === 'pending') return `${name}的文件尚未上传完成或仍在检查，请稍候再提交`;
  if (upload.status === 'refused') {
    const reason = upload.refusal?.reason ?? '文件未通过检查';
    return reason.includes(name) ? reason : `${name}：${reason}`;
  }
  const checked = upload.checked!;
  if (!material.accept.includes(checked.contentType)) return `${name}只接受 ${kindsText(material.accept)} 文件，所传文件是 ${kindLabel(checked.contentType)}`;
  if (checked.size > material.maxBytes) return `${name}的文件不能超过 ${sizeText(material.maxBytes)}`;
  return undefined;
}

/** The keys a return named as problems (`materials.<key>`): a resubmission must bring a new file for each. */
export function askedMaterials(issues: readonly { path?: string }[] | undefined): string[] {
  return [...new Set((issues ?? []).flatMap((i) => (i.path?.startsWith('materials.') ? [i.path.slice('materials.'.length)] : [])).filter(Boolean))];
}

/** Whether a browser shows a material in the page (PDFs and images) rather than saving it (OFD). */
export const previewable = (contentType: string) => contentType === fileKinds.pdf.mime || contentType.startsWith('image/');
