import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { OnboardingState, RequirementCode, ScreeningSnapshot } from '../../domain/compliance/contract';
import type { Recipient, RecipientDestination } from '../../domain/compliance/recipient-record';
import { taxFormSortKey } from '../../domain/compliance/tax-forms';
import { cancellationCodes, isConditionalCheckFailed, isConditionFailure, itemConditionFailed } from '../dynamo-errors';
import type { TransactItem } from '../ledger-writes';
import { firstScreeningAttributes } from '../screening/screening-cases-repository';
import { openSecrets, sealSecrets, type DataKeyProvider, type SealedSecrets } from './envelope';
import {
  onboardingListPk,
  RECIPIENT_SK,
  recipientPk,
  secretsContext,
  tenantListPk,
  toRecipientItem,
  type RecipientItem,
  type TaxFormItem,
} from './recipients-records';

/** Recipients per page of GET /recipients. */
export const RECIPIENTS_PAGE_ITEMS_MAX = 100;

/** Another writer moved the record since it was read: the caller re-reads and decides again. */
export class RecipientVersionConflictError extends Error {
  constructor(recipientId: string) {
    super(`recipient ${recipientId} changed while it was being written`);
    this.name = 'RecipientVersionConflictError';
  }
}

export type CreateRecipientResult = { kind: 'created'; item: RecipientItem } | { kind: 'exists'; item: RecipientItem };

export interface CreateRecipientOptions {
  /** POST /recipients: the creating request's field hashes (app/payouts/field-hashes.ts). */
  requestFieldHashes?: Record<string, string>;
  /**
   * A screening done before the record existed (a first-paid inline recipient, screened clear in memory): written
   * with the record, as the screening adapters' first write would have set it, so no second write follows.
   */
  screening?: ScreeningSnapshot;
}

export interface TaxFormCaptureWrite {
  form: Omit<TaxFormItem, 'pk' | 'sk' | 'sealedTin'>;
  /** Clear TIN (W-9) or foreign TIN (W-8): sealed here, never stored as given. */
  tin?: string;
  /** The record version the caller read; the capture is refused if another write came first. */
  expectedVersion: number;
  onboarding: { state: OnboardingState; requirements: RequirementCode[] };
  at: string;
}

/**
 * RecipientsTable I/O. Every write is conditional (a create on the key's absence, an update on the
 * version read), every read of a record that a decision follows is consistent.
 */
