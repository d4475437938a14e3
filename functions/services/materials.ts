// An application's materials in its use cases: the uploads a submission or resubmission names, read with their
// checks' verdicts, planned into materials with every problem at `materials.<key>`, attached in the application's
// transaction (their bytes stay where they were written once and checked); a short-lived link to each, for those who
// may see it.
import { ulid } from 'ulid';
import type { ApplicationType } from '#forms/entry.js';
import type { Principal } from '../auth.js';
import { DomainError, type Application } from '../domain/application.js';
import { planMaterials, previewable, type MaterialPlan, type MaterialRecord, type MaterialReference, type PlanMode, type UploadRecord } from '../domain/materials.js';
import { maskText } from '../personal-data.js';
import { assertVisible, maySeePersonalData } from '../policy.js';
import type { Attach } from '../store/applications.js';
import type { UploadTaken } from '../store/uploads.js';
import { uploadKeys, type PresignedDownload } from '../uploads.js';
import type { Services } from './context.js';

/**
 * The materials plan of a submission (or resubmission) by `principal`: each named upload read as its check left it
 * (one still pending is a problem at its material: not sent yet, or being checked), then planned. Nothing is copied
 * or stored.
 */
export async function planSubmittedMaterials(
  s: Services,
  principal: Principal,
  input: { type: ApplicationType; refs: readonly MaterialReference[]; mode: PlanMode },
): Promise<MaterialPlan> {
  const ids = input.refs.flatMap((ref) => ('uploadId' in ref ? [ref.uploadId] : []));
  const uploads = ids.length ? await s.uploads.getMany(ids, s.now()) : new Map<string, UploadRecord | undefined>();
  return planMaterials({ type: input.type, refs: input.refs, uploads, org: principal.org!, mode: input.mode, newId: () => ulid(s.now().getTime()) });
}

/** What the application's transaction attaches: each planned upload under its material's id (nothing is copied). */
export function attachments(plan: MaterialPlan): Attach[] {
  return plan.attach.map((a) => ({ uploadId: a.upload.id, materialId: a.material.id }));
}

/** A racing submission attached one of the uploads first: 400 at that material, as if it had been attached before. */
export function takenError(plan: MaterialPlan, outcome: UploadTaken): DomainError {
  const uploadId = outcome.slice('taken:'.length);
  const lost = plan.attach.find((a) => a.upload.id === uploadId);
  const key = lost?.material.key ?? '';
  return new DomainError('validation', '申报材料有误，请按提示逐项修改', {
    issues: [{ path: `materials.${key}`, message: `「${lost?.material.name ?? key}」的文件已用于另一份申请，请重新上传` }],
  });
}

/** The application's materials as this caller is shown them: file names masked where its personal data is, hashes never. */
export function shownMaterials<T extends Pick<Application, 'materials' | 'replacedMaterials'>>(
  principal: Principal,
  app: Pick<Application, 'regionCode' | 'applicant' | 'currentLevel'>,
  view: T,
): Pick<T, 'materials' | 'replacedMaterials'> {
  if (maySeePersonalData(principal, app)) return { materials: view.materials, replacedMaterials: view.replacedMaterials };
  const mask = <M extends MaterialRecord>(m: M): M => ({ ...m, fileName: maskText(m.fileName) });
  return { materials: view.materials.map(mask), replacedMaterials: view.replacedMaterials.map(mask) };
}

/**
 * `GET /v1/applications/{id}/materials/{materialId}`: a presigned GET of that file (a current or a replaced one) for
 * at most five minutes, to whoever may see the application (404 otherwise, as for the application). The link itself
 * is the capability for its minutes: whoever holds it may read that one file until it expires, and S3 refuses it
 * after. Never public: the bucket is private and the link names one object.
 */
export async function materialLink(s: Services, principal: Principal, id: string, materialId: string): Promise<PresignedDownload> {
  const app = assertVisible(principal, await s.applications.get(id), id);
  // The files are the applicant's documents (rosters, certificates, contacts): an office up the chain sees them once
  // the application has reached it, as it sees the form's personal data (policy.ts maySeePersonalData).
  if (!maySeePersonalData(principal, app)) throw new DomainError('not_found', '该申请尚未报送到本级，其材料暂不可查看');
  const material = [...app.materials, ...app.replacedMaterials].find((m) => m.id === materialId);
  if (!material) throw new DomainError('not_found', `申请 ${id} 没有编号为 ${materialId} 的材料`);
  const fileName = material.fileName;
  return s.bucket.presignDownload(material.object ?? uploadKeys.material(app.id, material.id), {
    fileName,
    contentType: material.contentType,
    inline: previewable(material.contentType),
    expiresIn: s.config.materials.downloadUrlSeconds,
    signingDate: s.now(),
  });
}
