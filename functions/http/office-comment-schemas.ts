// 常用意见's shapes: only its routes and the OpenAPI build read them.
import * as z from 'zod/mini';
import { labelled, list, zhError } from '#forms/fields.js';
import { plainText } from '#forms/plain-text.js';
import { decidingLevels } from '../domain/chain.js';
import { meta } from './schemas.js';

const e = { error: zhError };

/** The most stock comments one office keeps. */
export const MAX_COMMENTS = 20;

const comment = labelled(
  z.string(e).check(...plainText('常用意见', true), z.minLength(2, { error: '常用意见至少 2 个字' }), z.maxLength(200, { error: '常用意见不超过 200 字' })),
  { title: '常用意见' },
);

/** PUT /v1/offices/{level}/{region}/comments: the whole list, over the version read (0: the office has saved none yet). */
export const officeCommentsInputSchema = meta(
  z.strictObject(
    {
      version: labelled(z.number(e).check(z.int(), z.gte(0), z.lte(1_000_000_000)), { title: '版本', description: '读取时的 version（尚未保存过为 0）；期间已被他人保存则 409' }),
      comments: list('常用意见', comment, 0, MAX_COMMENTS, `本办公室的常用意见，先后为序，最多 ${MAX_COMMENTS} 条，不能重复`),
    },
    e,
  ),
  { title: '保存常用意见' },
);

export const officeCommentsSchema = meta(
  z.object({
    office: z.object({ level: z.enum(decidingLevels), region: z.string(), name: z.string() }),
    comments: z.array(z.string()),
    suggested: meta(z.boolean(), { description: 'true：本办公室尚未保存过，comments 为系统建议的示例' }),
    version: z.number(),
    updatedAt: z.nullable(z.iso.datetime()),
    updatedBy: z.nullable(z.object({ name: z.string() })),
  }),
  { title: '常用意见' },
);
