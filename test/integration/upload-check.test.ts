// The check of an upload runs where its bytes land, not in the API: S3's ObjectCreated event invokes the check's
// function (functions/check-upload.ts; locally the S3 server's own event), and the sweeper is its backstop for an
// upload whose event never came. This stack checks nothing on upload (checkOnUpload: false), as if every event were
// lost: the backstop alone must check, once its bytes have had time to arrive, and forget a slot never sent.
import { describe, expect, it } from 'vitest';
import { objectsCreated } from '#functions/services/upload-check.js';
import { buildCheckServices } from '#functions/services/build.js';
import { sweep } from '#functions/services/sweep.js';
import { uploadKeys } from '#functions/upload-keys.js';
import { silentLogger } from '#functions/log.js';
import { stackForFile, sweepServicesOf } from '../support/local.js';
import { send, sha256, uploadState } from '../support/materials.js';
import { elf, pdf } from '../support/files.js';

const file = stackForFile({ sweepEveryMs: 0, checkOnUpload: false });

const services = () => file.api.stack.services;
const sweepAt = (at: Date) => sweep(sweepServicesOf(services(), { now: () => at }));
const record = (uploadId: string) => services().uploads.get(uploadId, new Date(0));
const head = (uploadId: string) => services().bucket.head(uploadKeys.file(uploadId));
const state = (uploadId: string) => uploadState(file.api, file.tokens.applicant, uploadId);
const later = (iso: string, ms: number) => new Date(Date.parse(iso) + ms);
const checkServices = () => ({ ...buildCheckServices(services().config, { db: services().uploads.db }, services().bucket.s3), log: silentLogger });
const created = (bucket: string, key: string) => ({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key } } }] });

describe('the check’s backstop in the sweeper (no event came)', () => {
  it('checks an upload whose bytes arrived once they have had time to, and only then', async () => {
    // Prepare: a PDF and a renamed executable sent, never checked
    const bytes = pdf({ objects: ['<< /Backstop 1 >>'] });
    const good = await send(file.api, file.tokens.applicant, bytes, { fileName: '方案.pdf', contentType: 'application/pdf' });
    const bad = await send(file.api, file.tokens.applicant, elf(4096), { fileName: '名册.pdf', contentType: 'application/pdf' });
    const checkBy = (await record(good.uploadId))!.checkBy!;

    // Act: a sweep before the bytes' time is up, then one after it
    const early = await sweepAt(new Date());
    const pendingThen = (await state(good.uploadId)).body.status;
    const due = await sweepAt(later(checkBy, 1000));

    // Assess
    expect([good.put, bad.put]).toEqual([200, 200]);
    expect(Date.parse(checkBy) - Date.now()).toBeGreaterThan(services().config.materials.uploadUrlSeconds * 1000);
    expect(early.checked).toBe(0);
    expect(pendingThen).toBe('pending');
    expect(due.checked).toBe(2);
    expect((await state(good.uploadId)).body).toMatchObject({ status: 'ready', sha256: sha256(bytes) });
    expect((await state(bad.uploadId)).body).toMatchObject({ status: 'refused', reason: expect.stringContaining('可执行程序') });
    expect(await head(bad.uploadId)).toBeUndefined();
    // Checked, the upload waits for its slot's end (then the sweeper removes it, if never attached): no second check.
    expect((await record(good.uploadId))!.checkBy).toBeUndefined();
    expect((await sweepAt(later(checkBy, 2000))).checked).toBe(0);
  });

  it('looks again for bytes that have not come, then leaves the slot to its end, when it is removed', async () => {
    // Prepare: a slot never sent
    const slot = await file.api.call('POST', '/v1/uploads', { token: file.tokens.applicant, body: { fileName: '未上传.pdf', contentType: 'application/pdf', size: 100 } });
    const id = slot.body.uploadId;
    const { checkBy, expiresAt } = (await record(id))!;

    // Act: at its check time (nothing there), an hour and a half later (still nothing), and after its slot's end
    const first = await sweepAt(later(checkBy!, 1000));
    const afterFirst = (await services().notifications.due(later(checkBy!, 6 * 60_000).toISOString(), 1000)).some((d) => d.item.id === id);
    const second = await sweepAt(later(checkBy!, 90 * 60_000));
    const stillListedSoon = (await services().notifications.due(later(checkBy!, 100 * 60_000).toISOString(), 1000)).some((d) => d.item.id === id);
    const end = await sweepAt(later(expiresAt!, 1000));

    // Assess: put off five minutes, then to the slot's end, then removed
    expect([first.checked, second.checked]).toEqual([0, 0]);
    expect(afterFirst).toBe(true);
    expect(stillListedSoon).toBe(false);
    expect(end.swept).toBeGreaterThanOrEqual(1);
    expect(await record(id)).toBeUndefined();
  });
});

describe('the check on S3’s ObjectCreated event (functions/check-upload.ts)', () => {
  it('checks the upload an event names, once however many events race; other buckets and keys are let be', async () => {
    // Prepare
    const bytes = pdf({ objects: ['<< /Event 1 >>'] });
    const sent = await send(file.api, file.tokens.applicant, bytes, { fileName: '方案.pdf', contentType: 'application/pdf' });
    const bucket = file.api.stack.s3.bucket;
    const s = checkServices();

    // Act: four deliveries of its event at once (S3 delivers at least once), and events of no upload
    const racing = await Promise.all([1, 2, 3, 4].map(() => objectsCreated(s, bucket, created(bucket, uploadKeys.file(sent.uploadId)))));
    const strays = await objectsCreated(s, bucket, {
      Records: [
        ...created('another-bucket', uploadKeys.file(sent.uploadId)).Records,
        ...created(bucket, 'files/..%2Fsecret').Records,
        ...created(bucket, 'materials/X/Y').Records,
        { eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: bucket }, object: { key: uploadKeys.file(sent.uploadId) } } },
      ],
    });

    // Assess: one check recorded the verdict, the others found it held or done
    expect(racing.flat().filter((o) => o === 'ready')).toHaveLength(1);
    expect(racing.flat().filter((o) => o === 'held')).toHaveLength(3);
    expect(strays).toEqual(['unknown', 'unknown']);
    expect((await state(sent.uploadId)).body).toMatchObject({ status: 'ready', sha256: sha256(bytes) });
  });

  it('is what the deployed handler runs, from its environment', async () => {
    // Prepare: the function's environment as infra/uploads.ts gives it, the local servers' endpoints and keys
    const bytes = pdf({ objects: ['<< /Handler 1 >>'] });
    const sent = await send(file.api, file.tokens.applicant, bytes, { fileName: '方案.pdf', contentType: 'application/pdf' });
    const config = services().config;
    Object.assign(process.env, {
      TABLE_NAME: config.tableName,
      AWS_REGION: config.region,
      DYNAMODB_ENDPOINT: config.dynamodbEndpoint,
      UPLOADS_BUCKET: config.uploads!.bucket,
      S3_ENDPOINT: config.uploads!.endpoint,
      AWS_ACCESS_KEY_ID: file.api.stack.s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: file.api.stack.s3.credentials.secretAccessKey,
    });
    const { handler } = await import('#functions/check-upload.js');

    // Act
    await handler(created(config.uploads!.bucket, uploadKeys.file(sent.uploadId)));

    // Assess
    expect((await state(sent.uploadId)).body).toMatchObject({ status: 'ready', sha256: sha256(bytes) });
  });
});
