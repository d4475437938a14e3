// Notices beyond the page in AWS: the sweeper (functions/sweeper.ts) each minute sends the timed notices, hands notices
// to their channels and delivers them: e-mail through Amazon SES where the partition has it, or an SMTP relay whose
// password is an SSM SecureString (the China regions, where SES is not offered), and office robots over HTTPS.
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { parseConfig } from '#functions/config.js';
import { TABLE_INDEXES } from '#functions/store/keys.js';
import { lambdaEntries } from './bundling.js';
import { ProjectFunction } from './function.js';
import type { Storage } from './storage.js';
import type { Uploads } from './uploads.js';

/** The sweeper's timeout: a run begins no item in its last 40 s (functions/sweeper.ts), and the next starts a minute on. */
export const sweeperTimeout = Duration.seconds(90);

/** How e-mail leaves, from `-c mailFrom=… [-c smtpUrl=… -c smtpUser=… -c smtpPasswordParameter=… -c smtpPasswordKeyArn=…]`. */
export interface MailContext {
  /** The sender address; without it no e-mail is sent (the centre and the robots still are). */
  mailFrom?: string;
  /** `smtps://host:465` or `smtp://host:587`: a relay instead of SES (required in the China regions). */
  smtpUrl?: string;
  smtpUser?: string;
  /** The name of the SSM SecureString parameter that holds the relay's password (created outside the stack). */
  smtpPasswordParameter?: string;
  /** The customer managed KMS key of that parameter, when it is not the account's aws/ssm key. */
  smtpPasswordKeyArn?: string;
}

export interface NotificationsContext extends MailContext {
  /** The pages' address, for the link in each message (default: the distribution's; in China, the web origin). */
  webUrl?: string;
  /** DELIVERY_RETRY (functions/config.ts): attempts and the first retry's delay, e.g. `6/60`. */
  deliveryRetry?: string;
}

export function notificationsFromContext(scope: Construct): NotificationsContext {
  const read = (key: string): string | undefined => scope.node.tryGetContext(key) || undefined;
  return {
    mailFrom: read('mailFrom'),
    smtpUrl: read('smtpUrl'),
    smtpUser: read('smtpUser'),
    smtpPasswordParameter: read('smtpPasswordParameter'),
    smtpPasswordKeyArn: read('smtpPasswordKeyArn'),
    webUrl: read('webUrl'),
    deliveryRetry: read('deliveryRetry'),
  };
}

export interface NotificationsProps {
  storage: Storage;
  /** Configuration every function reads (functions/config.ts), except TABLE_NAME. */
  environment: Record<string, string>;
  context: NotificationsContext;
  /** The pages' address when the stack serves them (a token); `context.webUrl` wins. */
  webUrl?: string;
  inChina: boolean;
  /** The materials bucket: the sweeper removes the uploads never attached. */
  uploads: Uploads;
}

/** The mail settings as functions/config.ts reads them, checked for the partition. */
function mailEnvironment(mail: MailContext, inChina: boolean): Record<string, string> {
  const relayKeys = ['smtpUrl', 'smtpUser', 'smtpPasswordParameter', 'smtpPasswordKeyArn'] as const;
  const given = relayKeys.filter((key) => mail[key] !== undefined);
  if (!mail.mailFrom) {
    if (given.length) throw new Error(`-c ${given.join(', ')}: e-mail needs -c mailFrom=<sender address> too`);
    return { MAIL_TRANSPORT: 'none' };
  }
  if (!mail.smtpUrl) {
    if (inChina) throw new Error('-c mailFrom: the China regions have no Amazon SES; give the relay with -c smtpUrl=smtps://host:465 (and -c smtpUser, -c smtpPasswordParameter)');
    if (given.length) throw new Error(`-c ${given.join(', ')}: these are the SMTP relay's settings; give -c smtpUrl too, or leave them out for SES`);
    return { MAIL_TRANSPORT: 'ses', MAIL_FROM: mail.mailFrom };
  }
  if (mail.smtpPasswordKeyArn && !mail.smtpPasswordParameter) throw new Error('-c smtpPasswordKeyArn: the key of which parameter? give -c smtpPasswordParameter too');
  return {
    MAIL_TRANSPORT: 'smtp',
    MAIL_FROM: mail.mailFrom,
    SMTP_URL: mail.smtpUrl,
    ...(mail.smtpUser ? { SMTP_USER: mail.smtpUser } : {}),
    ...(mail.smtpPasswordParameter ? { SMTP_PASSWORD_PARAMETER: mail.smtpPasswordParameter } : {}),
  };
}

