// Types for the part of @20minutes/s3rver (CommonJS, untyped) that infra/local/s3.ts uses.
declare module '@20minutes/s3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface BucketConfig {
    name: string;
    /** XML documents: CORSConfiguration or WebsiteConfiguration. */
    configs?: (string | Buffer)[];
  }

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: BucketConfig[];
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the configured buckets and applies their configs, through the store rather than the S3 API. */
    configureBuckets(): Promise<void>;
    /** The Koa request listener. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    logger: { close(): void };
  }

  export = S3rver;
}
