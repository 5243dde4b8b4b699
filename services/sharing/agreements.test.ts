import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgreementSet, decodeSecret, loadAgreementFiles, parseAgreement } from './agreements.ts';
import { isKnownFieldPath } from './case-fields.ts';
import { AGREEMENTS_DIR } from './test-fixtures.ts';

const text = readFileSync(join(AGREEMENTS_DIR, 'ca-in-cmaa.yaml'), 'utf8');
const env = { SHARING_PSEUDONYM_KEY_CA_IN: 'a'.repeat(64) };

describe('agreements', () => {
  it('loads the Canada–India agreement with its terms', () => {
    const [a] = loadAgreementFiles(AGREEMENTS_DIR);
    expect(a).toMatchObject({
      id: 'ca-in-cmaa',
      tlp: 'AMBER+STRICT',
      retentionDays: 365,
      onwardSharing: false,
      goodsLines: 'flagged',
    });
    expect(Object.keys(a!.parties).sort()).toEqual(['CBIC', 'CBSA']);
    expect(a!.legalBasis.join(' ')).toMatch(/1988\).*articles 9 and 12/);
  });

  it('answers for the partner on either side, never for itself or strangers', () => {
    const agreements = loadAgreementFiles(AGREEMENTS_DIR);
    const cbsa = createAgreementSet(agreements, 'CBSA', env);
    const cbic = createAgreementSet(agreements, 'CBIC', env);
    expect(cbsa.forPartner('CBIC')?.id).toBe('ca-in-cmaa');
    expect(cbic.forPartner('CBSA')?.id).toBe('ca-in-cmaa');
    expect(cbsa.forPartner('CBSA')).toBeUndefined();
    expect(cbsa.forPartner('USCBP')).toBeUndefined();
    expect(cbsa.secretFor('ca-in-cmaa')).toEqual(Buffer.from('a'.repeat(64), 'hex'));
    expect(createAgreementSet(agreements, 'USCBP', {}).all).toEqual([]);
  });

  it('refuses to start without this agency’s pseudonymisation secret, naming the variable', () => {
    const agreements = loadAgreementFiles(AGREEMENTS_DIR);
    expect(() => createAgreementSet(agreements, 'CBSA', {})).toThrow(
      /invalid setting SHARING_PSEUDONYM_KEY_CA_IN/,
    );
    expect(() => createAgreementSet(agreements, 'CBSA', { SHARING_PSEUDONYM_KEY_CA_IN: 'short' })).toThrow(
      /SHARING_PSEUDONYM_KEY_CA_IN/,
    );
  });

  it('refuses an allow-list entry that names no field (a typo must not silently withhold or leak)', () => {
    expect(() =>
      parseAgreement(text.replace('- consignment.route\n', '- consignment.rout\n'), 'x.yaml'),
    ).toThrow(/x\.yaml: fields\.\d+: "consignment\.rout" names no field/);
    expect(() => parseAgreement(text.replace('tlp: AMBER+STRICT', 'tlp: GREEN'), 'x.yaml')).toThrow(
      /x\.yaml: tlp/,
    );
    expect(() => parseAgreement(`${text}\nsurprise: true\n`, 'x.yaml')).toThrow(/x\.yaml/);
  });

  it('knows field paths with wildcards and array markers', () => {
    expect(isKnownFieldPath('consignment.parties.*.name')).toBe(true);
    expect(isKnownFieldPath('consignment.goods[].casNumbers')).toBe(true);
    expect(isKnownFieldPath('assessment.ruleHits[].evidence')).toBe(false);
    expect(isKnownFieldPath('consignment.goods.description')).toBe(false);
    expect(isKnownFieldPath('consignment..route')).toBe(false);
  });

  it('decodes secrets given as hex, base64 or a long passphrase', () => {
    expect(decodeSecret('00'.repeat(32))?.length).toBe(32);
    expect(decodeSecret(Buffer.alloc(32, 7).toString('base64'))?.length).toBe(32);
    expect(decodeSecret('correct horse battery staple, 32+ chars')?.toString()).toMatch(/^correct/);
    expect(decodeSecret('too short')).toBeUndefined();
  });
});
