// Every object key of the uploads bucket, built here: functions/uploads.ts uses them, infra/uploads.ts's lifecycle
// rules, grants and bucket policy follow their prefixes.

/**
 * Where an upload lives:
 * - `files/<uploadId>`: what a presigned PUT writes, once: the PUT is signed with `If-None-Match: *`, so S3 refuses
 *   to write over what is there (and the bucket policy refuses a PUT under files/ without it). The bytes are checked
 *   where they are and, attached, stay there as the material: what was checked is what officials open, with no copy.
 *   An upload never attached is removed by the sweeper when its slot ends (functions/services/sweep.ts, kind
 *   `upload`), its old versions by the lifecycle a day later.
 * - `materials/<applicationId>/<materialId>`: where materials attached before files/ were copied (still read).
 * - `uploads/`: the incoming and checked copies of that earlier scheme, removed by the lifecycle a day after written.
 */
export const uploadKeys = {
  file: (uploadId: string) => `files/${segment(uploadId)}`,
  material: (applicationId: string, materialId: string) => `materials/${segment(applicationId)}/${segment(materialId)}`,
} as const;

/** The prefixes, for the lifecycle rules, the grants and the bucket policy. */
export const uploadPrefixes = { files: 'files/', materials: 'materials/', temporary: 'uploads/' } as const;

/** Ids are ULIDs and the like: never a path, never a name a person gave (keys show in access logs). */
function segment(id: string): string {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw new Error(`not an id for an object key: ${JSON.stringify(id.slice(0, 80))}`);
  return id;
}
