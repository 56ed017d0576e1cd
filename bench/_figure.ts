// One bench figure as one JSON line (issue 2): {"bench","value","unit","baseline","ratio"}.
export interface Figure {
  bench: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

const RATIO_DECIMALS = 3;

export function printFigure(bench: string, value: number, unit: string, baseline: number | null = null): Figure {
  const ratio = baseline ? Number((value / baseline).toFixed(RATIO_DECIMALS)) : null;
  const figure = { bench, value, unit, baseline, ratio };
  console.log(JSON.stringify(figure));
  return figure;
}

export function median(values: number[]): number {
  const ordered = [...values].sort((a, b) => a - b);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 === 1 ? ordered[middle]! : (ordered[middle - 1]! + ordered[middle]!) / 2;
}