export class Notifications extends Construct {
  readonly sweeper: ProjectFunction;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { context } = props;
    const mail = mailEnvironment(context, props.inChina);
    const webUrl = context.webUrl ?? props.webUrl;
    const environment: Record<string, string> = {
      ...props.environment,
      ...mail,
      ...(webUrl ? { WEB_URL: webUrl } : {}),
      ...(context.deliveryRetry ? { DELIVERY_RETRY: context.deliveryRetry } : {}),
      // Longer than a run may last: a delivery claimed by a run is never claimed again while that run lives.
      DELIVERY_LEASE_SECONDS: String(sweeperTimeout.toSeconds() + 30),
    };
    // What the sweeper would refuse at its start stops the synth instead, named as it is given (values known now only).
    const known = Object.fromEntries(Object.entries(environment).filter(([, value]) => !Token.isUnresolved(value)));
    try {
      parseConfig({ TABLE_NAME: 'synth-check', UPLOADS_BUCKET: 'synth-check', ...known });
    } catch (error) {
      throw new Error(`the sweeper's settings (-c mailFrom, smtpUrl, webUrl, deliveryRetry, escalation, timeLimits…): ${(error as Error).message}`);
    }

    this.sweeper = new ProjectFunction(this, 'Sweeper', {
      entry: lambdaEntries.sweeper,
      description: 'Each minute: timed notices (reminders, overdue, escalation warnings), e-mail and office robot deliveries',
      timeout: sweeperTimeout,
      environment,
      // It Queries the due index alone: everything else it reads or writes by key.
    }).bindTable(props.storage, 'readWrite', [TABLE_INDEXES.due.name]);
    props.uploads.grantSweep(this.sweeper);

    const stack = Stack.of(this);
    if (mail.MAIL_TRANSPORT === 'ses') {
      // The sender's own identity (the address, or its domain when the domain is verified), and only with that From.
      const domain = mail.MAIL_FROM!.split('@')[1]!;
      this.sweeper.addToRolePolicy(
        new PolicyStatement({
          actions: ['ses:SendEmail'],
          resources: [mail.MAIL_FROM!, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity })),
          conditions: { StringEquals: { 'ses:FromAddress': mail.MAIL_FROM! } },
        }),
      );
    }
    if (mail.SMTP_PASSWORD_PARAMETER) {
      const name = mail.SMTP_PASSWORD_PARAMETER.replace(/^\//, '');
      this.sweeper.addToRolePolicy(
        new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name })] }),
      );
      // With the account's aws/ssm key SSM decrypts for any principal of the account; a customer managed key is granted here.
      if (context.smtpPasswordKeyArn) {
        this.sweeper.addToRolePolicy(
          new PolicyStatement({
            actions: ['kms:Decrypt'],
            resources: [context.smtpPasswordKeyArn],
            conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.${stack.urlSuffix}` } },
          }),
        );
      }
    }

    new Rule(this, 'SweepEveryMinute', {
      schedule: Schedule.rate(Duration.minutes(1)),
      // The next run a minute later is the retry; everything due stays due until a run takes it.
      targets: [new LambdaFunction(this.sweeper, { retryAttempts: 0 })],
    });
  }
}
