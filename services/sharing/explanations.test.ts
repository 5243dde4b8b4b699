import { describe, expect, it } from 'vitest';
import { RANDOM_SELECTION_RULE_ID } from '../scoring/decide.ts';
import { LINE_FACTS, REPORT_FACTS } from '../scoring/fact-catalogue.ts';
import { RECONCILE_RULE_ID } from '../scoring/reconcile.ts';
import { templateFacts } from '../scoring/rule-schema.ts';
import { loadRulesSnapshot } from '../scoring/rules-store.ts';
import {
  defaultExplanationTemplates,
  type ExplanationContext,
  factClass,
  factClassIn,
  RANDOM_SELECTION_RULE,
  RECONCILE_RULE,
  renderExplanation,
  WITHHELD,
} from './explanations.ts';
import { personalTerms, screenText } from './free-text.ts';

const templates = defaultExplanationTemplates();
const nothingAllowed: ExplanationContext = {
  templates,
  allows: () => false,
  partyName: () => undefined,
  watchlistEntryNames: false,
};
const everythingAllowed: ExplanationContext = {
  templates,
  allows: () => true,
  partyName: (role) => (role === 'consignee' ? 'psn:name:0123456789abcdef0123456789abcdef' : undefined),
  watchlistEntryNames: false,
};

describe('rule explanations as they leave', () => {
  it('has a sharing class for every fact the rules may use, and the template of every rule', () => {
    const facts = [...Object.keys(REPORT_FACTS), ...Object.keys(LINE_FACTS).map((f) => `line.${f}`)];
    expect(facts.filter((f) => factClass(f) === undefined)).toEqual([]);
    const rules = loadRulesSnapshot().rules;
    expect(rules.length).toBeGreaterThan(40);
    expect(rules.filter((r) => !templates.has(r.id)).map((r) => r.id)).toEqual([]);
    expect([RANDOM_SELECTION_RULE, RECONCILE_RULE]).toEqual([RANDOM_SELECTION_RULE_ID, RECONCILE_RULE_ID]);
  });

  it('lets no fact drawn from a case field, a party or a watchlist entry through when the agreement allows none (every rule)', () => {
    let rendered = 0;
    for (const [ruleId, template] of templates) {
      const evidence: Record<string, unknown> = {};
      for (const f of templateFacts(template)) {
        const type = f.startsWith('line.') ? 'line' : 'report';
        evidence[f] = f.endsWith('Score') || f.endsWith('Count') ? 0.5 : `SECRET(${type}:${f})`;
      }
      const text = renderExplanation({ ruleId, goodsLine: 1, evidence }, nothingAllowed);
      rendered++;
      const survivors = [...text.matchAll(/SECRET\(\w+:([\w.]+)\)/g)].map((m) => m[1]!);
      // What survives is only knowledge the agency computed (listings, headings, notes of the law).
      expect(
        survivors.filter((f) => factClassIn(ruleId, f)?.kind !== 'plain'),
        `${ruleId}: ${text}`,
      ).toEqual([]);
    }
    expect(rendered).toBe(templates.size);
  });

  it('renders a party as it leaves: a person’s pseudonym, else the role', () => {
    const hit = {
      ruleId: 'consignee-residential',
      goodsLine: null,
      evidence: { consigneeName: 'K. Dhillon' },
    };
    expect(renderExplanation(hit, everythingAllowed)).toBe(
      'Consignee "psn:name:0123456789abcdef0123456789abcdef" has a residential or mail-drop address',
    );
    expect(renderExplanation(hit, nothingAllowed)).toBe(
      'Consignee "the consignee" has a residential or mail-drop address',
    );
  });

  it('renders a case field only where the agreement lets it leave', () => {
    const hit = {
      ruleId: 'vague-description',
      goodsLine: 2,
      evidence: { 'line.number': 2, 'line.description': 'Daily necessities' },
    };
    expect(renderExplanation(hit, everythingAllowed)).toBe(
      'Goods line 2 is vaguely described: "Daily necessities"',
    );
    expect(renderExplanation(hit, nothingAllowed)).toBe(
      `Goods line ${WITHHELD} is vaguely described: "${WITHHELD}"`,
    );
  });

  it('names the list, programmes and score of a watchlist finding, the entry only if the agreement says so', () => {
    const hit = {
      ruleId: 'watchlist-drug-hit',
      goodsLine: null,
      evidence: {
        watchlistParty: 'consignee',
        watchlistPartyName: 'K. Dhillon',
        watchlistList: 'OFAC-SDN',
        watchlistEntry: 'DHILLON, Kuldeep',
        watchlistPrograms: 'SDNTK',
        watchlistScore: 0.91,
      },
    };
    expect(renderExplanation(hit, everythingAllowed)).toBe(
      'The consignee resembles an entry of OFAC-SDN (programmes SDNTK; score 0.91).',
    );
    expect(renderExplanation(hit, { ...everythingAllowed, watchlistEntryNames: true })).toBe(
      'consignee "psn:name:0123456789abcdef0123456789abcdef" resembles OFAC-SDN entry DHILLON, Kuldeep [SDNTK] (score 0.91)',
    );
  });

  it('falls back to the generic sentence for an unknown rule or a fact the hit did not record', () => {
    expect(renderExplanation({ ruleId: 'gone-rule', goodsLine: 3 }, everythingAllowed)).toBe(
      'Rule gone-rule matched on goods line 3.',
    );
    expect(
      renderExplanation(
        { ruleId: 'consignee-residential', goodsLine: null, evidence: {} },
        everythingAllowed,
      ),
    ).toBe('Rule consignee-residential matched.');
    expect(
      renderExplanation(
        { ruleId: 'manifest-declaration-mismatch', goodsLine: null, evidence: { field: 'goods' } },
        nothingAllowed,
      ),
    ).toBe('The manifest and the declaration of the consignment differ in goods');
  });

  it('never cuts a pseudonym placed in free text (its hex is no phone number)', () => {
    const terms = personalTerms({ consignee: { name: 'K. Dhillon', phone: '+1 416 652 3901' } });
    const p = 'psn:name:4fc8248497931ca6523901debaa6c9c9';
    expect(screenText(`Gift for ${p}; call +1 416 652 3901`, terms)).toBe(`Gift for ${p}; call [redacted]`);
  });
});
