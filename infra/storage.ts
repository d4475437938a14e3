// The single DynamoDB table of the application, shaped by functions/store/keys.ts.
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { tableDesign } from '#functions/store/keys.js';

/** What reading needs: items, index Queries, DescribeTable. */
const readActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable'];

/**
 * What the application does to its items: reads, Queries on the indexes, conditional and
 * transactional writes (a transaction is authorised item by item with these same actions),
 * and DescribeTable for the health check. No Scan: every list is an index Query.
 */
const readWriteActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:DescribeTable',
];

export class Storage extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new Table(this, 'Table', {
      partitionKey: key(tableDesign.partitionKey),
      sortKey: key(tableDesign.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The AWS managed key (aws/dynamodb): KMS encryption with every use in CloudTrail, and nothing
      // to grant — the functions and the workflow's SDK integration read and write without kms:*
      // permissions. A customer managed key is worth its cost once keys must be revoked or shared
      // independently of IAM, which nothing here needs.
      encryption: TableEncryption.AWS_MANAGED,
      // Approval records and the registry are the system of record: never dropped with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    for (const index of tableDesign.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
      });
    }
  }

  get tableName(): string {
    return this.table.tableName;
  }

  /** The table and each index by name (or only those `indexes` names): no `index/*` wildcard. */
  private resourceArns(indexes?: readonly string[]): string[] {
    const arn = this.table.tableArn;
    const named = tableDesign.indexes.filter((index) => !indexes || indexes.includes(index.name));
    if (indexes && named.length !== indexes.length) throw new Error(`no such index: ${indexes.filter((name) => !named.some((i) => i.name === name)).join(', ')}`);
    return [arn, ...named.map((index) => `${arn}/index/${index.name}`)];
  }

  /** Item reads and writes, index Queries (of every index, or of `indexes` only), DescribeTable; nothing else. */
  grantReadWrite(grantee: IGrantable, indexes?: readonly string[]): Grant {
    return Grant.addToPrincipal({ grantee, actions: readWriteActions, resourceArns: this.resourceArns(indexes) });
  }

  /** Item reads, index Queries, DescribeTable: no write of any kind. */
  grantRead(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({ grantee, actions: readActions, resourceArns: this.resourceArns() });
  }

  /** One action on the table itself (the workflow's callback tasks call UpdateItem). */
  grantTableAction(grantee: IGrantable, action: string): Grant {
    return Grant.addToPrincipal({ grantee, actions: [action], resourceArns: [this.table.tableArn] });
  }
}
