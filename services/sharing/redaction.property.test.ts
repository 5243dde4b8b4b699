// Property: whatever persons' names and addresses a case carries, and wherever in its free text they
// are written (whole, unaccented, partial, reordered, upper-case) — goods lines, carrier, permits,
// substances, and the facts rule explanations are rebuilt from — none of it leaves under any
// redaction profile. 1,000 generated cases per profile (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../schemas/decision.ts';
import type { Report } from '../../schemas/report.ts';
import { normalizePartyName } from '../scoring/party-names.ts';
import {
  CASE_TEMPLATE,
  caseDocument,
  checkSharedCase,
  type FieldPolicy,
  redactCase,
  redactDecision,
} from './case-fields.ts';
import { redCase, testAgreements } from './test-fixtures.ts';

const RUNS = 1_000;
const agreements = testAgreements('CBSA');
const agreement = agreements.forPartner('CBIC')!;
const secret = agreements.secretFor(agreement.id);

/** Every leaf path of the case format: the loosest profile an agreement could write. */
function allPaths(t: unknown, prefix: string): string[] {
  if (typeof t === 'string') return [prefix];
  if (Array.isArray(t)) return allPaths(t[0], `${prefix}[]`);
  return Object.entries(t as Record<string, unknown>).flatMap(([k, v]) =>
    allPaths(v, prefix === '' ? k : `${prefix}.${k}`),
  );
}

const PROFILES: Record<string, FieldPolicy> = {
  'ca-in-cmaa (the agreement)': agreement,
  'every field, every goods line': { fields: allPaths(CASE_TEMPLATE, ''), goodsLines: 'all' },
  'no parties at all': {
    fields: agreement.fields.filter((f) => !f.startsWith('consignment.parties')),
    goodsLines: 'flagged',
  },
};

const word = fc.stringMatching(/^[A-Z][a-z]{4,9}$/);
const firstName = fc.oneof(
  fc.constantFrom('María', 'José', 'Zoë', 'Søren', 'Łukasz', 'Anaïs', 'Jürgen', 'Ólafur', 'Dôra'),
  word,
);
const lastName = fc.oneof(
  fc.constantFrom('Fernández', 'Müller', 'Dhillon', 'Øvergård', 'Çelik', 'Nguyễn', 'Šimková', 'Ó Briain'),
  word,
);
const personFields = fc.record({
  first: firstName,
  last: lastName,
  number: fc.integer({ min: 100, max: 9999 }),
  streetWord: word,
  streetKind: fc.constantFrom('Street', 'Crescent', 'Calle', 'Strasse', 'Road'),
  city: word,
  postalCode: fc.stringMatching(/^[A-Z][0-9][A-Z] [0-9][A-Z][0-9]$/),
  phone: fc.stringMatching(/^\+[1-9][0-9]{1,2} [0-9]{3} [0-9]{4} [0-9]{3}$/),
  email: fc.constant(''),
});
/** Words of the fixture's own case (its company parties leave legitimately, e.g. "Room 1203"). */
const FIXTURE_WORDS = (() => {
  const { report, decision } = redCase();
  return new Set(normalizePartyName(JSON.stringify(caseDocument(report, decision))).tokens);
})();
/** A person none of whose words the fixture already carries, so a survivor is always a leak. */
const person = personFields.filter((p) => forbidden(p).every((w) => !FIXTURE_WORDS.has(w)));
type Person = {
  first: string;
  last: string;
  number: number;
  streetWord: string;
  streetKind: string;
  city: string;
  postalCode: string;
  phone: string;
};

const unaccent = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** The ways people write someone into free text. */
function mentions(p: Person): string[] {
  const full = `${p.first} ${p.last}`;
  return [
    `Gift for ${full}`,
    `attn ${unaccent(full)}`,
    `${p.last.toUpperCase()}, ${p.first}`,
    `c/o ${p.last}`,
    `for ${p.first}`,
    `deliver to ${p.number} ${p.streetWord} ${p.streetKind}, ${p.city} ${p.postalCode}`,
    `${p.city.toLowerCase()} ${p.postalCode.replace(' ', '')}`,
    `call ${p.phone}`,
  ];
}

