// Reads: nothing (static data). Writes: the free-zone ports and entity names behind the free-zone routing
// indicator. Guarantees: each entry names its zone; sources in docs/scoring.md, "Route indicators".

/**
 * UN/LOCODEs of ports inside or serving a free trade zone where goods can be re-documented: Jebel Ali
 * (JAFZA), Colón Free Zone (Manzanillo International Terminal, Cristóbal, Colón Container Terminal), Port
 * Klang Free Zone, Tanjung Pelepas FTZ.
 */
export const FREE_ZONE_PORTS: Readonly<Record<string, string>> = {
  AEJEA: 'Jebel Ali Free Zone',
  PAMIT: 'Colón Free Zone (Manzanillo International Terminal)',
  PACTB: 'Colón Free Zone (Cristóbal)',
  PAONX: 'Colón Free Zone (Colón)',
  MYPKG: 'Port Klang Free Zone',
  MYTPP: 'Tanjung Pelepas Free Trade Zone',
};

/** Company forms of free-zone entities (UAE FZE/FZCO/FZ-LLC) and "free zone" in a name. */
export const FREE_ZONE_ENTITY = /\b(FZE|FZCO|FZC|FZ[- ]?LLC|FREE ?ZONE|FTZ)\b/i;
