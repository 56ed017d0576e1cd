import { Construct } from 'constructs';
import { ENV } from '../functions/shared/names';
import type { ApiConstruct } from './api-construct';
import type { DataConstruct } from './data-construct';
import type { FunctionFactory } from './function-factory';
import type { PayoutFunction } from './payout-function';
import { API_ROUTES } from './routes';

// Recipients (issue 15, docs/compliance.md): `recipients-api` serves the tenant's routes (create, read,
// tax forms) and may only seal secrets (kms:GenerateDataKey); `ops-recipients` serves compliance's view
// and onboarding decision, and is the one function that may open them (kms:Decrypt), every read audited.

export interface RecipientsConstructProps {
  readonly data: DataConstruct;
  readonly api: ApiConstruct;
  readonly functions: FunctionFactory;
}

/** What the recipients' writes use: the conditional put, the version-checked update, the tax form transaction. */
const RECIPIENT_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];
/** Consistent reads of one record and Queries of its forms and the tenant's listings (gsi1, gsi2). */
const RECIPIENT_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];

export class RecipientsConstruct extends Construct {
  readonly recipientsApi: PayoutFunction;
  readonly opsRecipients: PayoutFunction;

  constructor(scope: Construct, id: string, props: RecipientsConstructProps) {
    super(scope, id);
    const { data, api, functions } = props;
    const environment = {
      [ENV.recipientsTable]: data.recipientsTable.tableName,
      [ENV.recipientDataKeyArn]: data.recipientDataKey.keyArn,
    };

    this.recipientsApi = functions.create(this, 'RecipientsApi', 'recipients-api', {
      invocation: 'api',
      description: "POST/GET /recipients, POST /recipients/{id}/tax-forms: the tenant's recipients, secrets sealed",
      environment,
    });
    data.recipientsTable.grant(this.recipientsApi.function, ...RECIPIENT_READ_ACTIONS, ...RECIPIENT_WRITE_ACTIONS);
    data.grantRecipientSecrets(this.recipientsApi.function, 'seal');

    this.opsRecipients = functions.create(this, 'OpsRecipients', 'ops-recipients', {
      invocation: 'api',
      description: "GET /ops/recipients/{id} (in clear, audited) and POST …/onboarding: compliance's review",
      environment: { ...environment, [ENV.auditTable]: data.auditTable.tableName },
    });
    // Decisions are version-checked updates in one transaction with their audit record; no put, no delete.
    data.recipientsTable.grant(this.opsRecipients.function, ...RECIPIENT_READ_ACTIONS, 'dynamodb:UpdateItem');
    data.grantRecipientSecrets(this.opsRecipients.function, 'seal_and_open');
    data.grantAuditAppend(this.opsRecipients.function);

    api.addFunctionRoutes('recipients-api', this.recipientsApi.function, API_ROUTES['recipients-api']);
    api.addFunctionRoutes('ops-recipients', this.opsRecipients.function, API_ROUTES['ops-recipients']);
  }
}
