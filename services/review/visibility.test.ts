import { describe, expect, it } from 'vitest';
import { AGENCIES, AGENCY_COUNTRIES, inOwnJurisdiction, ownJurisdiction, visibleTo } from './visibility.ts';

describe('the one visibility rule', () => {
  it('admits an agency’s own countries, reported there or bound there', () => {
    expect(visibleTo('db', 'CBSA').text).toBe("(reportingCountry IN ('CA') OR destinationCountry IN ('CA'))");
    expect(visibleTo('db', 'CBIC').text).toBe("(reportingCountry IN ('IN') OR destinationCountry IN ('IN'))");
  });

  it('never reads shares into decisions: a partner sees only the package it was sent', () => {
    for (const a of AGENCIES) expect(visibleTo('db', a).text).not.toMatch(/case_shares|received_cases/);
  });

  it('fails closed for an agency it does not know', () => {
    expect(ownJurisdiction('ICE').text).toBe('0');
    expect(ownJurisdiction("CBSA' OR 1=1 --").text).toBe('0');
    expect(inOwnJurisdiction('ICE', { reportingCountry: 'US', destinationCountry: 'US' })).toBe(false);
  });

  it('decides rows as the SQL does', () => {
    for (const a of AGENCIES) {
      const c = AGENCY_COUNTRIES[a][0]!;
      expect(inOwnJurisdiction(a, { reportingCountry: c, destinationCountry: 'US' })).toBe(true);
      expect(inOwnJurisdiction(a, { reportingCountry: 'US', destinationCountry: c })).toBe(true);
      expect(inOwnJurisdiction(a, { reportingCountry: 'US', destinationCountry: 'MX' })).toBe(false);
    }
  });
});
