import { normaliseText } from './screening-names';

/**
 * OFAC names countries in words ("Korea, North", "Burma"); recipients carry ISO 3166-1 alpha-2. The English names
 * come from ICU (Intl.DisplayNames, the same table on every Node 24 build), and OFAC's own spellings that ICU words
 * differently are listed here (read from the SDN list's add.csv country column, 2 Dec 2026).
 */
const OFAC_SPELLINGS: Readonly<Record<string, string>> = {
  'korea, north': 'KP',
  'korea, south': 'KR',
  burma: 'MM',
  'congo, democratic republic of the': 'CD',
  'congo, republic of the': 'CG',
  'cote d ivoire': 'CI',
  'bahamas, the': 'BS',
  'gambia, the': 'GM',
  'west bank': 'PS',
  gaza: 'PS',
  palestinian: 'PS',
  'region: crimea': 'UA',
  'czech republic': 'CZ',
  turkey: 'TR',
  macau: 'MO',
  'united states': 'US',
  'united kingdom': 'GB',
  russia: 'RU',
  iran: 'IR',
  syria: 'SY',
  vietnam: 'VN',
  laos: 'LA',
};

/**
 * Codes ICU names that are no recipient's country: groupings (`EU`, `UN`, `ZZ` "Unknown Region", …) and the
 * deprecated codes ICU still names after a current country (`FX` France, `SU` Russia, `BU` Burma, `UK`, …), which
 * would otherwise shadow the current code (the table is keyed by name).
 */
const NOT_COUNTRIES = new Set([
  ...['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'QO', 'TA', 'UN', 'XA', 'XB', 'ZZ'],
  ...['AN', 'BU', 'CS', 'DD', 'DY', 'FX', 'HV', 'NH', 'RH', 'SU', 'TP', 'UK', 'VD', 'YD', 'YU', 'ZR'],
]);

let byName: Map<string, string> | undefined;

function namesTable(): Map<string, string> {
  if (byName !== undefined) return byName;
  const table = new Map<string, string>();
  const display = new Intl.DisplayNames(['en'], { type: 'region' });
  for (let first = 65; first <= 90; first += 1) {
    for (let second = 65; second <= 90; second += 1) {
      const code = String.fromCharCode(first, second);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = display.of(code);
      if (name !== undefined && name !== code) table.set(normaliseText(name), code);
    }
  }
  for (const [name, code] of Object.entries(OFAC_SPELLINGS)) table.set(normaliseText(name), code);
  byName = table;
  return table;
}

/** The ISO alpha-2 code of a country name as OFAC writes it; undefined when it names no country we know. */
export function countryCodeOf(name: string): string | undefined {
  return namesTable().get(normaliseText(name));
}
