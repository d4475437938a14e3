// The bucket of application materials: each upload written once under files/ (the bucket policy refuses a PUT there
// that could overwrite), checked where it is by the function its ObjectCreated event invokes, attached where it is, removed by the sweeper when its slot ends unattached;
// KMS-encrypted, TLS only, private, versioned, CORS for the web origin alone.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, Grant, PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, HttpMethods, ObjectOwnership, type CfnBucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { uploadPrefixes } from '#functions/upload-keys.js';
import { lambdaEntries } from './bundling.js';
import { logRetention, ProjectFunction } from './function.js';
import type { Storage } from './storage.js';

export interface UploadsProps {
  /**
   * The origins the web pages are served from: browsers PUT uploads and GET previews from these alone. None: no CORS
   * rule, and no browser can send a file (a China deployment before its licensed domain is known says so).
   */
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

/** A function that holds uploads: it presigns and links; nothing more. */
export interface UploadsUser extends IGrantable {
  addEnvironment(key: string, value: string): unknown;
}

export class Uploads extends Construct {
  readonly bucket: Bucket;
  readonly key: IKey;

  constructor(scope: Construct, id: string, props: UploadsProps) {
    super(scope, id);
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
      cors: props.webOrigins.length
        ? [
            {
              allowedOrigins: props.webOrigins,
              allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
              // A presigned PUT signs Content-Type and If-None-Match, which the browser must send; Content-Length is its own.
              allowedHeaders: ['content-type', 'if-none-match'],
              exposedHeaders: ['ETag'],
              maxAge: 600,
            },
          ]
        : undefined,
      lifecycleRules: [
        {
          // The copies of the scheme before files/ (incoming and checked): gone a day after they were written.
          id: 'unattached-uploads',
          prefix: uploadPrefixes.temporary,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        {
          // Files are deleted by the API (refused) or the sweeper (never attached), never overwritten: what a delete
          // leaves as an old version goes a day later. An attached file is neither: it stays, current.
          id: 'removed-files',
          prefix: uploadPrefixes.files,
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
    // Written once: a PUT under files/ without If-None-Match (S3's conditional write) is refused, whoever signed it,
    // so that bytes checked stay the bytes attached (functions/uploads.ts presignUpload signs it).
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'FilesWrittenOnce',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${uploadPrefixes.files}*`)],
        conditions: { Null: { 's3:if-none-match': 'true' } },
      }),
    );
  }

  /**
   * The upload check (functions/check-upload.ts): S3 invokes it for each object created under files/, and it reads
   * those bytes (GET), deletes a refused upload's (DELETE), and records the verdict on the upload's item (by key: it
   * Queries nothing). Its timeout stays under the check's lease (functions/services/upload-check.ts CHECK_LEASE_MS).
   */
  addCheck(storage: Storage): ProjectFunction {
    const check = new ProjectFunction(this, 'Check', {
      entry: lambdaEntries.checkUpload,
      description: 'Checks each uploaded material where S3 wrote it (its kind from its bytes, its size, its SHA-256) and records the verdict',
      timeout: Duration.seconds(60),
      // CPU comes with memory: a 20 MB file is read and hashed in well under a second at this size.
      memorySize: 1024,
    }).bindTable(storage, 'readWrite', []);
    check.addEnvironment('UPLOADS_BUCKET', this.bucket.bucketName);
    Grant.addToPrincipal({ grantee: check, actions: ['s3:GetObject', 's3:DeleteObject'], resourceArns: [this.objects(uploadPrefixes.files)] });
    // ListBucket: a key not there answers 404 (the upload removed since its event), not 403.
    Grant.addToPrincipal({ grantee: check, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] });
    this.key.grant(check, 'kms:Decrypt');
    this.acknowledgePrefixes(check, [uploadPrefixes.files]);
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(check), { prefix: uploadPrefixes.files });
    // CDK sets a bucket's notifications through its own handler, a singleton at the stack's root.
    const handler = Stack.of(this).node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) throw new Error("the bucket notifications' handler is no longer at the stack's root: move its AwsSolutions-IAM4 acknowledgement");
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's own handler of the bucket's event notifications (it runs at deployment only): aws-cdk-lib gives its role the basic execution " +
        'policy to write its logs; its one other permission is PutBucketNotification.',
    });
    return check;
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

  /** Where browsers send presigned requests: the bucket's regional virtual host (functions/s3.ts bucketHost), for the pages' CSP. */
  get browserOrigin(): string {
    return `https://${this.bucket.bucketRegionalDomainName}`;
  }

  /**
   * Names the bucket to the function (UPLOADS_BUCKET, read by functions/config.ts) and grants what it does: PUT to
   * files/ (the presigned PUTs are signed with its role), GET on files and the earlier materials (presigned
   * downloads), ListBucket so that a missing object answers 404 rather than 403, and the key's Decrypt and
   * GenerateDataKey. It checks nothing (addCheck's function does) and deletes nothing.
   */
  grantUploads(fn: UploadsUser): Grant[] {
    fn.addEnvironment('UPLOADS_BUCKET', this.bucket.bucketName);
    const grants = [
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:PutObject'], resourceArns: [this.objects(uploadPrefixes.files)] }),
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:GetObject'], resourceArns: [this.objects(uploadPrefixes.files), this.objects(uploadPrefixes.materials)] }),
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }),
      this.key.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey'),
    ];
    this.acknowledgePrefixes(fn, [uploadPrefixes.files, uploadPrefixes.materials]);
    return grants;
  }

  /**
   * The sweeper: names the bucket and grants DELETE of files/ (an upload whose slot ended unattached) and GET with the
   * key's Decrypt (the check's backstop reads an upload whose event never came).
   */
  grantSweep(fn: UploadsUser): Grant[] {
    fn.addEnvironment('UPLOADS_BUCKET', this.bucket.bucketName);
    const grants = [
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:GetObject', 's3:DeleteObject'], resourceArns: [this.objects(uploadPrefixes.files)] }),
      Grant.addToPrincipal({ grantee: fn, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn] }),
      this.key.grant(fn, 'kms:Decrypt'),
    ];
    this.acknowledgePrefixes(fn, [uploadPrefixes.files]);
    return grants;
  }

  private objects(prefix: string): string {
    return this.bucket.arnForObjects(`${prefix}*`);
  }

  // Objects are named by ids made per upload and per application: no list of them can be written in the policy.
  private acknowledgePrefixes(fn: UploadsUser, prefixes: string[]): void {
    const principal = fn.grantPrincipal;
    if (!(principal instanceof Construct)) return;
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const prefix of prefixes) {
      Validations.of(principal).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}*]`,
        reason: `Objects under ${prefix} are keyed by ids made per upload or per application (functions/upload-keys.ts): the prefix is the narrowest resource.`,
      });
    }
  }
}
