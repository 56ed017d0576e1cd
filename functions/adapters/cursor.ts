/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey as base64url JSON. Only string key
 * attributes are accepted back, so a forged cursor cannot smuggle other types into a query.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not valid');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw Object.assign(new InvalidCursorError(), { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCursorError();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 4 || entries.some(([, v]) => typeof v !== 'string')) throw new InvalidCursorError();
  return Object.fromEntries(entries) as Record<string, string>;
}
