// The lenient reading of a report v1, used only after the strict schema (report.ts) has refused it:
// what can still be read is kept, so the report is screened (status PARTIAL) instead of going unseen.
// - Limits are lifted: descriptions of any length, any number of goods lines (the 1 MiB message
//   bound still holds), lists of any length. Everything readable is scored in full.
// - A field that breaks its format is dropped: an optional one becomes null (a bad element of a
//   list is left out), a required code or name becomes '' and an unreadable filedAt the epoch.
// - What cannot be read this way makes the report unreadable: no messageId, consignmentId or
//   documentType, no consignment/route/parties objects, no goods line with a description.
// The output has the shape of a strict Report, so every later stage treats both the same.
import { z } from 'zod';
import { checkCas } from './cas.ts';
import {
  countryCode,
  currencyCode,
  DOCUMENT_TYPES,
  MODES,
  PAYMENT_METHODS,
  PERMIT_TYPES,
  QUANTITY_UNITS,
  type Report,
  unLocode,
} from './report.ts';

/** Stand-in for an unreadable filedAt (the row's partition must not depend on the time of reading). */
export const UNREADABLE_FILED_AT = '1970-01-01T00:00:00.000Z';

const anyText = z.string().trim().min(1);
const str = (fallback = '') => z.string().trim().catch(fallback);
const optStr = z.string().nullish().catch(null);
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(z.unknown())
    .nullish()
    .catch(null)
    .transform((values) =>
      (values ?? []).flatMap((v) => {
        const r = item.safeParse(v);
        return r.success ? [r.data as z.output<T>] : [];
      }),
    );

const party = z.object({
  name: str(),
  address: z
    .object({ street: optStr, city: optStr, postalCode: optStr, country: countryCode.catch('') })
    .nullish()
    .catch(null),
  identifier: optStr,
  phone: optStr,
  email: optStr,
});
const optParty = party.nullish().catch(null);

const goodsLine = z
  .object({
    lineNumber: z.number().int().min(0).catch(0),
    description: anyText,
    hsCode: z
      .string()
      .regex(/^\d{6,10}$/)
      .nullish()
      .catch(null),
    casNumbers: list(z.string().trim().min(1).max(64)),
    quantity: z
      .object({ value: z.number().positive().finite(), unit: z.enum(QUANTITY_UNITS) })
      .nullish()
      .catch(null),
    packages: z
      .object({ count: z.number().int().min(0), type: anyText })
      .nullish()
      .catch(null),
    grossWeightKg: z.number().min(0).finite().nullish().catch(null),
    declaredValue: z
      .object({ amount: z.number().min(0).finite(), currency: currencyCode })
      .nullish()
      .catch(null),
    originCountry: countryCode.nullish().catch(null),
  })
  .transform((line) => ({
    lineNumber: line.lineNumber,
    description: line.description,
    hsCode: line.hsCode ?? null,
    casNumbers: line.casNumbers,
    quantity: line.quantity ?? null,
    packages: line.packages ?? null,
    grossWeightKg: line.grossWeightKg ?? null,
    declaredValue: line.declaredValue ?? null,
    originCountry: line.originCountry ?? null,
    casChecks: line.casNumbers.map(checkCas),
  }));

export const lenientReportSchema = z.object({
  schemaVersion: z.literal(1),
  messageId: anyText,
  documentType: z.enum(DOCUMENT_TYPES),
  source: z
    .object({ system: str('UNKNOWN'), reportingCountry: countryCode.catch('') })
    .catch({ system: 'UNKNOWN', reportingCountry: '' }),
  filedAt: z.iso.datetime({ offset: true }).catch(UNREADABLE_FILED_AT),
  consignment: z.object({
    consignmentId: anyText,
    masterId: optStr,
    // An unknown mode is read as SEA, the mode with the fewest mode-specific signals; the reason says so.
    mode: z.enum(MODES).catch('SEA'),
    carrier: z.object({ code: optStr, name: optStr }).nullish().catch(null),
    route: z.object({
      portOfLoading: unLocode.catch(''),
      portOfDischarge: unLocode.catch(''),
      placeOfDelivery: unLocode.nullish().catch(null),
      transshipmentPorts: list(unLocode),
      originCountry: countryCode.catch(''),
      destinationCountry: countryCode.catch(''),
    }),
    departureDate: z.iso.date().nullish().catch(null),
    arrivalDate: z.iso.date().nullish().catch(null),
    parties: z.object({
      shipper: party,
      consignee: party,
      notifyParty: optParty,
      forwarder: optParty,
      declarant: optParty,
    }),
    goods: list(goodsLine).refine((lines) => lines.length > 0, { message: 'no readable goods line' }),
    containers: list(z.string().min(1)),
    payment: z
      .object({ method: z.enum(PAYMENT_METHODS), payerIsThirdParty: z.boolean().nullish() })
      .nullish()
      .catch(null),
    permits: list(z.object({ type: z.enum(PERMIT_TYPES), reference: anyText })),
  }),
});

// The lenient output must be usable wherever a strict Report is: checked at compile time.
type Lenient = z.output<typeof lenientReportSchema>;
export const asReport = (r: Lenient): Report => r;
