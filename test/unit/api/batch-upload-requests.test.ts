import { describe, expect, it } from 'vitest';
import {
  UploadEmptyError,
  UploadMalformedError,
  UploadNotFoundError,
  UploadNotUploadedError,
  UploadRowsOverLimitError,
  UploadTooLargeError,
  type BatchUploadError,
} from '../../../functions/domain/batch-upload-errors';
import { UPLOAD_BYTES_MAX } from '../../../functions/domain/batch-upload-limits';
import { batchUploadApiError, parseRequestUploadBody } from '../../../functions/http/batch-upload-requests';

// The HTTP side of batch uploads: the request body's rules, and each reader refusal as the answer
// the batch core gives for POST /batches { upload_id } (status, type, code, category, row index).

describe('parseRequestUploadBody', () => {
  it.each([
    [{ format: 'csv', content_length: 1 }, undefined],
    [{ format: 'jsonl', content_length: UPLOAD_BYTES_MAX }, undefined],
    [{ format: 'csv', content_length: UPLOAD_BYTES_MAX + 1 }, [413, 'upload_too_large']],
    [{ format: 'xlsx', content_length: 1 }, [400, 'format_invalid']],
    [{ format: 'csv', content_length: 0 }, [400, 'content_length_invalid']],
    [{ format: 'csv', content_length: 1.5 }, [400, 'content_length_invalid']],
    [{ format: 'csv', content_length: '10' }, [400, 'content_length_invalid']],
    [{ format: 'csv' }, [400, 'field_missing']],
    [{ format: 'csv', content_length: 1, upload_id: 'up_x' }, [400, 'field_unknown']],
  ] as const)('%j → %j', (body, refusal) => {
    const run = () => parseRequestUploadBody(body as Record<string, unknown>);
    if (refusal === undefined) expect(run()).toEqual(body);
    else expect(run).toThrow(expect.objectContaining({ status: refusal[0], code: refusal[1], category: 'terminal' }));
  });
});

describe('batchUploadApiError', () => {
  const cases: Array<[BatchUploadError, number, string, string, number | undefined]> = [
    [new UploadNotFoundError('up_1'), 404, 'not_found_error', 'terminal', undefined],
    [new UploadNotUploadedError('up_1'), 409, 'conflict_error', 'human_action_required', undefined],
    [new UploadTooLargeError('up_1', 200, 100), 413, 'invalid_request_error', 'terminal', undefined],
    [new UploadMalformedError('row 7 is not valid CSV', { rowIndex: 7 }), 400, 'invalid_request_error', 'terminal', 7],
    [new UploadRowsOverLimitError(15_000, 15_000), 400, 'invalid_request_error', 'terminal', 15_000],
    [new UploadEmptyError('up_1'), 400, 'invalid_request_error', 'terminal', undefined],
  ];
  it.each(cases)('%s → %i %s', (error, status, type, category, rowIndex) => {
    const api = batchUploadApiError(error);
    expect({ status: api.status, type: api.type, code: api.code, category: api.category }).toEqual({
      status,
      type,
      code: error.code,
      category,
    });
    expect(api.details).toEqual(rowIndex === undefined ? undefined : { row_index: rowIndex });
  });
});
