// Traffic Light Protocol 2.0 markings as STIX 2.1 marking-definition objects. Reads: nothing.
// Guarantees: the ids and objects are the official OASIS ones (cti-stix-common-objects,
// extension-definition-specifications/tlp-2.0; a unit test checks them against the OASIS schema),
// never the TLP 1.0 ids or the corrupted copies circulating in public repositories.

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const TLP_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
/** The `created` the OASIS objects carry: part of the published object, like its id. */
export const TLP_CREATED = '2022-10-01T00:00:00.000Z';

export const TLP_MARKING_IDS: Readonly<Record<Tlp, string>> = Object.freeze({
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
});

export interface TlpMarkingDefinition {
  type: 'marking-definition';
  spec_version: '2.1';
  id: string;
  created: string;
  name: string;
  extensions: Record<string, { extension_type: 'property-extension'; tlp_2_0: string }>;
}

/** The OASIS marking-definition object of a level, verbatim. */
export function tlpMarkingDefinition(level: Tlp): TlpMarkingDefinition {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP_MARKING_IDS[level],
    created: TLP_CREATED,
    name: `TLP:${level}`,
    extensions: {
      [TLP_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: level.toLowerCase() },
    },
  };
}

export function tlpOfMarkingId(id: string): Tlp | undefined {
  return TLP_LEVELS.find((level) => TLP_MARKING_IDS[level] === id);
}

/** Whether `level` restricts sharing at least as much as `floor` (CLEAR < GREEN < AMBER < AMBER+STRICT < RED). */
export function atLeastAsStrict(level: Tlp, floor: Tlp): boolean {
  return TLP_LEVELS.indexOf(level) >= TLP_LEVELS.indexOf(floor);
}
