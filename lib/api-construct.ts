import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { qualifiedScope } from '../functions/shared/names';
import { IdentityConstruct } from './identity-construct';
import type { RouteSpec } from './routes';
import { assertNoProblems, checkIntegerRange } from './validate-props';

// The HTTP API: JWT authorizer backed by the Cognito user pool, one scope per route, access logs
// in JSON, default throttling on the stage.

/** API Gateway's account-level ceiling; a stage limit above it would be silently capped. */
const THROTTLE_RATE_PER_SECOND_MAX = 10_000;
const THROTTLE_BURST_REQUESTS_MAX = 5_000;
/** HTTP API's hard integration timeout is 30 s; API handlers are sized to finish well inside it. */
export const API_INTEGRATION_TIMEOUT_SECONDS = 29;
/** Path of the ops console page; the console's OAuth callback lands here. */
export const OPS_CONSOLE_PATH = 'ops';

/**
 * Access log line: JSON (structured logging) with the request id first so a caller's
 * `Request-Id` finds the line. HTTP API context variables only.
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  clientId: '$context.authorizer.claims.client_id',
});

export interface ApiConstructProps {
  readonly stage: string;
  readonly throttleRatePerSecond: number;
  readonly throttleBurstRequests: number;
  readonly logRetentionDays: logs.RetentionDays;
  /** Cognito pre-token-generation V3 trigger that adds the tenant claim. */
  readonly preTokenFunction: lambda.IFunction;
}

export class ApiConstruct extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly defaultStage: apigwv2.HttpStage;
  readonly identity: IdentityConstruct;
  readonly accessLogGroup: logs.LogGroup;
  private readonly jwtAuthorizer: HttpJwtAuthorizer;
  private readonly noneAuthorizer = new apigwv2.HttpNoneAuthorizer();

  constructor(scope: Construct, id: string, props: ApiConstructProps) {
    super(scope, id);
    const problems: string[] = [];
    checkIntegerRange(problems, 'throttleRatePerSecond', props.throttleRatePerSecond, 1, THROTTLE_RATE_PER_SECOND_MAX);
    checkIntegerRange(problems, 'throttleBurstRequests', props.throttleBurstRequests, 1, THROTTLE_BURST_REQUESTS_MAX);
    if (!/^[a-z][a-z0-9-]*$/.test(props.stage))
      problems.push(`stage must be lowercase alphanumeric, got '${props.stage}'`);
    assertNoProblems('ApiConstruct', problems);

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `payout-platform-${props.stage}`,
      description: 'Payout platform API',
      // The stage is created below so it can carry access logs and throttling.
      createDefaultStage: false,
    });
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.defaultStage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRatePerSecond, burstLimit: props.throttleBurstRequests },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    this.identity = new IdentityConstruct(this, 'Identity', {
      stage: props.stage,
      opsConsoleCallbackUrl: `${this.defaultStage.url}${OPS_CONSOLE_PATH}`,
      preTokenFunction: props.preTokenFunction,
    });
    this.jwtAuthorizer = new HttpJwtAuthorizer('CognitoJwtAuthorizer', this.identity.userPool.userPoolProviderUrl, {
      authorizerName: 'cognito-jwt',
      identitySource: ['$request.header.Authorization'],
      // Only the console's client is known at synth time. Tenant clients are added to the audience
      // by `npm run tenants -- create` (UpdateAuthorizer) and removed by `disable`; CloudFormation
      // rewrites the audience only when this property changes, and `npm run tenants -- sync`
      // puts the tenants back after such a deploy (docs/contracts.md, Tenant provisioning).
      jwtAudience: [this.identity.opsConsoleClient.userPoolClientId],
    });
  }

  /** Id of the JWT authorizer (known once a route uses it): tenant provisioning edits its audience. */
  get jwtAuthorizerId(): string {
    return this.jwtAuthorizer.authorizerId;
  }

  /** Base URL of the API (`https://<id>.execute-api.<region>.<suffix>/`). */
  get url(): string {
    return this.defaultStage.url;
  }

  /** Adds every route of one function; routes without a scope get an explicit none-authorizer. */
  addFunctionRoutes(functionName: string, fn: lambda.IFunction, routes: readonly RouteSpec[]): void {
    const problems = routes
      .filter((route) => route.scope === null && !route.publicReason?.trim())
      .map((route) => `${route.method} ${route.path} has no scope and no publicReason`);
    assertNoProblems(`ApiConstruct.addFunctionRoutes(${functionName})`, problems);
    const integration = new HttpLambdaIntegration(`${functionName}-integration`, fn, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      timeout: Duration.seconds(API_INTEGRATION_TIMEOUT_SECONDS),
    });
    for (const route of routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration,
        ...(route.scope === null
          ? { authorizer: this.noneAuthorizer }
          : { authorizer: this.jwtAuthorizer, authorizationScopes: [qualifiedScope(route.scope)] }),
      });
      if (route.scope === null && httpRoute) {
        Validations.of(httpRoute).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.publicReason ?? '' });
      }
    }
  }
}
