// Uploads never attached are removed when their slot ends (a day after it was given): the sweeper takes them off the
// due index, record and bytes (functions/services/sweep.ts, kind `upload`), while attached ones stay where they were
// written and checked. A submission racing the sweeper for one upload: one wins, and what is attached keeps its bytes.
import { describe, expect, it } from 'vitest';
import { sweep } from '#functions/services/sweep.js';
import { UPLOAD_TTL_SECONDS } from '#functions/store/uploads.js';
import { UploadSweep } from '#functions/store/upload-sweep.js';
import { uploadKeys } from '#functions/upload-keys.js';
import { stackForFile, sweepServicesOf } from '../support/local.js';
import { checked, requiredMaterials, send } from '../support/materials.js';
import { pdf } from '../support/files.js';
import { submission } from '../support/submissions.js';

// The sweeper is called by the tests (sweepEveryMs 0), at an hour past the slots' end.
const file = stackForFile({ sweepEveryMs: 0, env: { MATERIALS: 'required' } });
const TYPE = 'society-station';
const TOWNSHIP = '441882102';

const services = () => file.api.stack.services;
const later = () => new Date(Date.now() + (UPLOAD_TTL_SECONDS + 3600) * 1000);
/** A sweep as the deployed sweeper runs it, at `now`. */
const sweeping = () => new UploadSweep(services().uploads.db, services().uploads.table);
const sweepAt = (now: () => Date) => sweep(sweepServicesOf(services(), { now }));
const head = (uploadId: string) => services().bucket.head(uploadKeys.file(uploadId));
const record = (uploadId: string) => services().uploads.get(uploadId, new Date(0));

describe('uploads whose slot ends unattached', () => {
  it('are removed, record and bytes, once; attached ones and their bytes stay', async () => {
    // Prepare: an application with its materials, a checked upload left aside, and one never sent
    const { refs } = await requiredMaterials(file.api, file.tokens.applicant, TYPE, 1);
    const app = await file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: { ...submission(TYPE, TOWNSHIP), materials: refs } });
    expect(app.status, app.text).toBe(201);
    const aside = await send(file.api, file.tokens.applicant, pdf({ objects: ['<< /Aside 1 >>'] }), { fileName: '备用.pdf', contentType: 'application/pdf' });
    expect((await checked(file.api, file.tokens.applicant, aside.uploadId)).body.status).toBe('ready');
    const never = await file.api.call('POST', '/v1/uploads', { token: file.tokens.applicant, body: { fileName: '未上传.pdf', contentType: 'application/pdf', size: 100 } });
    expect(never.status, never.text).toBe(201);

    // Act: a sweep now (nothing is due), then three at once past the slots' end, then another
    const early = await sweepAt(() => new Date());
    const racing = await Promise.all([sweepAt(later), sweepAt(later), sweepAt(later)]);
    const again = await sweepAt(later);

    // Assess
    expect(early.swept).toBe(0);
    expect(racing.reduce((n, r) => n + r.swept, 0)).toBe(2);
    expect(again.swept).toBe(0);
    expect(await record(aside.uploadId)).toBeUndefined();
    expect(await head(aside.uploadId)).toBeUndefined();
    expect(await record(never.body.uploadId)).toBeUndefined();
    for (const ref of refs) {
      expect(await record(ref.uploadId)).toMatchObject({ attachedTo: { applicationId: app.body.id } });
      expect(await head(ref.uploadId)).toBeDefined();
    }
    const material = app.body.materials[0];
    const link = await file.api.call('GET', `/v1/applications/${app.body.id}/materials/${material.id}`, { token: file.tokens.township });
    expect((await fetch(link.body.url)).status).toBe(200);
  });

  it('finishes a removal a sweeper left half done (record retired, bytes still there)', async () => {
    // Prepare: an upload retired as a sweeper stopped just after
    const sent = await send(file.api, file.tokens.applicant, pdf({ objects: ['<< /Half 1 >>'] }), { fileName: '半途.pdf', contentType: 'application/pdf' });
    expect((await checked(file.api, file.tokens.applicant, sent.uploadId)).body.status).toBe('ready');
    const due = (await services().notifications.due(later().toISOString(), 100)).find((d) => d.item.id === sent.uploadId)!;
    const retired = await sweeping().retire(sent.uploadId, due.seen, later().toISOString());
    expect(retired).not.toBe('moved');
    expect(await head(sent.uploadId)).toBeDefined();

    // Act: a later sweep, past the retired turn
    const result = await sweepAt(() => new Date(later().getTime() + 3600_000));

    // Assess
    expect(result.swept).toBeGreaterThanOrEqual(1);
    expect(await record(sent.uploadId)).toBeUndefined();
    expect(await head(sent.uploadId)).toBeUndefined();
  });

  it('races a submission for one upload: one wins, and an attached file keeps its bytes', async () => {
    for (let round = 0; round < 4; round++) {
      // Prepare: the materials of one submission, checked
      const { refs } = await requiredMaterials(file.api, file.tokens.applicant, TYPE, 10 + round);

      // Act: the submission (at the real time, inside the slots) and a sweep past their end, at once
      const [submitted] = await Promise.all([
        file.api.call('POST', '/v1/applications', { token: file.tokens.applicant, body: { ...submission(TYPE, TOWNSHIP), materials: refs } }),
        sweepAt(later),
      ]);

      // Assess: attached, every file is there; refused, the uploads are gone or still unattached, nothing half-stored
      if (submitted.status === 201) {
        for (const ref of refs) expect(await head(ref.uploadId)).toBeDefined();
        for (const m of submitted.body.materials) {
          const link = await file.api.call('GET', `/v1/applications/${submitted.body.id}/materials/${m.id}`, { token: file.tokens.township });
          expect((await fetch(link.body.url)).status).toBe(200);
        }
      } else {
        expect(submitted.status, submitted.text).toBe(400);
        for (const ref of refs) expect((await record(ref.uploadId))?.attachedTo).toBeUndefined();
      }
    }
  });
});
