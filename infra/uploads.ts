// The bucket of application materials: uploads land under uploads/ and go after a day unless attached (copied under
// materials/, kept with their replaced versions), KMS-encrypted, TLS only, private, CORS for the web origin alone.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods, ObjectOwnership, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { uploadPrefixes } from '#functions/upload-keys.js';
import { logRetention } from './function.js';

export interface UploadsProps {
  /** The origins the web pages are served from: browsers PUT uploads and GET previews from these alone. */
  webOrigins: string[];
  /** Where the bucket's access logs go (the stack's log bucket where there is one); default: a bucket of its own. */
  accessLogs?: IBucket;
  /** The project's customer managed key, where it has one; default: a key of its own, rotated yearly. */
  encryptionKey?: IKey;
  /**
   * Days a replaced or deleted version of an attached material stays readable (materials are never overwritten by
   * the application: a replacement is a new object; this keeps what an accident or a delete would lose).
   * @default 365
   */
  keepVersionsDays?: number;
}

/** A function that holds uploads: it presigns, checks, copies and links; nothing more. */
export interface UploadsUser extends IGrantable {
  addEnvironment(key: string, value: string): unknown;
}

export class Uploads extends Construct {
  readonly bucket: Bucket;
  readonly key: IKey;

  constructor(scope: Construct, id: string, props: UploadsProps) {
    super(scope, id);
    if (props.webOrigins.length === 0) throw new Error('Uploads needs the web origin: browsers send the bytes straight to the bucket');
    // Access logs delivered under a bucket policy naming this bucket, not the legacy ACL (as infra/web.ts does).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.key =
      props.encryptionKey ??
      new Key(this, 'Key', {
        description: 'Application materials (uploads bucket)',
        enableKeyRotation: true,
        // The materials are records of the applications: their key stays with them.
        removalPolicy: RemovalPolicy.RETAIN,
      });

    const accessLogs = props.accessLogs ?? this.logBucket();

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      // One data key per bucket and period rather than a KMS call per object.
      bucketKeyEnabled: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 's3/uploads/',
      cors: [
        {
          allowedOrigins: props.webOrigins,
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          // A presigned PUT signs Content-Type, which the browser must send; Content-Length is its own.
          allowedHeaders: ['content-type'],
          exposedHeaders: ['ETag'],
          maxAge: 600,
        },
      ],
      lifecycleRules: [
        {
          // Uploads (incoming and checked) never attached: gone a day after they were written, old versions too.
          id: 'unattached-uploads',
          prefix: uploadPrefixes.temporary,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          id: 'replaced-materials',
          prefix: uploadPrefixes.materials,
          noncurrentVersionExpiration: Duration.days(props.keepVersionsDays ?? 365),
        },
        // What the expirations leave: delete markers with no version behind them.
        { id: 'expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  private logBucket(): Bucket {
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(logRetention) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the uploads bucket’s access logs; logging its own access would log the log writes.',
    });
    return logs;
  }

  /**
   * Names the bucket to the function (UPLOADS_BUCKET, read by functions/uploads.ts) and grants what it does: PUT to
   * incoming uploads (the presigned PUTs are signed with its role), GET on uploads and materials (the check, copy
   * sources, presigned downloads), PUT to checked uploads and materials (copy targets), DELETE of uploads only (an
   * attached material is never deleted by the application), ListBucket so that a missing upload answers 404 rather
   * than 403, and the key's Decrypt and GenerateDataKey.
   */
  grantUploads(fn: UploadsUser): Grant[] {
    fn.addEnvironment('UPLOADS_BUCKET', this.bucket.bucketName);
    const objects = (prefix: string) => this.bucket.arnForObjects(`${prefix}*`);
    const grants = [
      Grant.addToPrincipal({
        grantee: fn,
        actions: ['s3:PutObject'],
        resourceArns: [objects(uploadPrefixes.incoming), objects(uploadPrefixes.checked), objects(uploadPrefixes.materials)],
      }),
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:GetObject'], resourceArns: [objects(uploadPrefixes.temporary), objects(uploadPrefixes.materials)] }),
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:DeleteObject'], resourceArns: [objects(uploadPrefixes.temporary)] }),
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }),
      this.key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey'),
    ];
    // Objects are named by ids made per upload and per application: no list of them can be written in the policy.
    const principal = fn.grantPrincipal;
    if (principal instanceof Construct) {
      const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
      for (const prefix of [uploadPrefixes.incoming, uploadPrefixes.checked, uploadPrefixes.materials, uploadPrefixes.temporary]) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
          reason: `Objects under ${prefix} are keyed by ids made per upload or per application (functions/upload-keys.ts): the prefix is the narrowest resource.`,
        });
      }
    }
    return grants;
  }
}
