// Materials (issue 14) on the local stack as npm start runs it: a 10 MB file sent through the stack (a slot from the
// API and the presigned PUT; then until its check, run where the bytes landed, says ready) against the floor, a plain presigned PUT of the same bytes to the
// same local S3 server made by the SDK's presigner; and a submission's p50 with its materials attached against the
// same submission without (interleaved, one at a time). An application's materials are attributes of its item: read
// with it (one GetItem), never by a list or a search, so there is no page of them to time at scale.
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { materialsFor } from '#forms/materials.js';
import { pdf, pseudoRandom, streamObject } from '../test/support/files.js';
import { log, round, summarize, type Api, type Server, type Summary } from './lib.js';
import { stationForm, tokensFor } from './workload.js';

const MB = 1024 * 1024;
/** Issue 14: through the stack at least half the floor's throughput. */
export const UPLOAD_RATIO_TARGET = 0.5;
/** Issue 14: attaching materials adds at most 20 % to a submission's p50. */
export const ATTACH_RATIO_TARGET = 1.2;

export interface MaterialsResult {
  /**
   * `stack`: the slot, the PUT and the check until ready (what a user waits for before the material shows 已通过检查);
   * `sent`: the slot and the PUT alone (the bytes stored: the upload's side of it), `sentRatio` its throughput against the floor's.
   */
  upload: { bytes: number; runs: number; floor: Summary; stack: Summary; sent: Summary; floorMBps: number; stackMBps: number; ratio: number; sentRatio: number; check: string };
  submission: { runs: number; materials: number; without: Summary; with: Summary; ratioP50: number };
}

/** A PDF of `bytes` (one page, a large image-like stream) that the check reads to its end and passes. */
function bigPdf(bytes: number): Buffer {
  const probe = pdf({ objects: [streamObject('/Type /XObject /Subtype /Image', Buffer.alloc(0))] });
  return pdf({ objects: [streamObject('/Type /XObject /Subtype /Image', pseudoRandom(bytes - probe.length, 11))] });
}

const put = async (url: string, body: Buffer, headers: Record<string, string>) => {
  const out = await fetch(url, { method: 'PUT', body: new Uint8Array(body), headers });
  await out.arrayBuffer();
  if (out.status !== 200) throw new Error(`PUT answered ${out.status}`);
};

/**
 * One upload as the pages send it: the slot, the bytes straight to storage (`sent` is called when S3 has answered
 * 200), then the upload read until its check is done.
 */
