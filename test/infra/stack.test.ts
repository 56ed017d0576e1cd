import { Token, type App } from 'aws-cdk-lib';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_MATRIX, OPERATOR_CLIENT_SCOPES, SCOPE_PRINCIPAL } from '../../functions/shared/access-matrix';
import {
  FUNCTION_NAMES,
  IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT,
  SCOPES,
  STACK_OUTPUTS,
  qualifiedScope,
  type Scope,
} from '../../functions/shared/names';
import {
  loadStack,
  RECONCILE_TIMEZONE,
  SANDBOX_PROVIDER_URL,
  CONTRACT_ROUTES,
  template,
  stack,
  resources,
  ofType,
  functionByName,
} from './support/stack-fixture';
import { LAMBDA_TIMEOUT_SECONDS_MAX } from '../../lib/defaults/lambda-defaults';
import { RECONCILE_DURATION_ALARM_PERCENT_OF_TIMEOUT } from '../../lib/observability-construct';

// Template assertions for the compute and edge: functions, the HTTP API, Cognito, schedules and
// observability. The data plane is asserted in stack-data.test.ts.
beforeAll(loadStack);

describe('stack', () => {
  it('is named per stage and environment-agnostic', () => {
    expect(stack.stackName).toBe('PayoutPlatform-dev');
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });
});

