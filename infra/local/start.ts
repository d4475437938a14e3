// `npm start`: the whole system on one machine. PORT (3000) and DATA_DIR (.data) from the environment.
import { DataDirInUse } from './data-lock.js';
import { settingsOf } from './settings.js';
import { startLocalStack } from './stack.js';

const port = Number(process.env.PORT ?? 3000);
const dataDir = process.env.DATA_DIR ?? '.data';
const env = settingsOf(process.env);

const s3Port = process.env.S3_PORT ? Number(process.env.S3_PORT) : undefined;
const stack = await startLocalStack({ port, dataDir, env, host: process.env.HOST ?? '127.0.0.1', s3Port }).catch((error: unknown) => {
  if (!(error instanceof DataDirInUse)) throw error;
  console.error(`\n  ${error.message}\n`);
  process.exit(1);
});
console.log(
  `\n  广东省科协站点与协会申报审批平台（本地）\n  网页: ${stack.url}/\n  API:  ${stack.url}/v1/health（文档 ${stack.url}/docs）\n  材料: ${stack.s3.endpoint}/${stack.s3.bucket}（本地 S3）\n  邮件: ${stack.mail.dir}（本地不外发，每封一个 .eml 文件）\n  数据: ${stack.dataDir}\n  按 Ctrl-C 停止\n`,
);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping (DynamoDB Local too)…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