async function sendThrough(api: Api, token: string, bytes: Buffer, fileName: string, material?: { type: string; key: string }, sent?: () => void): Promise<string> {
  const slot = await api.call('POST', '/v1/uploads', {
    token,
    body: { fileName, contentType: 'application/pdf', size: bytes.length, ...(material ? { type: material.type, material: material.key } : {}) },
  });
  if (slot.status !== 201) throw new Error(`upload slot: ${slot.status} ${JSON.stringify(slot.body)}`);
  await put(slot.body.url, bytes, slot.body.headers);
  sent?.();
  for (;;) {
    const view = await api.call('GET', `/v1/uploads/${slot.body.uploadId}`, { token });
    if (view.body.status === 'ready') return slot.body.uploadId;
    if (view.body.status === 'refused') throw new Error(`upload refused: ${view.body.reason}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

export async function benchMaterials(api: Api, server: Server, place: { township: string; county: string }, runs = { upload: 5, submissions: 30 }): Promise<MaterialsResult> {
  const t = await tokensFor(api, place);
  const s3 = server.s3;
  const client = new S3Client({ region: 'cn-north-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
  try {
    // --- a 10 MB file: the floor and the stack, alternately -------------------------------------------------------
    const file = bigPdf(10 * MB);
    const floorMs: number[] = [];
    const stackMs: number[] = [];
    const sentMs: number[] = [];
    const floorOnce = async (i: number) => {
      const command = new PutObjectCommand({ Bucket: s3.bucket, Key: `bench/floor-${i}`, ContentLength: file.length, ContentType: 'application/pdf' });
      const url = await getSignedUrl(client, command, { expiresIn: 600, signableHeaders: new Set(['content-type']) });
      const started = performance.now();
      await put(url, file, { 'content-type': 'application/pdf' });
      return performance.now() - started;
    };
    const stackOnce = async (i: number) => {
      const started = performance.now();
      let sentAt = started;
      await sendThrough(api, t.applicant, file, `方案-${i}.pdf`, { type: 'society-station', key: 'service-plan' }, () => (sentAt = performance.now()));
      return [performance.now() - started, sentAt - started] as const;
    };
    // Warm up both paths (the JIT, the S3 server's directories).
    await floorOnce(-1);
    await stackOnce(-1);
    for (let i = 0; i < runs.upload; i++) {
      floorMs.push(await floorOnce(i));
      const [untilReady, untilSent] = await stackOnce(i);
      stackMs.push(untilReady);
      sentMs.push(untilSent);
    }
    const floor = summarize(floorMs);
    const stack = summarize(stackMs);
    const sent = summarize(sentMs);
    const mbps = (ms: number) => round(file.length / MB / (ms / 1000), 1);
    const upload = {
      bytes: file.length,
      runs: runs.upload,
      floor,
      stack,
      sent,
      floorMBps: mbps(floor.p50),
      stackMBps: mbps(stack.p50),
      ratio: round(floor.p50 / stack.p50),
      sentRatio: round(floor.p50 / sent.p50),
      check:
        'the slot (POST /v1/uploads), the write-once PUT, then GET /v1/uploads/{id} every 20 ms until ready: the S3 server\'s event of the PUT runs the check where the bytes were written (every byte hashed and searched, the PDF lexed outside its streams), as S3\'s ObjectCreated runs the check\'s function in AWS; nothing is copied',
    };
    log(
      `  10 MB upload: floor p50 ${floor.p50} ms (${upload.floorMBps} MB/s); through the stack sent p50 ${sent.p50} ms (×${upload.sentRatio}), checked p50 ${stack.p50} ms (${upload.stackMBps} MB/s): ×${upload.ratio} the floor's throughput`,
    );

    // --- a submission with and without its materials, alternately ----------------------------------------------
    const required = materialsFor('society-station').filter((m) => m.required);
    const small = (n: number, k: number) => pdf({ objects: [`<< /Bench ${n} /Material ${k} >>`] });
    const refsFor = async (n: number) =>
      Promise.all(required.map(async (m, k) => ({ key: m.key, uploadId: await sendThrough(api, t.applicant, small(n, k), `${m.name}.pdf`, { type: 'society-station', key: m.key }) })));
    log(`  preparing ${runs.submissions + 5} submissions' materials (${required.length} checked uploads each)`);
    const prepared = [];
    for (let n = 0; n < runs.submissions + 5; n++) prepared.push(await refsFor(n));
    const submitOnce = async (n: number, materials?: { key: string; uploadId: string }[]) => {
      const out = await api.call('POST', '/v1/applications', {
        token: t.applicant,
        body: { type: 'society-station', regionCode: place.township, form: stationForm(900_000 + n), ...(materials ? { materials } : {}) },
      });
      if (out.status !== 201) throw new Error(`submission: ${out.status} ${JSON.stringify(out.body).slice(0, 300)}`);
      return out.ms;
    };
    for (let n = 0; n < 5; n++) {
      await submitOnce(n * 2);
      await submitOnce(n * 2 + 1, prepared[runs.submissions + n]);
    }
    const without: number[] = [];
    const withMaterials: number[] = [];
    for (let n = 0; n < runs.submissions; n++) {
      without.push(await submitOnce(100 + n * 2));
      withMaterials.push(await submitOnce(100 + n * 2 + 1, prepared[n]));
    }
    const submission = {
      runs: runs.submissions,
      materials: required.length,
      without: summarize(without),
      with: summarize(withMaterials),
      ratioP50: 0,
    };
    submission.ratioP50 = round(submission.with.p50 / submission.without.p50);
    log(`  submission p50 ${submission.without.p50} ms without materials, ${submission.with.p50} ms with ${required.length}: ×${submission.ratioP50}`);
    return { upload, submission };
  } finally {
    client.destroy();
  }
}
