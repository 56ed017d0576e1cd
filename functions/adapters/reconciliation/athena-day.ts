import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DIALECT,
  classificationInputsSelect,
  orphansSelect,
  tableName,
  type PortableTables,
} from '../../domain/reconciliation/portable-sql';
import { RECON_ATHENA_RESULTS_PREFIX, RECON_LAKE_DAY_COLUMN } from '../../shared/recon-lake';
import type { ErrorCategory } from '../../domain/domain-error';
import type { AthenaQueryRunner } from './athena-runner';

/**
 * The athena engine's part of a run (stage option `reconciliationEngine=athena`,
 * docs/reconciliation.md): the day's partitions, written by the engine as DuckDB loaded them, go to
 * the lake bucket under the keys the Glue tables read; then the portable SQL runs on Athena over
 * exactly that day: the classification inputs and the orphans are UNLOADed under the run's own
 * prefix, and one count query checks Athena's answer against the Lambda's.
 *
 * The exports are still the Lambda's (DuckDB's) until Athena's have been seen to agree night after
 * night: a disagreement fails the run (AthenaDayMismatchError) before anything is published, so a
 * wrong answer from either engine reaches a person, not finance.
 */

export interface AthenaDayConfig {
  readonly lakeBucket: string;
  readonly database: string;
}

export interface AthenaDayInput {
  readonly date: string;
  readonly runId: string;
  /** The local directory the engine wrote the partitions under, and their keys relative to it. */
  readonly root: string;
  readonly keys: readonly string[];
  /** Lines of reconciliation.csv: one per payout (the day's and looked-up) and one per orphan row. */
  readonly lambdaRows: number;
}

export interface AthenaDayResult {
  readonly uploaded: readonly string[];
  readonly queryExecutionIds: readonly string[];
  readonly payouts: number;
  readonly clean: number;
  readonly orphans: number;
}

/** Athena and the Lambda disagree on the day: one of the engines is wrong, and a person must say which. */
export class AthenaDayMismatchError extends Error {
  readonly code = 'athena_lambda_mismatch';
  readonly category: ErrorCategory = 'human_action_required';

  constructor(message: string) {
    super(message);
    this.name = 'AthenaDayMismatchError';
  }
}

const quoted = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export class AthenaDayEngine {
  constructor(
    private readonly s3: Pick<S3Client, 'send'>,
    private readonly runner: Pick<AthenaQueryRunner, 'execute' | 'rows'>,
    private readonly config: AthenaDayConfig,
  ) {}

  /** The Glue tables, each filtered on the day's partition (Athena reads only that prefix). */
  tablesOf(date: string): PortableTables {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`AthenaDayEngine: not a day: '${date}'`);
    const day = (table: string) =>
      `(SELECT * FROM ${tableName(this.config.database, table)} WHERE ${RECON_LAKE_DAY_COLUMN} = ${quoted(date)})`;
    return { payouts: day('payouts'), lookedUp: day('looked_up'), ledger: day('ledger'), report: day('report') };
  }

  async reconcileDay(input: AthenaDayInput): Promise<AthenaDayResult> {
    for (const key of input.keys) await this.upload(input.root, key);
    const tables = this.tablesOf(input.date);
    const results = `s3://${this.config.lakeBucket}/${RECON_ATHENA_RESULTS_PREFIX}/${input.date}/${input.runId}`;
    const ids: string[] = [];
    const statements = { classification: classificationInputsSelect(tables), orphans: orphansSelect(tables) };
    for (const [name, select] of Object.entries(statements))
      ids.push(await this.runner.execute(DIALECT.athena.materialize(name, select, `${results}/${name}/`)));
    const countId = await this.runner.execute(`SELECT
      (SELECT count(*) FROM (${statements.classification}) c),
      (SELECT count(*) FROM (${statements.classification}) c WHERE c.clean),
      (SELECT count(*) FROM (${statements.orphans}) o)`);
    ids.push(countId);
    const [payouts, clean, orphans] = await this.firstRow(countId);
    if (payouts! + orphans! !== input.lambdaRows)
      throw new AthenaDayMismatchError(
        `${input.date}: Athena classified ${payouts} payouts and ${orphans} orphan rows, ` +
          `the Lambda wrote ${input.lambdaRows} reconciliation rows`,
      );
    return { uploaded: input.keys, queryExecutionIds: ids, payouts: payouts!, clean: clean!, orphans: orphans! };
  }

  private async upload(root: string, key: string): Promise<void> {
    const path = join(root, key);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.lakeBucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: statSync(path).size,
        ContentType: 'application/vnd.apache.parquet',
      }),
    );
  }

  private async firstRow(queryExecutionId: string): Promise<number[]> {
    for await (const row of this.runner.rows(queryExecutionId)) return row.map((cell) => Number(cell ?? 0));
    throw new Error(`Athena query ${queryExecutionId} returned no row`);
  }
}
