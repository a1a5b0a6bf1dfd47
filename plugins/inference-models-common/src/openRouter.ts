import { z } from 'zod';

/**
 * The Model annotation holding the model's OpenRouter provider listing
 * (legacy flat format), as staff wrote it by hand before the portal.
 */
export const OPENROUTER_ANNOTATION = 'openrouter.ai/json';

/** Allowed values, from OpenRouter's provider integration docs (legacy format). */
export const OPENROUTER_INPUT_MODALITIES = [
  'text',
  'image',
  'file',
  'audio',
  'video',
] as const;
export const OPENROUTER_OUTPUT_MODALITIES = [
  'text',
  'image',
  'embeddings',
  'audio',
  'video',
  'rerank',
  'speech',
  'transcription',
] as const;
export const OPENROUTER_QUANTIZATIONS = [
  'int4',
  'int8',
  'fp4',
  'mxfp4',
  'nvfp4',
  'fp6',
  'fp8',
  'mxfp8',
  'fp16',
  'bf16',
  'fp32',
] as const;
export const OPENROUTER_SAMPLING_PARAMETERS = [
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'top_a',
  'frequency_penalty',
  'presence_penalty',
  'repetition_penalty',
  'stop',
  'seed',
  'max_tokens',
  'logit_bias',
] as const;
export const OPENROUTER_SUPPORTED_FEATURES = [
  'tools',
  'json_mode',
  'structured_outputs',
  'logprobs',
  'web_search',
  'reasoning',
] as const;
/**
 * Price keys we accept and emit. OpenRouter's docs drifted between singular
 * and plural cache names; we emit the singular ones (reference section 3.1).
 */
export const OPENROUTER_PRICE_KEYS = [
  'prompt',
  'completion',
  'image',
  'request',
  'input_cache_read',
  'input_cache_write',
  'web_search',
  'internal_reasoning',
] as const;

/** A plain non-negative decimal: `0`, `0.000008`; never `8e-6`, `-1`, `.5` or `1.`. */
export const DECIMAL_STRING = /^(0|[1-9]\d*)(\.\d+)?$/;

const decimalString = z
  .string({ message: 'must be a decimal string such as "0.000008"' })
  .regex(
    DECIMAL_STRING,
    'must be a non-negative decimal string such as "0.000008" (no exponent)',
  );

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `must be one of ${values.join(', ')}` });

const nonNegativeInt = z
  .number({ message: 'must be an integer' })
  .int('must be an integer')
  .nonnegative('must not be negative');
const positiveInt = z
  .number({ message: 'must be an integer' })
  .int('must be an integer')
  .positive('must be positive');

const pricingSchema = z
  .object({
    prompt: decimalString,
    completion: decimalString,
    image: decimalString.optional(),
    request: decimalString.optional(),
    input_cache_read: decimalString.optional(),
    input_cache_write: decimalString.optional(),
    web_search: decimalString.optional(),
    internal_reasoning: decimalString.optional(),
  })
  .strict();

/**
 * One model of an OpenRouter provider listing (legacy flat format), with the
 * checks of reference section 3.3: required fields, enum values from the
 * docs, prices as decimal strings, integers, `hugging_face_id` present (may
 * be empty) and two-letter upper-case country codes. Unknown top-level keys
 * are dropped, unknown price keys are rejected (they would be silently
 * ignored by OpenRouter otherwise).
 */
