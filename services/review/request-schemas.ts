// zod schemas of every query string and body the review API accepts. Reads: nothing.
// Guarantees: handlers only ever see parsed values; anything else is a 400 naming the field.
// Bounded lengths everywhere: free text is escaped on its way to SQL, but never unbounded.
import { z } from 'zod';
import { LANES } from '../../schemas/decision.ts';
import { DOCUMENT_TYPES, QUANTITY_UNITS } from '../../schemas/report.ts';
import { AGENCIES, ROLES } from './access.ts';

export const DISPOSITIONS = [
  'RELEASED',
  'DOCUMENT_CHECK_PASSED',
  'EXAMINED_NOTHING_FOUND',
  'SEIZED',
  'REFERRED',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Queue states: no disposition yet, any disposition, or a given latest disposition. */
export const CASE_STATES = ['open', 'closed', ...DISPOSITIONS] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** `a,b` or repeated `?x=a&x=b` → ['a','b']; empty items dropped. */
const list = <T extends z.ZodType<string>>(item: T, max: number) =>
  z.preprocess((v) => {
    const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));
    return parts.map((p) => (typeof p === 'string' ? p.trim() : p)).filter((p) => p !== '');
  }, z.array(item).max(max));

const single = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v === '' ? undefined : v), inner);

const freeText = (max: number) => z.string().trim().min(1).max(max);
const isoDay = z.iso.date();
const unLocode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'expected 5-character UN/LOCODEs');
const country = z.string().regex(/^[A-Z]{2}$/, 'expected ISO 3166-1 alpha-2 country codes');
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'expected a user name of 2-63 lower-case letters, digits, . _ -');

export const queueQuerySchema = z
  .object({
    lane: single(list(z.enum(LANES), 3)).optional(),
    port: single(list(unLocode, 20)).optional(),
    country: single(list(country, 20)).optional(),
    substance: single(freeText(100)).optional(),
    from: single(isoDay).optional(),
    to: single(isoDay).optional(),
    documentType: single(z.enum(DOCUMENT_TYPES)).optional(),
    /** A user name, `me`, or `unassigned`. */
    assignee: single(z.union([usernameSchema, z.literal('unassigned')])).optional(),
    state: single(z.enum(CASE_STATES)).optional(),
    q: single(freeText(100)).optional(),
    cursor: single(z.string().max(400)).optional(),
    limit: single(z.coerce.number().int().min(1).max(100)).default(50),
  })
  .strict()
  .refine((f) => f.from === undefined || f.to === undefined || f.from <= f.to, {
    message: 'from must not be after to',
    path: ['from'],
  });
export type QueueQuery = z.output<typeof queueQuerySchema>;

export const newCasesQuerySchema = z
  .object({ since: single(z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER)) })
  .strict();

export const caseIdSchema = z.object({ id: z.string().min(1).max(128) }).strict();

export const loginBodySchema = z
  .object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) })
  .strict();

export const assignBodySchema = z
  .object({ assignee: z.union([usernameSchema, z.literal('')]).optional() })
  .strict();

export const dispositionBodySchema = z
  .object({
    disposition: z.enum(DISPOSITIONS),
    notes: z.string().max(4000).default(''),
    quantity: z.number().positive().finite().max(1e9).optional(),
    unit: z.enum(QUANTITY_UNITS).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.disposition === 'SEIZED' && (b.quantity === undefined || b.unit === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'a seizure needs quantity and unit', path: ['quantity'] });
    }
    if (b.disposition !== 'SEIZED' && (b.quantity !== undefined || b.unit !== undefined)) {
      ctx.addIssue({ code: 'custom', message: 'quantity and unit are only for SEIZED', path: ['quantity'] });
    }
  });
export type DispositionBody = z.output<typeof dispositionBodySchema>;

export const dashboardQuerySchema = z
  .object({ days: single(z.coerce.number().int().min(1).max(365)).default(30) })
  .strict();

export const labelsQuerySchema = z
  .object({
    since: single(isoDay).optional(),
    format: single(z.enum(['ndjson', 'csv'])).default('ndjson'),
  })
  .strict();

export const userBodySchema = z
  .object({
    username: usernameSchema,
    displayName: z.string().trim().min(1).max(128),
    role: z.enum(ROLES),
    agency: z.enum(AGENCIES),
    password: z.string().min(12, 'passwords have at least 12 characters').max(256).optional(),
    disabled: z.boolean().default(false),
  })
  .strict();
export type UserBody = z.output<typeof userBodySchema>;

/** One line for a 400: the first issue, with its field. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid request';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
  return `${where}: ${issue.message}`;
}