describe('Lambda functions', () => {
  it('reconcile ships DuckDB beside its bundle: external in index.mjs, its native binding in the asset', () => {
    const [, reconcile] = functionByName('reconcile');
    const outdir = (stack.node.root as App).outdir;
    // The asset's directory is named by the hash in its S3 key (as the twin finds it: local/template).
    const s3Key = String(reconcile.Properties.Code.S3Key);
    const asset = join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
    expect(readFileSync(join(asset, 'index.mjs'), 'utf8')).toContain('"@duckdb/node-api"');
    for (const file of [
      'node_modules/@duckdb/node-api/lib/index.js',
      'node_modules/@duckdb/node-bindings/duckdb.js',
      'node_modules/@duckdb/node-bindings-linux-x64/duckdb.node',
      'node_modules/detect-libc/package.json',
    ])
      expect([file, existsSync(join(asset, file))]).toEqual([file, true]);
  });

  it('exist once per contract function, on nodejs24.x arm64 (reconcile x86_64) with explicit memory and timeout', () => {
    const functions = Object.values(ofType('AWS::Lambda::Function'));
    const names = functions.map((fn) => fn.Properties.Environment.Variables.PAYOUT_FUNCTION).sort();
    expect(names).toEqual([...FUNCTION_NAMES].sort());
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      // reconcile ships DuckDB's native binding as npm installed it (linux-x64): see DUCKDB_NATIVE_MODULES.
      const reconcile = fn.Properties.Environment.Variables.PAYOUT_FUNCTION === 'reconcile';
      expect(fn.Properties.Architectures).toEqual([reconcile ? 'x86_64' : 'arm64']);
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(128);
      expect(fn.Properties.Timeout).toBeGreaterThan(3);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      expect(fn.Properties.Environment.Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'payout-platform',
        POWERTOOLS_METRICS_NAMESPACE: 'PayoutPlatform',
        STAGE: 'dev',
      });
    }
  });

  it('log to groups with a retention period', () => {
    for (const group of Object.values(ofType('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('stay within the API Gateway and Cognito time limits', () => {
    expect(functionByName('cognito-pre-token')[1].Properties.Timeout).toBeLessThanOrEqual(5);
    for (const name of ['create-payout', 'query-payouts', 'intake-webhook', 'ops-redrive', 'reconciliations-api']) {
      expect(functionByName(name)[1].Properties.Timeout).toBeLessThan(30);
    }
  });

  it('get the environment the contract promises', () => {
    const env = (name: string) => functionByName(name)[1].Properties.Environment.Variables;
    expect(env('create-payout')).toMatchObject({
      PAYOUTS_TABLE: { Ref: 'PayoutsTable' },
      LEDGER_TABLE: { Ref: 'LedgerTable' },
      IDEMPOTENCY_TABLE: { Ref: 'IdempotencyTable' },
      SUBMISSION_QUEUE_URL: { Ref: 'SubmissionQueue' },
      IDEMPOTENCY_EXPIRES_AFTER_SECONDS: String(IDEMPOTENCY_EXPIRES_AFTER_SECONDS_DEFAULT),
    });
    expect(env('intake-webhook')).toMatchObject({
      INBOX_TABLE: { Ref: 'InboxTable' },
      WEBHOOK_QUEUE_URL: { Ref: 'WebhookQueue' },
      WEBHOOK_SECRETS_ARN: { Ref: expect.stringMatching(/WebhookSecrets/) },
    });
    expect(env('reconcile')).toMatchObject({ RECONCILE_TIMEZONE: RECONCILE_TIMEZONE, SANDBOX_PROVIDER_URL });
    expect(env('reconciliations-api')).toMatchObject({
      RECONCILIATION_QUEUE_URL: { Ref: 'ReconciliationQueue' },
      OPERATIONS_TABLE: { Ref: 'OperationsTable' },
    });
    expect(env('submit-payout')).toMatchObject({ SANDBOX_PROVIDER_URL });
    expect(env('cognito-pre-token')).toMatchObject({ OPERATIONS_TABLE: { Ref: 'OperationsTable' } });
    for (const name of ['ops-redrive', 'sweep']) {
      expect(env(name)).toMatchObject({
        SUBMISSION_DLQ_URL: { Ref: 'SubmissionDlq' },
        WEBHOOK_DLQ_URL: { Ref: 'WebhookDlq' },
        RECONCILIATION_QUEUE_URL: { Ref: 'ReconciliationQueue' },
        RECONCILIATION_DLQ_URL: { Ref: 'ReconciliationDlq' },
        // BatchDlq in ops (issue 13): listed, redriven and turned into exceptions like the others.
        BATCH_QUEUE_URL: { Ref: 'BatchQueue' },
        BATCH_DLQ_URL: { Ref: 'BatchDlq' },
      });
    }
  });

  // POST /reconciliations refuses a day not ended in RECONCILE_TIMEZONE, so the API and the
  // function that runs the day must agree on the zone (and with the schedule, asserted below).
  it('give reconciliations-api and reconcile the same RECONCILE_TIMEZONE', () => {
    const zoneOf = (name: string) => functionByName(name)[1].Properties.Environment.Variables['RECONCILE_TIMEZONE'];
    expect([zoneOf('reconciliations-api'), zoneOf('reconcile')]).toEqual([RECONCILE_TIMEZONE, RECONCILE_TIMEZONE]);
  });

  it('run with their own roles: no AWS managed policies, no wildcard actions', () => {
    for (const role of Object.values(ofType('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const policy of Object.values(ofType('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        for (const action of actions) expect(action).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      }
    }
  });

  it('only the webhook intake may read the webhook secret', () => {
    // The providers' credentials secrets (issue 14) have readers of their own: only the webhook secret is asked about.
    const [webhookSecretId] = Object.keys(ofType('AWS::SecretsManager::Secret')).filter((id) =>
      id.startsWith('WebhooksWebhookSecrets'),
    );
    const readers = Object.values(ofType('AWS::IAM::Policy')).filter(
      (policy) =>
        JSON.stringify(policy.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue') &&
        JSON.stringify(policy.Properties.PolicyDocument).includes(`"Ref":"${webhookSecretId}"`),
    );
    expect(readers).toHaveLength(1);
    expect(JSON.stringify(readers[0]!.Properties.Roles)).toMatch(/IntakeWebhook/);
  });
});

describe('HTTP API', () => {
  it('authorizes with a JWT authorizer: the user pool issuer and the console client as audience (tenant clients join it when provisioned)', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const [userPoolLogicalId] = Object.keys(ofType('AWS::Cognito::UserPool'));
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [userPoolLogicalId, 'ProviderURL'] },
        Audience: [{ Ref: 'OpsConsoleClient' }],
      },
    });
  });

  it('declares every contract route with exactly its scope; public routes explicitly without auth', () => {
    const routes = Object.values(ofType('AWS::ApiGatewayV2::Route'));
    const declared = Object.fromEntries(
      routes.map((route) => [route.Properties.RouteKey, route.Properties.AuthorizationScopes ?? null]),
    );
    const expected = Object.fromEntries(
      Object.entries(CONTRACT_ROUTES).map(([key, scope]) => [
        key,
        scope === null ? null : [qualifiedScope(scope as never)],
      ]),
    );
    expect(declared).toEqual(expected);
    for (const route of routes) {
      const isPublic = CONTRACT_ROUTES[route.Properties.RouteKey] === null;
      expect(route.Properties.AuthorizationType).toBe(isPublic ? 'NONE' : 'JWT');
      if (!isPublic) expect(route.Properties.AuthorizerId).toBeDefined();
    }
  });

  it('integrates with Lambda in payload format 2.0', () => {
    for (const integration of Object.values(ofType('AWS::ApiGatewayV2::Integration'))) {
      expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
      expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
    }
  });

  it('writes JSON access logs with the request id and throttles by default', () => {
    const stages = Object.values(ofType('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.AccessLogSettings.DestinationArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/AccessLogs/), 'Arn'],
    });
    const format = JSON.parse(stage.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.status).toBe('$context.status');
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
  });
});

