import { DomainError } from '../domain-error';

/**
 * Why a provider report was refused. Every one names the line (1-based, physical line where the
 * offending record starts) so the person on call can open the raw evidence file at that line.
 * All are `retryable`: the provider may publish a corrected report, and a re-run picks it up.
 */
export type ReportErrorCode =
  | 'report_missing_columns'
  | 'report_bad_amount'
  | 'report_bad_value'
  | 'report_duplicate_header'
  | 'report_invalid_encoding'
  | 'report_truncated'
  | 'report_malformed_csv';

export class ReportFormatError extends DomainError {
  readonly line: number;
  readonly reportCode: ReportErrorCode;
  constructor(code: ReportErrorCode, line: number, message: string, options?: { cause?: unknown; param?: string }) {
    super(code, 'retryable', `provider report line ${line}: ${message}`, options);
    this.name = 'ReportFormatError';
    this.line = line;
    this.reportCode = code;
  }
}
