// The consignment report v1 (CONTRACT.md §1): one zod schema, its inferred type, and the checks
// the contract names (UN/LOCODE, ISO 3166/4217, HS digits, dates, sizes, enumerations).
// Unknown extra fields are tolerated and dropped. CAS numbers are kept even with a bad check digit.
import { z } from 'zod';
import { checkCas } from './cas.ts';
import { ISO_COUNTRIES, ISO_CURRENCIES } from './codes.ts';

export const SCHEMA_VERSION = 1 as const;
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export const DOCUMENT_TYPES = ['MANIFEST', 'DECLARATION'] as const;
export const MODES = ['SEA', 'AIR', 'ROAD', 'RAIL', 'POST', 'EXPRESS'] as const;
export const QUANTITY_UNITS = ['KG', 'G', 'L', 'ML', 'PCS'] as const;
export const PAYMENT_METHODS = ['WIRE', 'CARD', 'CASH', 'CRYPTO', 'P2P', 'OTHER'] as const;
export const PERMIT_TYPES = ['PEN', 'IMPORT_PERMIT', 'EXPORT_PERMIT', 'REGISTRATION'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().max(max).nullish();

export const countryCode = z
  .string()
  .refine((c) => ISO_COUNTRIES.has(c), { message: 'expected an ISO 3166-1 alpha-2 country code' });

export const currencyCode = z
  .string()
  .refine((c) => ISO_CURRENCIES.has(c), { message: 'expected an ISO 4217 currency code' });

/** UN/LOCODE: an ISO country code and three letters or digits 2-9. */
export const unLocode = z
  .string()
  .regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'expected a 5-character UN/LOCODE')
  .refine((c) => ISO_COUNTRIES.has(c.slice(0, 2)), {
    message: 'UN/LOCODE must start with an ISO country code',
  });

export const hsCode = z.string().regex(/^\d{6,10}$/, 'expected an HS code of 6 to 10 digits, no dots');

const isoDate = z.iso.date();

export const addressSchema = z.object({
  street: optionalText(512),
  city: optionalText(256),
  postalCode: optionalText(32),
  country: countryCode,
});

export const partySchema = z.object({
  name: text(512),
  address: addressSchema.nullish(),
  identifier: optionalText(128),
  phone: optionalText(64),
  email: optionalText(320),
});

export const goodsLineSchema = z
  .object({
    lineNumber: z.number().int().min(1).max(9999),
    description: text(4000),
    hsCode: hsCode.nullish(),
    casNumbers: z.array(z.string().trim().min(1).max(64)).max(50).nullish(),
    quantity: z.object({ value: z.number().positive().finite(), unit: z.enum(QUANTITY_UNITS) }).nullish(),
    packages: z.object({ count: z.number().int().min(0).max(10_000_000), type: text(64) }).nullish(),
    grossWeightKg: z.number().min(0).finite().nullish(),
    declaredValue: z.object({ amount: z.number().min(0).finite(), currency: currencyCode }).nullish(),
    originCountry: countryCode.nullish(),
  })
  // The check result travels with the line, so every stage sees the same verdict. One literal with
  // every key, so all goods lines share one object shape (faster to read in the hot path).
  .transform((line) => ({
    lineNumber: line.lineNumber,
    description: line.description,
    hsCode: line.hsCode ?? null,
    casNumbers: line.casNumbers ?? [],
    quantity: line.quantity ?? null,
    packages: line.packages ?? null,
    grossWeightKg: line.grossWeightKg ?? null,
    declaredValue: line.declaredValue ?? null,
    originCountry: line.originCountry ?? null,
    casChecks: (line.casNumbers ?? []).map(checkCas),
  }));

export const reportSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  messageId: text(128),
  documentType: z.enum(DOCUMENT_TYPES),
  source: z.object({ system: text(64), reportingCountry: countryCode }),
  filedAt: z.iso.datetime({ offset: true }),
  consignment: z.object({
    consignmentId: text(64),
    masterId: optionalText(64),
    mode: z.enum(MODES),
    carrier: z.object({ code: optionalText(16), name: optionalText(256) }).nullish(),
    route: z.object({
      portOfLoading: unLocode,
      portOfDischarge: unLocode,
      placeOfDelivery: unLocode.nullish(),
      transshipmentPorts: z
        .array(unLocode)
        .max(20)
        .nullish()
        .transform((v) => v ?? []),
      originCountry: countryCode,
      destinationCountry: countryCode,
    }),
    departureDate: isoDate.nullish(),
    arrivalDate: isoDate.nullish(),
    parties: z.object({
      shipper: partySchema,
      consignee: partySchema,
      notifyParty: partySchema.nullish(),
      forwarder: partySchema.nullish(),
      declarant: partySchema.nullish(),
    }),
    goods: z
      .array(goodsLineSchema)
      .min(1)
      .max(999)
      .refine((lines) => new Set(lines.map((l) => l.lineNumber)).size === lines.length, {
        message: 'goods lineNumber values must be unique',
      }),
    containers: z
      .array(z.string().regex(/^[A-Z]{3}[UJZ]\d{7}$/, 'expected an ISO 6346 container number'))
      .max(500)
      .nullish()
      .transform((v) => v ?? []),
    payment: z
      .object({ method: z.enum(PAYMENT_METHODS), payerIsThirdParty: z.boolean().nullish() })
      .nullish(),
    permits: z
      .array(z.object({ type: z.enum(PERMIT_TYPES), reference: text(128) }))
      .max(50)
      .nullish()
      .transform((v) => v ?? []),
  }),
});

/** A report as published (input side of the schema). */
export type ReportInput = z.input<typeof reportSchema>;
/** A validated report: defaults filled, CAS numbers checked. */
export type Report = z.output<typeof reportSchema>;
export type GoodsLine = Report['consignment']['goods'][number];
export type Party = z.output<typeof partySchema>;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