export const openRouterListingSchema = z.object({
  id: z.string().min(1, 'must not be empty'),
  hugging_face_id: z.string({
    message: 'must be a string (empty when the model is not on Hugging Face)',
  }),
  name: z.string().min(1, 'must not be empty'),
  created: nonNegativeInt,
  input_modalities: z.array(oneOf(OPENROUTER_INPUT_MODALITIES)).min(1),
  output_modalities: z.array(oneOf(OPENROUTER_OUTPUT_MODALITIES)).min(1),
  quantization: oneOf(OPENROUTER_QUANTIZATIONS),
  context_length: positiveInt,
  max_output_length: positiveInt,
  pricing: pricingSchema,
  supported_sampling_parameters: z.array(oneOf(OPENROUTER_SAMPLING_PARAMETERS)),
  supported_features: z.array(oneOf(OPENROUTER_SUPPORTED_FEATURES)),
  description: z.string().optional(),
  deprecation_date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
    .optional(),
  openrouter: z.object({ slug: z.string().min(1) }).optional(),
  datacenters: z
    .array(
      z.object({
        country_code: z
          .string()
          .regex(
            /^[A-Z]{2}$/,
            'must be an ISO 3166-1 alpha-2 code in upper case, e.g. RO',
          ),
      }),
    )
    .optional(),
  capacity_tpm: positiveInt.optional(),
});

/** A validated OpenRouter listing of one model. */
export type OpenRouterListing = z.infer<typeof openRouterListingSchema>;

/** The public OpenRouter provider listing: `GET /openrouter/models`. */
export type OpenRouterListingResponse = { data: OpenRouterListing[] };

/** What could be read from a Model's `openrouter.ai/json` annotation. */
export interface ParsedOpenRouterAnnotation {
  /** The listing, when the whole annotation validates. */
  listing?: OpenRouterListing;
  /**
   * Every top-level field that validates on its own (for `pricing`: every
   * valid price), so one bad field does not hide the others' facts.
   */
  fields: Partial<OpenRouterListing>;
  /** Human-readable problems, each naming the annotation and the field. */
  warnings: string[];
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) {
      return undefined;
    }
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssue(
  root: unknown,
  issue: { code: string; path: PropertyKey[]; message: string },
): string {
  const path = issue.path.map(String).join('.');
  const message =
    issue.code === 'invalid_type' && valueAt(root, issue.path) === undefined
      ? 'is required'
      : issue.message;
  return `annotation ${OPENROUTER_ANNOTATION}: ${path || '(root)'}: ${message}`;
}

/**
 * Parses and validates a Model's `openrouter.ai/json` annotation. Never
 * throws: a missing, non-JSON or invalid annotation gives warnings. Pure.
 */
export function parseOpenRouterAnnotation(
  raw: string | undefined,
): ParsedOpenRouterAnnotation {
  if (raw === undefined || raw.trim() === '') {
    return {
      fields: {},
      warnings: [`annotation ${OPENROUTER_ANNOTATION} is missing`],
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return {
      fields: {},
      warnings: [
        `annotation ${OPENROUTER_ANNOTATION} is not valid JSON: ${
          (e as Error).message
        }`,
      ],
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      fields: {},
      warnings: [`annotation ${OPENROUTER_ANNOTATION} must be a JSON object`],
    };
  }

  const parsed = openRouterListingSchema.safeParse(value);
  const record = value as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  const shape = openRouterListingSchema.shape as Record<string, z.ZodTypeAny>;
  for (const [key, fieldSchema] of Object.entries(shape)) {
    if (record[key] === undefined) {
      continue;
    }
    const field = fieldSchema.safeParse(record[key]);
    if (field.success) {
      fields[key] = field.data;
    } else if (key === 'pricing' && typeof record.pricing === 'object') {
      const prices: Record<string, string> = {};
      for (const [name, price] of Object.entries(
        record.pricing as Record<string, unknown>,
      )) {
        if (
          (OPENROUTER_PRICE_KEYS as readonly string[]).includes(name) &&
          typeof price === 'string' &&
          DECIMAL_STRING.test(price)
        ) {
          prices[name] = price;
        }
      }
      fields.pricing = prices;
    }
  }

  if (parsed.success) {
    return { listing: parsed.data, fields: parsed.data, warnings: [] };
  }
  return {
    fields: fields as Partial<OpenRouterListing>,
    warnings: parsed.error.issues.map(issue => describeIssue(value, issue)),
  };
}