/** Words that must not survive (folded), and whether the generator really placed them. */
function forbidden(p: Person): string[] {
  const tokens = [
    ...normalizePartyName(`${p.first} ${p.last}`).tokens,
    normalizePartyName(p.streetWord).tokens.join(''),
    normalizePartyName(p.city).tokens.join(''),
    normalizePartyName(p.postalCode.replace(' ', '')).tokens.join(''),
    String(p.number),
  ];
  return [...new Set(tokens.filter((t) => t.length >= 2 && !['o', 'de'].includes(t)))];
}

function placed(p: Person, q: Person): { report: Report; decision: Decision } {
  const { report, decision } = redCase();
  const r = structuredClone(report) as Report;
  const d = structuredClone(decision) as Decision;
  const text = mentions(p);
  const other = mentions(q);
  const c = r.consignment;
  c.parties.consignee = {
    name: `${p.first} ${p.last}`,
    address: {
      street: `${p.number} ${p.streetWord} ${p.streetKind}`,
      city: p.city,
      postalCode: p.postalCode,
      country: 'CA',
    },
    identifier: null,
    phone: p.phone,
    email: null,
  };
  c.parties.notifyParty = {
    name: `${q.first} ${q.last}`,
    address: {
      street: `${q.number} ${q.streetWord} ${q.streetKind}`,
      city: q.city,
      postalCode: q.postalCode,
      country: 'CA',
    },
    identifier: null,
    phone: q.phone,
    email: null,
  };
  c.carrier = { code: 'DHL', name: `DHL Express ${text[0]}` };
  c.goods = c.goods.map((g, i) => ({
    ...g,
    description: `${g.description}; ${text[i % text.length]}; ${other[(i + 3) % other.length]}`,
    packages: g.packages ? { ...g.packages, type: `BOX ${text[(i + 5) % text.length]}` } : g.packages,
  }));
  c.permits = [{ type: 'IMPORT_PERMIT', reference: `${text[6]} ${other[1]}` }];
  const full = `${p.first} ${p.last}`;
  // Real rules with the facts the rule engine records (evidence): what leaves is rebuilt from these.
  // Every explanation also carries every mention, as text an officer might read: it must not be copied.
  const said = (h: { explanation: string }, i: number) =>
    `${h.explanation} — ${text.join('; ')} ${other[i % other.length]}`;
  d.ruleHits = [
    ...d.ruleHits.map((h, i) => ({ ...h, explanation: said(h, i) })),
    {
      ruleId: 'vague-description',
      weight: 0.2,
      explanation: said({ explanation: 'vague' }, 1),
      goodsLine: 1,
      evidence: { 'line.number': 1, 'line.description': c.goods[0]!.description },
    },
    {
      ruleId: 'consignee-residential',
      weight: 0.2,
      explanation: said({ explanation: 'residential' }, 2),
      goodsLine: null,
      evidence: { consigneeName: full },
    },
    {
      ruleId: 'free-zone-routing',
      weight: 0.2,
      explanation: said({ explanation: 'free zone' }, 3),
      goodsLine: null,
      evidence: {
        freeZoneNote: `consignee "${full}" is a free-zone entity; ${text[5]}`,
        routeText: 'CN → CA',
      },
    },
    {
      ruleId: 'permit-wrong-holder',
      weight: 0.3,
      explanation: said({ explanation: 'holder' }, 4),
      goodsLine: 1,
      evidence: {
        'line.number': 1,
        'line.permitWrongHolderNote': `held by ${unaccent(full)}, not ${other[0]}`,
      },
    },
    {
      ruleId: 'contact-country-mismatch',
      weight: 0.3,
      explanation: said({ explanation: 'contact' }, 5),
      goodsLine: null,
      evidence: { contactNote: `consignee in CA has a phone ${p.phone} (${text[7]})` },
    },
    {
      ruleId: 'watchlist-drug-hit',
      weight: 0.55,
      explanation: `consignee "${full}" resembles OFAC-SDN entry ${p.last.toUpperCase()}, ${p.first} [SDNTK] (score 0.91)`,
      goodsLine: null,
      evidence: {
        watchlistParty: 'consignee',
        watchlistPartyName: full,
        watchlistList: 'OFAC-SDN',
        watchlistEntry: `${p.last.toUpperCase()}, ${p.first}`,
        watchlistPrograms: 'SDNTK',
        watchlistScore: 0.91,
      },
    },
  ];
  d.substances = d.substances.map((s) => ({ ...s, listing: `${s.listing} ${other[0]}` }));
  return { report: r, decision: d };
}

