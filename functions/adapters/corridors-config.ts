import raw from '../../config/corridors.json';
import { parseCorridorMatrix, type CorridorMatrix } from '../domain/corridors';

/**
 * The launch matrix, bundled into each function that needs it (esbuild inlines the JSON) and
 * validated once per cold start: a malformed file fails the first request loudly, not silently.
 */
let matrix: CorridorMatrix | undefined;

export function corridorMatrix(): CorridorMatrix {
  matrix ??= parseCorridorMatrix(raw);
  return matrix;
}
