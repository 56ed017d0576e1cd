/** The files of one SDN list publication (adapters/screening/sdn-list-sources.ts); the stack's manifest rule names one. */
export const SDN_FILES = { sdn: 'sdn.csv', add: 'add.csv', alt: 'alt.csv', manifest: 'manifest.json' } as const;

/** Where the list's files live in ScreeningListBucket: `sdn/sdn.csv`, …, `sdn/manifest.json` (uploaded last). */
export const SCREENING_LIST_PREFIX = 'sdn/';
