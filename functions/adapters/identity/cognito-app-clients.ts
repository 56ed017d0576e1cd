import {
  CreateUserPoolClientCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { IdentityProviderPort } from '../../app/access/tenants';
import { ACCESS_TOKEN_VALIDITY_MINUTES } from '../../shared/access-matrix';

/**
 * A tenant's app client in the user pool: client credentials only, a generated secret, exactly the
 * scopes it is given (the role's, from the access matrix), the same token lifetime as the CDK
 * clients. No callback URLs, no user flows: nobody signs in through it.
 */
export class CognitoAppClients implements IdentityProviderPort {
  constructor(
    private readonly client: Pick<CognitoIdentityProviderClient, 'send'>,
    private readonly userPoolId: string,
  ) {}

  async createClient(input: {
    clientName: string;
    allowedScopes: string[];
  }): Promise<{ clientId: string; clientSecret: string }> {
    const out = await this.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: this.userPoolId,
        ClientName: input.clientName,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: input.allowedScopes,
        ExplicitAuthFlows: [],
        AccessTokenValidity: ACCESS_TOKEN_VALIDITY_MINUTES,
        TokenValidityUnits: { AccessToken: 'minutes' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      }),
    );
    const clientId = out.UserPoolClient?.ClientId;
    const clientSecret = out.UserPoolClient?.ClientSecret;
    if (clientId === undefined || clientSecret === undefined) {
      throw new Error(`CreateUserPoolClient answered without a client id or secret for ${input.clientName}`);
    }
    return { clientId, clientSecret };
  }
}
