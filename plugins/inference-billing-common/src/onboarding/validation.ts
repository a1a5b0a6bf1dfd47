import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { ISO_COUNTRY_CODES } from './countries';

/** Limits shared by the template's form, the scaffolder action and the HTTP API. */
export const ONBOARDING_LIMITS = {
  companyNameMax: 100,
  notesMax: 2000,
  budgetUsdMax: 1_000_000,
  requestsPerMinuteMax: 100_000,
  tokensPerMinuteMax: 100_000_000,
  modelsMax: 50,
  timeoutMinutesMax: 60 * 24 * 30,
} as const;

export const COMPANY_NAME = /^[\p{L}\p{N}][\p{L}\p{N} .,&'()-]*$/u;
/**
 * An address mail servers accept: a dot-atom local part (RFC 5322 3.2.3, no
 * quoted strings) and a domain of at least two DNS labels (letters, digits,
 * inner hyphens) ending in an alphabetic or punycode top-level label.
 */
export const EMAIL =
  /^(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
/** EU-style VAT id: 2-letter country prefix then 2 to 13 letters/digits, at least one a digit. */
export const VAT_ID = /^[A-Z]{2}(?=[A-Z0-9]*\d)[A-Z0-9]{2,13}$/;
export const COUNTRY = /^[A-Z]{2}$/;
export const CURRENCY = /^[A-Z]{3}$/;
export const LOCATION_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A Model name, or its catalog entity ref `resource:<location>/<name>`. */
export const MODEL_REF =
  /^(?:resource:([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\/)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$/;

export const onboardingInputSchema = z.object({
  companyName: z
    .string()
    .trim()
    .min(2)
    .max(ONBOARDING_LIMITS.companyNameMax)
    .regex(COMPANY_NAME, "letters, digits, spaces and .,&'()- only"),
  contactEmail: z
    .string()
    .trim()
    .max(254)
    .regex(EMAIL, 'must be an e-mail address'),
  vatId: z
    .string()
    .trim()
    .transform(v => v.replace(/[\s.-]/g, '').toUpperCase())
    .pipe(z.string().regex(VAT_ID, 'must be a VAT id such as RO12345678')),
  country: z
    .string()
    .regex(COUNTRY, 'must be an ISO 3166-1 alpha-2 code')
    .refine(
      code => ISO_COUNTRY_CODES.has(code),
      'is not an assigned ISO 3166-1 alpha-2 code',
    ),
  locations: z
    .array(z.string().regex(LOCATION_NAME, 'must be a location name'))
    .min(1)
    .max(20),
  budgetUsd: z.number().int().min(1).max(ONBOARDING_LIMITS.budgetUsdMax),
  requestsPerMinute: z
    .number()
    .int()
    .min(1)
    .max(ONBOARDING_LIMITS.requestsPerMinuteMax),
  tokensPerMinute: z
    .number()
    .int()
    .min(1)
    .max(ONBOARDING_LIMITS.tokensPerMinuteMax),
  allowedModels: z
    .array(z.string().regex(MODEL_REF, 'must be a Model name or entity ref'))
    .min(1)
    .max(ONBOARDING_LIMITS.modelsMax),
  currency: z.string().regex(CURRENCY, 'must be an ISO 4217 code'),
  notes: z.string().max(ONBOARDING_LIMITS.notesMax).optional(),
  timeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(ONBOARDING_LIMITS.timeoutMinutesMax)
    .optional(),
  taskId: z.string().min(1).max(255).optional(),
});

export type OnboardingInput = z.input<typeof onboardingInputSchema>;

/** A validated request: models are per location. */
export type OnboardingDetails = {
  companyName: string;
  contactEmail: string;
  vatId: string;
  country: string;
  locations: string[];
  budgetUsd: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
  /** Model names per location. */
  allowedModels: Record<string, string[]>;
  currency: string;
  notes?: string;
  timeoutMinutes?: number;
  taskId?: string;
};

/**
 * Validates onboarding input, throwing InputError (400) whose message starts
 * with the field name. Models given as entity refs must belong to one of the
 * chosen locations; plain names apply to every chosen location. Every location
 * must end up with at least one Model.
 */
export function validateOnboardingInput(input: unknown): OnboardingDetails {
  const parsed = onboardingInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : 'body';
    throw new InputError(`${field}: ${issue.message}`);
  }
  const value = parsed.data;
  const locations = [...new Set(value.locations)];
  const allowedModels: Record<string, string[]> = Object.fromEntries(
    locations.map(l => [l, [] as string[]]),
  );
  for (const ref of value.allowedModels) {
    const match = MODEL_REF.exec(ref)!;
    const location = match[1];
    const name = match[3];
    const targets = location ? [location] : locations;
    if (location && !allowedModels[location]) {
      throw new InputError(
        `allowedModels: ${ref} is not in one of the chosen locations (${locations.join(
          ', ',
        )})`,
      );
    }
    for (const target of targets) {
      if (!allowedModels[target].includes(name)) {
        allowedModels[target].push(name);
      }
    }
  }
  for (const location of locations) {
    if (allowedModels[location].length === 0) {
      throw new InputError(
        `allowedModels: choose at least one Model of location ${location}`,
      );
    }
  }
  return {
    companyName: value.companyName,
    contactEmail: value.contactEmail.toLowerCase(),
    vatId: value.vatId,
    country: value.country,
    locations,
    budgetUsd: value.budgetUsd,
    requestsPerMinute: value.requestsPerMinute,
    tokensPerMinute: value.tokensPerMinute,
    allowedModels,
    currency: value.currency,
    notes: value.notes?.trim() || undefined,
    timeoutMinutes: value.timeoutMinutes,
    taskId: value.taskId,
  };
}
