import * as z from 'zod';
import { PRINCIPAL_TYPES, TOKEN_TYPES, type AccessMatrixView } from '../shared/access-matrix';
import { SCOPES } from '../shared/names';

/**
 * GET /access-matrix: the access matrix (functions/shared/access-matrix.ts) with each actor's
 * routes, as functions/shared/access-matrix.ts `accessMatrixView` renders it. The type check below
 * holds the schema and the renderer to one shape.
 */
const scope = z.enum(SCOPES);
const method = z.string().regex(/^[A-Z]+$/);

export const accessMatrixSchema = z.object({
  resource_server: z
    .string()
    .describe('Cognito resource server; scopes appear in tokens as `<resource_server>/<scope>`'),
  claims: z.object({
    principal_type: z.string().describe('claim naming the principal type'),
    principal_role: z.string().describe('claim naming the role'),
    tenant: z.string().describe("claim naming a tenant principal's tenant"),
  }),
  scopes: z.array(z.object({ scope, principal_type: z.enum(PRINCIPAL_TYPES), action: z.string() })),
  actors: z.array(
    z.object({
      actor: z.string(),
      description: z.string(),
      principal_type: z.enum([...PRINCIPAL_TYPES, 'job']),
      role: z.string(),
      token_type: z.enum(TOKEN_TYPES),
      granted_through: z.string(),
      cognito_group: z.string().nullable(),
      scopes: z.array(z.object({ scope, action: z.string() })),
      routes: z.array(z.object({ method, path: z.string(), scope })).describe('every route one of its scopes opens'),
    }),
  ),
  public_routes: z.array(z.object({ method, path: z.string() })).describe('routes without a token'),
});

// Compile-time tie between the schema and the renderer: either drifting fails the type check.
type Schema = z.infer<typeof accessMatrixSchema>;
const sameShape: [Schema, AccessMatrixView] extends [AccessMatrixView, Schema] ? true : never = true;
void sameShape;
