// Every object key of the uploads bucket, built here: functions/uploads.ts uses them, infra/uploads.ts's lifecycle
// rules and grants follow their prefixes.

/**
 * Where an upload lives (infra/uploads.ts's lifecycle rules follow these prefixes):
 * - `uploads/incoming/<uploadId>`: what a presigned PUT writes, the only key an applicant can write;
 * - `uploads/checked/<uploadId>`: the server's copy of it, the bytes that were checked (no presigned URL names it, so
 *   a second PUT to the slot cannot change what was checked);
 * - `materials/<applicationId>/<materialId>`: a checked upload attached to an application, copied once and never
 *   overwritten (a replacement is a new material id).
 * Everything under `uploads/` is removed a day after it was written; what is under `materials/` stays.
 */
export const uploadKeys = {
  incoming: (uploadId: string) => `uploads/incoming/${segment(uploadId)}`,
  checked: (uploadId: string) => `uploads/checked/${segment(uploadId)}`,
  material: (applicationId: string, materialId: string) => `materials/${segment(applicationId)}/${segment(materialId)}`,
} as const;

/** The prefixes, for the lifecycle rules and the grants. */
export const uploadPrefixes = { temporary: 'uploads/', incoming: 'uploads/incoming/', checked: 'uploads/checked/', materials: 'materials/' } as const;

/** Ids are ULIDs and the like: never a path, never a name a person gave (keys show in access logs). */
function segment(id: string): string {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw new Error(`not an id for an object key: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}
