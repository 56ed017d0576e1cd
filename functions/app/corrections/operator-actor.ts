import type { Actor } from '../../domain/payout';
import type { Operator } from '../../http/operator';

/** The operator as the payout's audit trail records an actor (who, with which scopes). */
export const operatorActor = (operator: Operator): Actor => ({ kind: 'operator', id: operator.subject, scopes: operator.scopes });
