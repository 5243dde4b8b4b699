// The one access rule for reading a case (docs/review-app.md "Who sees what"). Reads: nothing.
// Guarantees: every read of a local decision — queue, case view, dashboard, exports, sharing preview
// and share — filters `decisions` with `visibleTo`, which admits only the agency's own jurisdiction
// (its countries, reported there or bound there). A case another agency shared is never read from
// `decisions`: the partner sees the redacted package it was sent (received.ts). An agency this
// module does not know sees nothing (fails closed). A case outside the rule and a missing case are
// indistinguishable to the caller (both "not found").
import { inList, type SqlFragment, sql } from '../storage/sql.ts';

export const AGENCIES = ['CBSA', 'CBIC'] as const;
export type Agency = (typeof AGENCIES)[number];

/** Countries (ISO 3166-1 alpha-2) whose cases an agency works: reported there or bound there. */
export const AGENCY_COUNTRIES: Readonly<Record<Agency, readonly string[]>> = Object.freeze({
  CBSA: ['CA'],
  CBIC: ['IN'],
});

const countriesOf = (agency: string): readonly string[] =>
  (AGENCY_COUNTRIES as Readonly<Record<string, readonly string[]>>)[agency] ?? [];

/** Decisions in the agency's own jurisdiction, as a condition on columns of `decisions`. */
export function ownJurisdiction(agency: string): SqlFragment {
  const countries = countriesOf(agency);
  if (countries.length === 0) return sql`0`;
  const list = inList(countries);
  return sql`(reportingCountry IN (${list}) OR destinationCountry IN (${list}))`;
}

/**
 * The condition every read of `decisions` on behalf of `agency` carries. `database` is kept so a
 * future rule may join review tables; today it is the agency's jurisdiction alone.
 */
export function visibleTo(_database: string, agency: string): SqlFragment {
  return ownJurisdiction(agency);
}

/** Whether a decision's countries put it in the agency's jurisdiction (same rule as the SQL). */
export function inOwnJurisdiction(
  agency: string,
  row: { reportingCountry: string; destinationCountry: string },
): boolean {
  const countries = countriesOf(agency);
  return countries.includes(row.reportingCountry) || countries.includes(row.destinationCountry);
}
