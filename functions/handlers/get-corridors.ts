import { corridorMatrix } from '../adapters/corridors-config';
import { httpHandler } from '../http/http-handler';
import type { corridorsResponseSchema } from '../http/schemas';
import { CORRIDOR_STATES } from '../domain/corridors';
import type * as z from 'zod';
import { callerOf } from '../http/claims';
import { json } from '../http/response';

// GET /corridors — the launch matrix. The tenant check runs anyway: a token that cannot own
// payouts has no use for the matrix, and every payouts:read route answers the same way.

export const handler = httpHandler(async (event, requestId) => {
  callerOf(event);
  return json(
    200,
    { data: corridorMatrix().corridors, states: [...CORRIDOR_STATES] } satisfies z.infer<
      typeof corridorsResponseSchema
    >,
    requestId,
    { 'cache-control': 'private, max-age=300' },
  );
});