describe('Cognito', () => {
  it('user pool on Essentials with the V3 pre-token trigger, MFA and a strong password policy', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [functionByName('cognito-pre-token')[0], 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
      Policies: { PasswordPolicy: Match.objectLike({ RequireSymbols: true, RequireNumbers: true }) },
    });
  });

  it('resource server holds every scope', () => {
    const servers = Object.values(ofType('AWS::Cognito::UserPoolResourceServer'));
    expect(servers).toHaveLength(1);
    expect(servers[0]!.Properties.Identifier).toBe('payout-platform');
    expect(servers[0]!.Properties.Scopes.map((scope: { ScopeName: string }) => scope.ScopeName)).toEqual([...SCOPES]);
  });

  // Layer 1 of the access matrix. The old `platform-backend` client could ask for every scope,
  // ops:read included; tenant clients now come from `npm run tenants -- create`, one per role.
  it("declares no client-credentials client: every tenant client is provisioned with its role's scopes", () => {
    const clients = Object.values(ofType('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(1);
    for (const client of clients) expect(client.Properties.AllowedOAuthFlows).not.toContain('client_credentials');
  });

  it('ops console client: openid, email and exactly the operator scopes of the access matrix, no tenant scope', () => {
    const allowed: string[] = resources.OpsConsoleClient!.Properties.AllowedOAuthScopes;
    expect([...allowed].sort()).toEqual(['openid', 'email', ...OPERATOR_CLIENT_SCOPES.map(qualifiedScope)].sort());
    for (const scope of SCOPES)
      if (SCOPE_PRINCIPAL[scope as Scope] === 'tenant') expect(allowed).not.toContain(qualifiedScope(scope));
  });

  it('has one Cognito group per operator role of the access matrix', () => {
    const groups = Object.values(ofType('AWS::Cognito::UserPoolGroup'))
      .map((group) => group.Properties.GroupName)
      .sort();
    expect(groups).toEqual(
      ACCESS_MATRIX.flatMap((row) => (row.principalType === 'operator' ? [row.cognitoGroup] : [])).sort(),
    );
  });

  it('outputs what tenant provisioning reads', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    for (const name of Object.values(STACK_OUTPUTS)) expect(outputs[name], name).toBeDefined();
    expect(outputs['M2mClientId']).toBeUndefined();
  });

  it('ops console client: authorization code, no secret, hosted UI, callback to /ops', () => {
    const client = resources.OpsConsoleClient!.Properties;
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.GenerateSecret).toBe(false);
    expect(JSON.stringify(client.CallbackURLs)).toMatch(/\/ops"\]\]\}\]$/);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });
});

describe('schedules', () => {
  it('sweep every 5 minutes and reconcile at 02:30 in the configured time zone, with retries and a DLQ', () => {
    const schedules = Object.values(ofType('AWS::Scheduler::Schedule')).map((schedule) => schedule.Properties);
    const byTarget = (name: string) =>
      schedules.find((schedule) => schedule.Target.Arn['Fn::GetAtt'][0] === functionByName(name)[0]);
    expect(byTarget('sweep')).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      ScheduleExpressionTimezone: 'UTC',
    });
    expect(byTarget('reconcile')).toMatchObject({
      ScheduleExpression: 'cron(30 2 * * ? *)',
      ScheduleExpressionTimezone: RECONCILE_TIMEZONE,
    });
    for (const schedule of schedules) {
      expect(schedule.Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': ['ScheduleDlq', 'Arn'] } });
      expect(schedule.Target.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    }
    // The daily rescreen against the SDN list (issue 15; test/infra/stack-screening.test.ts).
    expect(byTarget('rescreen')).toMatchObject({ ScheduleExpressionTimezone: 'UTC' });
    expect(schedules).toHaveLength(3);
  });

  it('scheduled functions dead-letter failed asynchronous invocations', () => {
    for (const name of ['sweep', 'reconcile']) {
      expect(functionByName(name)[1].Properties.DeadLetterConfig).toEqual({
        TargetArn: { 'Fn::GetAtt': ['ScheduleDlq', 'Arn'] },
      });
    }
  });
});

describe('observability', () => {
  const alarms = () => Object.values(ofType('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);

  it('alarms on the depth of every DLQ', () => {
    for (const dlq of ['SubmissionDlq', 'WebhookDlq', 'ReconciliationDlq', 'ScheduleDlq']) {
      expect(
        alarms().some(
          (alarm) =>
            alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(alarm.Dimensions).includes(`"${dlq}"`) &&
            alarm.Threshold === 0 &&
            alarm.ComparisonOperator === 'GreaterThanThreshold',
        ),
      ).toBe(true);
    }
  });

  it('alarms on webhook age, processor errors, rejected webhooks and missed reconciliations', () => {
    const byMetric = (metricName: string) => alarms().filter((alarm) => alarm.MetricName === metricName);
    expect(byMetric('ApproximateAgeOfOldestMessage')[0]?.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['WebhookQueue', 'QueueName'] } },
    ]);
    expect(
      byMetric('Errors').some((alarm) =>
        JSON.stringify(alarm.Dimensions).includes(functionByName('process-webhook')[0]),
      ),
    ).toBe(true);
    const rejected = alarms().find((alarm) => JSON.stringify(alarm.Metrics ?? []).includes('WebhookRejected'));
    expect(rejected?.Metrics[0].Expression).toBe('SELECT SUM(WebhookRejected) FROM "PayoutPlatform"');
    expect(byMetric('ReconciliationSucceeded')[0]).toMatchObject({
      Namespace: 'PayoutPlatform',
      Period: 86_400,
      TreatMissingData: 'breaching',
      ComparisonOperator: 'LessThanThreshold',
    });
  });

  it("alarms when a reconcile run takes over half its timeout, well inside Lambda's 15 minutes", () => {
    const [fnLogicalId, fn] = functionByName('reconcile');
    const duration = alarms().filter(
      (alarm) => alarm.MetricName === 'Duration' && JSON.stringify(alarm.Dimensions).includes(`"${fnLogicalId}"`),
    );
    expect(duration).toHaveLength(1);
    const thresholdMs = (fn.Properties.Timeout * 1_000 * RECONCILE_DURATION_ALARM_PERCENT_OF_TIMEOUT) / 100;
    expect(duration[0]).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: thresholdMs,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(fn.Properties.Timeout).toBe(600);
    expect(thresholdMs).toBe(300_000);
    expect(thresholdMs).toBeLessThan(LAMBDA_TIMEOUT_SECONDS_MAX * 1_000);
  });

  it('sends every alarm to an encrypted, TLS-only topic and shows them on a dashboard', () => {
    const [topicLogicalId, topic] = Object.entries(ofType('AWS::SNS::Topic'))[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicLogicalId }]);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});
