import type { AccessMatrixView } from '../shared/access-matrix';

/**
 * The access matrix as the Markdown tables of docs/contracts.md (between the `access-matrix`
 * markers). test/unit/api/access-matrix.test.ts renders it from the code and compares, so the
 * page cannot drift from the table the stack, the trigger and the handlers read.
 */
export const ACCESS_MATRIX_DOC_BEGIN =
  '<!-- access-matrix:begin (generated from functions/shared/access-matrix.ts; test/unit/api/access-matrix.test.ts checks it) -->';
export const ACCESS_MATRIX_DOC_END = '<!-- access-matrix:end -->';

const code = (text: string) => `\`${text}\``;

export function accessMatrixMarkdown(view: AccessMatrixView): string {
  const actors = [
    '| actor | principal (role) | token type | granted through | scopes | routes |',
    '|---|---|---|---|---|---|',
    ...view.actors
      .map((actor) =>
        [
          code(actor.actor),
          `${actor.principal_type} (${code(actor.role)})`,
          actor.token_type,
          actor.granted_through,
          actor.scopes.length === 0 ? '—' : actor.scopes.map((scope) => code(scope.scope)).join(', '),
          actor.routes.length === 0
            ? '—'
            : actor.routes.map((route) => code(`${route.method} ${route.path}`)).join('<br>'),
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
  ];
  const scopes = [
    '| scope | held by | action |',
    '|---|---|---|',
    ...view.scopes.map((scope) => {
      const holders = view.actors
        .filter((actor) => actor.scopes.some((held) => held.scope === scope.scope))
        .map((actor) => code(actor.actor));
      return `| ${code(scope.scope)} | ${scope.principal_type}: ${holders.join(', ')} | ${scope.action} |`;
    }),
  ];
  const open = view.public_routes.map((route) => code(`${route.method} ${route.path}`));
  const publicRoutes = `Public routes (no token): ${open.join(', ')}.`;
  return [ACCESS_MATRIX_DOC_BEGIN, '', ...actors, '', ...scopes, '', publicRoutes, '', ACCESS_MATRIX_DOC_END].join(
    '\n',
  );
}
