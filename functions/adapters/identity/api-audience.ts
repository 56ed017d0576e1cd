import { GetAuthorizerCommand, UpdateAuthorizerCommand, type ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { ApiAudiencePort } from '../../app/access/tenants';

/**
 * The HTTP API's JWT authorizer accepts a token only when its `client_id` is in the audience, so a
 * provisioned tenant client joins it and a disabled one leaves it. Read, merge, write: the
 * authorizer has no add-one call. Provisioning is an operator's command, one at a time; the
 * re-read before every write keeps two such commands from losing each other's change but for the
 * instant between the calls, and `npm run tenants -- sync` repairs even that.
 */
export class JwtAuthorizerAudience implements ApiAudiencePort {
  constructor(
    private readonly client: Pick<ApiGatewayV2Client, 'send'>,
    private readonly apiId: string,
    private readonly authorizerId: string,
  ) {}

  async list(): Promise<string[]> {
    return (await this.read()).audience;
  }

  async add(clientIds: string[]): Promise<void> {
    const { audience, issuer } = await this.read();
    await this.write(issuer, [...new Set([...audience, ...clientIds])]);
  }

  async remove(clientIds: string[]): Promise<void> {
    const { audience, issuer } = await this.read();
    const next = audience.filter((id) => !clientIds.includes(id));
    // The authorizer needs one audience at least; the console client is always there.
    if (next.length === 0) throw new Error('refusing to leave the JWT authorizer without an audience');
    await this.write(issuer, next);
  }

  private async read(): Promise<{ audience: string[]; issuer: string }> {
    const out = await this.client.send(
      new GetAuthorizerCommand({ ApiId: this.apiId, AuthorizerId: this.authorizerId }),
    );
    const issuer = out.JwtConfiguration?.Issuer;
    if (issuer === undefined)
      throw new Error(`authorizer ${this.authorizerId} of API ${this.apiId} is not a JWT authorizer`);
    return { audience: out.JwtConfiguration?.Audience ?? [], issuer };
  }

  private async write(issuer: string, audience: string[]): Promise<void> {
    await this.client.send(
      new UpdateAuthorizerCommand({
        ApiId: this.apiId,
        AuthorizerId: this.authorizerId,
        JwtConfiguration: { Issuer: issuer, Audience: audience },
      }),
    );
  }
}
