import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STIX_SCHEMAS_DIR } from './stix-validate.ts';
import {
  atLeastAsStrict,
  TLP_EXTENSION_ID,
  TLP_LEVELS,
  TLP_MARKING_IDS,
  tlpMarkingDefinition,
  tlpOfMarkingId,
} from './tlp.ts';

// The OASIS TLP 2.0 extension schema pins each level's id and name: our constants must be those.
const schema = JSON.parse(
  readFileSync(join(DEFAULT_STIX_SCHEMAS_DIR, 'tlp-2.0', `${TLP_EXTENSION_ID}.json`), 'utf8'),
) as { definitions: Record<string, { properties: { id: { enum: string[] }; name: { enum: string[] } } }> };

describe('TLP 2.0 markings', () => {
  it('uses exactly the OASIS marking-definition ids and names', () => {
    const oasis = Object.values(schema.definitions).map((d) => [
      d.properties.name.enum[0],
      d.properties.id.enum[0],
    ]);
    const ours = TLP_LEVELS.map((level) => [tlpMarkingDefinition(level).name, TLP_MARKING_IDS[level]]);
    expect(ours.sort()).toEqual(oasis.sort());
  });

  it('never uses the TLP 1.0 ids', () => {
    const tlp1 = ['f88d31f6-486f-44da-b317-01333bde0b82', '5e57c739-391a-4eb3-b6be-7d15ca92d5ed'];
    for (const id of Object.values(TLP_MARKING_IDS)) for (const old of tlp1) expect(id).not.toContain(old);
  });

  it('orders levels by how much they restrict', () => {
    expect(atLeastAsStrict('AMBER+STRICT', 'AMBER')).toBe(true);
    expect(atLeastAsStrict('RED', 'AMBER+STRICT')).toBe(true);
    expect(atLeastAsStrict('AMBER', 'AMBER+STRICT')).toBe(false);
    expect(atLeastAsStrict('GREEN', 'AMBER')).toBe(false);
    expect(tlpOfMarkingId(TLP_MARKING_IDS.RED)).toBe('RED');
    expect(tlpOfMarkingId('marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed')).toBeUndefined();
  });
});
