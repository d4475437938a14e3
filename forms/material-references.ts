// What a submission (and a resubmission) says of its materials: which upload goes under which material of the
// type's list (forms/materials.ts), and, resubmitting, which attached files stay.
import * as z from 'zod/mini';
import { group, labelled, list, zhError } from './fields.js';

const e = { error: zhError };

const materialKey = labelled(z.string(e).check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, '材料代码须为材料清单中的 key，如 member-roster')), {
  title: '材料代码',
  description: 'GET /v1/forms 中该类型 materials[].key',
});

/** The ids the server gives (ULIDs): uploads, materials. */
const serverId = (title: string, description: string) =>
  labelled(z.string(e).check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, `${title}须为服务器给出的 26 位编号`)), { title, description });

const upload = group('新上传的文件', { key: materialKey, uploadId: serverId('上传编号', 'POST /v1/uploads 给出的 uploadId，检查通过（ready）的') });
const kept = group('保留的现有文件', { key: materialKey, materialId: serverId('材料编号', '申请现有 materials[].id') });

/** The most files one submission attaches (functions/domain/materials.ts materialLimits.total). */
const maxFiles = 40;

/** A submission's materials: uploads only. */
export const submittedMaterials = list('申报材料', upload, 0, maxFiles, '每项材料引用一个上传（可多个的材料可引用多个）；必交材料须齐全');

/**
 * A resubmission's materials: for each key named, that material's files become those listed (new uploads, or
 * current files kept by their id); materials not named stay as they are.
 */
export const resubmittedMaterials = list(
  '申报材料',
  z.union([upload, kept], e),
  0,
  maxFiles,
  '列出的材料以所列文件为准（新上传的 uploadId，或保留现有文件的 materialId），未列出的材料保持不变；退回意见指明的材料须上传新文件',
);

export type SubmittedMaterials = z.output<typeof submittedMaterials>;
export type ResubmittedMaterials = z.output<typeof resubmittedMaterials>;