export class RecipientsRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly keys: DataKeyProvider,
  ) {}

  /**
   * Puts a new recipient, its destinations sealed; an existing id comes back as `exists`, unchanged. One PutItem
   * either way: the failed condition returns the stored item (ReturnValuesOnConditionCheckFailure), so the loser
   * of two concurrent creates learns the winner's record without a second read.
   */
  async create(recipient: Recipient, options: CreateRecipientOptions = {}): Promise<CreateRecipientResult> {
    const context = secretsContext(recipient.tenantId, recipient.recipientId);
    const sealed = await sealSecrets(this.keys, context, {
      destinations: JSON.stringify(recipient.destinations),
    });
    const item = toRecipientItem(recipient, sealed, options.requestFieldHashes);
    const written =
      options.screening === undefined ? item : { ...item, ...firstScreeningAttributes(options.screening) };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: written,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'created', item: written };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const old = error.Item;
      // Emulators without ReturnValuesOnConditionCheckFailure: fall back to a consistent read.
      const existing =
        old === undefined
          ? await this.get(recipient.tenantId, recipient.recipientId)
          : (unmarshall(old as Parameters<typeof unmarshall>[0]) as RecipientItem);
      if (existing === undefined) throw error;
      return { kind: 'exists', item: existing };
    }
  }

  /** Undefined: no such recipient in this tenant (another tenant's id is a different key, never read). */
  async get(tenantId: string, recipientId: string): Promise<RecipientItem | undefined> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: recipientPk(tenantId, recipientId), sk: RECIPIENT_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item as RecipientItem | undefined;
  }

  /** The clear destinations: for the provider call only (the submit path), never for a view. */
  async openDestinations(item: RecipientItem): Promise<RecipientDestination[]> {
    const context = secretsContext(item.tenantId, item.recipientId);
    const opened = await openSecrets(this.keys, context, item.sealedDestinations);
    return JSON.parse(opened['destinations']!) as RecipientDestination[];
  }

  /** The clear TIN of a stored form: the compliance view only (audited by its caller). */
  async openTin(form: TaxFormItem): Promise<string | undefined> {
    if (form.sealedTin === undefined) return undefined;
    const opened = await openSecrets(this.keys, secretsContext(form.tenantId, form.recipientId), form.sealedTin);
    return opened['tin'];
  }

  async list(
    tenantId: string,
    query: { onboardingState?: OnboardingState; limit: number; exclusiveStartKey?: Record<string, unknown> },
  ): Promise<{ items: RecipientItem[]; lastEvaluatedKey?: Record<string, unknown> }> {
    const byState = query.onboardingState !== undefined;
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: byState ? 'gsi2' : 'gsi1',
        KeyConditionExpression: byState ? 'gsi2pk = :pk' : 'gsi1pk = :pk',
        ExpressionAttributeValues: {
          ':pk': byState ? onboardingListPk(tenantId, query.onboardingState!) : tenantListPk(tenantId),
        },
        ScanIndexForward: false,
        Limit: Math.min(query.limit, RECIPIENTS_PAGE_ITEMS_MAX),
        ...(query.exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: query.exclusiveStartKey }),
      }),
    );
    return {
      items: (out.Items ?? []) as RecipientItem[],
      ...(out.LastEvaluatedKey === undefined ? {} : { lastEvaluatedKey: out.LastEvaluatedKey }),
    };
  }

  /** Every form of a recipient, oldest first. */
  async taxForms(tenantId: string, recipientId: string): Promise<TaxFormItem[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': recipientPk(tenantId, recipientId), ':prefix': 'TAXFORM#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []) as TaxFormItem[];
  }

  /**
   * One transaction: the new `TAXFORM#{version}` (refused if that version exists: forms are never
   * overwritten) and the record's newest-form summary and onboarding, conditional on the version read.
   */
  async captureTaxForm(write: TaxFormCaptureWrite): Promise<TaxFormItem> {
    const { form } = write;
    const pk = recipientPk(form.tenantId, form.recipientId);
    const sealedTin: SealedSecrets | undefined =
      write.tin === undefined
        ? undefined
        : await sealSecrets(this.keys, secretsContext(form.tenantId, form.recipientId), { tin: write.tin });
    const item: TaxFormItem = { ...form, pk, sk: taxFormSortKey(form.version), ...(sealedTin ? { sealedTin } : {}) };
    const latest = {
      formType: form.formType,
      version: form.version,
      ...(form.expiresOn === undefined ? {} : { expiresOn: form.expiresOn }),
      ...(form.tinLast4 === undefined ? {} : { tinLast4: form.tinLast4 }),
    };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Update: this.recordUpdate(form.tenantId, form.recipientId, write.expectedVersion, write, latest) },
          ],
        }),
      );
      return item;
    } catch (error) {
      if (isConditionFailure(error)) throw new RecipientVersionConflictError(form.recipientId);
      throw error;
    }
  }

  /** Moves onboarding (state and requirements), conditional on the version read. */
  async setOnboarding(
    tenantId: string,
    recipientId: string,
    expectedVersion: number,
    change: { onboarding: { state: OnboardingState; requirements: RequirementCode[] }; at: string },
  ): Promise<void> {
    try {
      await this.client.send(new UpdateCommand(this.recordUpdate(tenantId, recipientId, expectedVersion, change)));
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new RecipientVersionConflictError(recipientId);
      throw error;
    }
  }

  /**
   * Compliance's onboarding decision: the record's move, conditional on the version read, and its audit
   * record in one transaction, so a decision is never applied unaudited nor audited unapplied. A moved
   * record is RecipientVersionConflictError; a moved audit chain head is rethrown (the caller retries).
   */
  async decideOnboarding(
    tenantId: string,
    recipientId: string,
    expectedVersion: number,
    change: { onboarding: { state: OnboardingState; requirements: RequirementCode[] }; at: string; decidedBy: string },
    auditItems: readonly TransactItem[],
  ): Promise<void> {
    const update = this.recordUpdate(tenantId, recipientId, expectedVersion, change);
    const decided = {
      ...update,
      UpdateExpression: `${update.UpdateExpression}, onboardingDecidedBy = :by`,
      ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':by': change.decidedBy },
    };
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [{ Update: decided }, ...auditItems] }));
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes !== undefined && itemConditionFailed(codes, 0)) throw new RecipientVersionConflictError(recipientId);
      throw error;
    }
  }

  private recordUpdate(
    tenantId: string,
    recipientId: string,
    expectedVersion: number,
    change: { onboarding: { state: OnboardingState; requirements: RequirementCode[] }; at: string },
    latestTaxForm?: Recipient['latestTaxForm'],
  ) {
    const latest = latestTaxForm === undefined ? '' : ', latestTaxForm = :latest';
    return {
      TableName: this.tableName,
      Key: { pk: recipientPk(tenantId, recipientId), sk: RECIPIENT_SK },
      UpdateExpression: `SET onboarding = :onboarding, gsi2pk = :gsi2pk, updatedAt = :at, version = :next${latest}`,
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: {
        ':onboarding': change.onboarding,
        ':gsi2pk': onboardingListPk(tenantId, change.onboarding.state),
        ':at': change.at,
        ':expected': expectedVersion,
        ':next': expectedVersion + 1,
        ...(latestTaxForm === undefined ? {} : { ':latest': latestTaxForm }),
      },
    };
  }
}
