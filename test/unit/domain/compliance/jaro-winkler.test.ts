import { describe, expect, it } from 'vitest';
import { jaro, jaroWinkler } from '../../../../functions/domain/compliance/jaro-winkler';

// Winkler's own examples (Winkler 1990; the figures every implementation is checked against).
describe('Jaro-Winkler', () => {
  it.each([
    ['martha', 'marhta', 0.9444, 0.9611],
    ['dwayne', 'duane', 0.8222, 0.84],
    ['dixon', 'dicksonx', 0.7667, 0.8133],
    ['abc', 'abc', 1, 1],
    ['abc', 'xyz', 0, 0],
    ['', 'abc', 0, 0],
    ['a', 'a', 1, 1],
  ])('%s ~ %s: jaro %d, jaro-winkler %d', (a, b, expectedJaro, expectedJw) => {
    expect(jaro(a, b)).toBeCloseTo(expectedJaro, 3);
    expect(jaroWinkler(a, b)).toBeCloseTo(expectedJw, 3);
    expect(jaroWinkler(b, a)).toBeCloseTo(expectedJw, 3);
  });
});
