// Uploads as an applicant sends them: a slot from the API, the bytes PUT straight to the (local) S3 server with the
// slot's headers, the check's verdict read back once it has one; and a small real file for each required material of a type.
import { createHash } from 'node:crypto';
import { fileKinds, materialsFor, type Material } from '#forms/materials.js';
import type { ApplicationType } from '#forms/entry.js';
import { jpeg, pdf, png } from './files.js';
import type { Client } from './local.js';

type Caller = Pick<Client, 'call'>;

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface Sent {
  uploadId: string;
  /** The S3 server's answer to the PUT. */
  put: number;
  slot: { url: string; headers: Record<string, string>; expiresAt: string };
}

/** Asks for a slot and sends `bytes` to it; `material` ties the upload to a material of `type`. */
export async function send(
  api: Caller,
  token: string,
  bytes: Buffer,
  options: { fileName: string; contentType: string; type?: ApplicationType; material?: string },
): Promise<Sent> {
  const asked = await api.call('POST', '/v1/uploads', {
    token,
    body: { fileName: options.fileName, contentType: options.contentType, size: bytes.length, ...(options.type ? { type: options.type, material: options.material } : {}) },
  });
  if (asked.status !== 201) throw new Error(`upload slot refused: ${asked.status} ${asked.text}`);
  const put = await fetch(asked.body.url, { method: asked.body.method, headers: asked.body.headers, body: new Uint8Array(bytes) });
  await put.arrayBuffer();
  return { uploadId: asked.body.uploadId, put: put.status, slot: asked.body };
}

/** GET /v1/uploads/{uploadId}, once: the upload as it stands. */
export async function uploadState(api: Caller, token: string, uploadId: string) {
  return api.call('GET', `/v1/uploads/${uploadId}`, { token });
}

/**
 * GET /v1/uploads/{uploadId} until the check that the bytes' arrival started has its verdict (as the pages poll), or
 * 10 s have passed: the last answer (any other status than 200 at once).
 */
export async function checked(api: Caller, token: string, uploadId: string) {
  const until = Date.now() + 10_000;
  for (;;) {
    const answer = await uploadState(api, token, uploadId);
    if (answer.status !== 200 || answer.body?.status !== 'pending' || Date.now() > until) return answer;
    await new Promise((done) => setTimeout(done, 25));
  }
}

/** A file of a kind the material takes: a PDF where it takes PDFs, else a JPEG or a PNG; `seed` makes it unique. */
export function fileFor(material: Pick<Material, 'accept'>, seed = 1): { bytes: Buffer; contentType: string; extension: string } {
  if (material.accept.includes(fileKinds.pdf.mime)) return { bytes: pdf({ objects: [`<< /Seed ${seed} >>`] }), contentType: fileKinds.pdf.mime, extension: 'pdf' };
  if (material.accept.includes(fileKinds.jpeg.mime)) return { bytes: jpeg(1024 + seed), contentType: fileKinds.jpeg.mime, extension: 'jpg' };
  return { bytes: png(), contentType: fileKinds.png.mime, extension: 'png' };
}

/**
 * One checked upload for each required material of `type`, as `materials` of a submission; with the bytes sent, by
 * key. Fails unless every one is ready.
 */
export async function requiredMaterials(api: Caller, token: string, type: ApplicationType, seed = 1) {
  const files = new Map<string, Buffer>();
  /** Each material's slot, as given (its PUT's URL and headers). */
  const slots = new Map<string, Sent['slot']>();
  const refs = await Promise.all(
    materialsFor(type)
      .filter((m) => m.required)
      .map(async (m, i) => {
        const file = fileFor(m, seed * 100 + i);
        const sent = await send(api, token, file.bytes, { fileName: `${m.name}.${file.extension}`, contentType: file.contentType, type, material: m.key });
        const answer = await checked(api, token, sent.uploadId);
        if (sent.put !== 200 || answer.body?.status !== 'ready') throw new Error(`${m.key}: PUT ${sent.put}, check ${answer.text}`);
        files.set(m.key, file.bytes);
        slots.set(m.key, sent.slot);
        return { key: m.key, uploadId: sent.uploadId };
      }),
  );
  return { refs, files, slots };
}