const folded = (value: unknown) => new Set(normalizePartyName(JSON.stringify(value)).tokens);

describe('redaction fails closed', () => {
  for (const [name, profile] of Object.entries(PROFILES)) {
    it(`${name}: no name, street, city, postal code or phone of a person leaves (${RUNS} cases)`, () => {
      let leaks = 0;
      let cases = 0;
      fc.assert(
        fc.property(person, person, (p, q) => {
          const { report, decision } = placed(p, q);
          const doc = caseDocument(report, decision);
          // The generator really put them in (so the test can fail): all of p's words (every mention
          // of p is in the rule explanations), and those of q's its mentions carry...
          const before = folded(doc);
          expect(forbidden(p).filter((w) => !before.has(w))).toEqual([]);
          const words = [...forbidden(p), ...forbidden(q).filter((w) => before.has(w))];
          // ...and none of them comes out.
          const out = redactCase(doc, profile, secret, {
            evidence: decision.ruleHits.map((h) => h.evidence),
          });
          const after = folded(out.case);
          const leaked = words.filter((w) => after.has(w));
          // (A pseudonym's hex may hold any seven digits by chance: it is not a phone number.)
          const clearText = JSON.stringify(out.case).replace(/psn:[a-z]+:[0-9a-f]{32}/g, 'psn');
          const phones = [p.phone, q.phone].filter((ph) =>
            clearText.includes(ph.replace(/\s/g, '').slice(-7)),
          );
          // Pseudonyms placed into free text stay whole (their hex is never screened as a phone).
          for (const m of JSON.stringify(out.case).matchAll(/psn:[a-z]+:[0-9a-f[\]a-z]*/g))
            expect(m[0], 'a pseudonym cut by screening').toMatch(/^psn:[a-z]+:[0-9a-f]{32}$/);
          cases++;
          if (leaked.length > 0 || phones.length > 0) leaks++;
          expect(leaked, JSON.stringify(out.case)).toEqual([]);
          expect(phones).toEqual([]);
          // The receiver's check accepts what the sender produced under the agreement.
          if (profile === agreement) {
            const v = checkSharedCase(out.case, agreement.fields);
            expect(v.clearPersonal).toEqual([]);
          }
        }),
        { numRuns: RUNS },
      );
      expect(cases).toBe(RUNS);
      expect(leaks).toBe(0);
    }, 180_000);
  }

  it('a watchlist finding names the list and programme, never the listed person', () => {
    const p = {
      first: 'María',
      last: 'Fernández',
      number: 12,
      streetWord: 'Quintana',
      streetKind: 'Calle',
      city: 'Valdemoro',
      postalCode: 'A1B 2C3',
      phone: '+34 600 123 456',
    };
    const { report, decision } = placed(p, { ...p, first: 'Jürgen', last: 'Quast' });
    const out = redactDecision(report, decision, agreement, secret);
    const hits = (out.case.assessment as { ruleHits: { ruleId: string; explanation: string }[] }).ruleHits;
    expect(hits.find((h) => h.ruleId === 'watchlist-drug-hit')?.explanation).toBe(
      'The consignee resembles an entry of OFAC-SDN (programmes SDNTK; score 0.91).',
    );
  });

  it('the receiver refuses free text carrying an e-mail address or phone number in clear', () => {
    const { report, decision } = redCase();
    const out = redactCase(caseDocument(report, decision), agreement, secret);
    const tampered = structuredClone(out.case) as { consignment: { goods: { description: string }[] } };
    tampered.consignment.goods[0]!.description = 'ask jane.doe@example.org or +1 416 555 0199';
    expect(checkSharedCase(tampered, agreement.fields).clearPersonal).toEqual([
      'consignment.goods[0].description',
    ]);
  });
});
