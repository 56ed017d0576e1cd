import { Duration, RemovalPolicy, Aws, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ACCESS_MATRIX,
  ACCESS_TOKEN_VALIDITY_MINUTES,
  OPERATOR_CLIENT_SCOPES,
} from '../functions/shared/access-matrix';
import { RESOURCE_SERVER_ID, SCOPE_DESCRIPTIONS, SCOPES, qualifiedScope, type Scope } from '../functions/shared/names';
import { pinLogicalId } from './logical-id';

// Cognito: who may call the API, the first layer of the access matrix (functions/shared/
// access-matrix.ts). Tenants' machine clients are not here: `npm run tenants -- create` makes one
// app client per tenant and role, with the role's scopes from the matrix. Operators sign in to the
// ops console through the hosted UI; the console's client may grant every operator scope and no
// tenant scope, and the user's Cognito group (one per operator role) decides which of them stay.
// The pre-token-generation V3 trigger (the second layer) stamps the principal and strips the rest;
// V3 is the only trigger version that can customize client-credentials access tokens, and it needs
// the Essentials feature plan (or Plus).

const ID_TOKEN_VALIDITY_MINUTES = 60;
const REFRESH_TOKEN_VALIDITY_HOURS = 12;
const PASSWORD_MIN_LENGTH = 14;
const TEMPORARY_PASSWORD_VALIDITY_DAYS = 3;

export interface IdentityConstructProps {
  readonly stage: string;
  readonly opsConsoleCallbackUrl: string;
  readonly preTokenFunction: lambda.IFunction;
}

export class IdentityConstruct extends Construct {
  readonly userPool: cognito.UserPool;
  readonly resourceServer: cognito.UserPoolResourceServer;
  readonly opsConsoleClient: cognito.UserPoolClient;
  readonly operatorGroups: cognito.UserPoolGroup[];
  readonly domain: cognito.UserPoolDomain;

  constructor(scope: Construct, id: string, props: IdentityConstructProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      userPoolName: `payout-platform-${props.stage}`,
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // Operators are invited, never self-registered.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: PASSWORD_MIN_LENGTH,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(TEMPORARY_PASSWORD_VALIDITY_DAYS),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
      // Operators and app clients cannot be recreated with the same ids: guard production.
      deletionProtection: props.stage === 'prod',
    });
    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      props.preTokenFunction,
      cognito.LambdaVersion.V3_0,
    );
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials is the plan that runs the V3 pre-token trigger for client-credentials tokens; almost all callers are machine clients, and the few operators sign in with required TOTP MFA, so Plus threat protection (priced per user) adds little here.',
    });

    const scopes = SCOPES.map(
      (scopeName) => new cognito.ResourceServerScope({ scopeName, scopeDescription: SCOPE_DESCRIPTIONS[scopeName] }),
    );
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: RESOURCE_SERVER_ID,
      scopes,
    });
    // Literal `payout-platform/<scope>` strings rather than references to the resource server,
    // so the template states each client's scopes exactly as routes declare them (the twin reads
    // both); the explicit dependencies below keep the creation order a reference would give.
    const oauthScope = (scopeName: Scope): cognito.OAuthScope => cognito.OAuthScope.custom(qualifiedScope(scopeName));

    // One group per operator role; an operator is in exactly one (the trigger refuses several).
    this.operatorGroups = ACCESS_MATRIX.flatMap((row) =>
      row.principalType === 'operator'
        ? [
            this.userPool.addGroup(`OperatorGroup-${row.role}`, {
              groupName: row.cognitoGroup,
              description: row.description,
            }),
          ]
        : [],
    );

    this.domain = this.userPool.addDomain('HostedUiDomain', {
      // Globally unique per region: stage + account id.
      cognitoDomain: { domainPrefix: `payout-platform-${props.stage}-${Aws.ACCOUNT_ID}` },
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });
    this.opsConsoleClient = this.userPool.addClient('OpsConsoleClient', {
      userPoolClientName: 'ops-console',
      // A browser page cannot keep a secret; the authorization code flow uses PKCE instead.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, ...OPERATOR_CLIENT_SCOPES.map(oauthScope)],
        callbackUrls: [props.opsConsoleCallbackUrl],
        logoutUrls: [props.opsConsoleCallbackUrl],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(ACCESS_TOKEN_VALIDITY_MINUTES),
      idTokenValidity: Duration.minutes(ID_TOKEN_VALIDITY_MINUTES),
      refreshTokenValidity: Duration.hours(REFRESH_TOKEN_VALIDITY_HOURS),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    this.opsConsoleClient.node.addDependency(this.resourceServer);
    pinLogicalId(this.opsConsoleClient, 'OpsConsoleClient');
  }
}
