import {
  DECIMAL_STRING,
  openRouterListingSchema,
  parseOpenRouterAnnotation,
} from './openRouter';

const valid = {
  id: 'qwen25-05b-instruct',
  hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct',
  name: 'Qwen2.5-0.5B-Instruct',
  created: 1690502400,
  input_modalities: ['text'],
  output_modalities: ['text'],
  quantization: 'bf16',
  context_length: 4096,
  max_output_length: 1024,
  pricing: { prompt: '0.000008', completion: '0.000024', image: '0' },
  supported_sampling_parameters: ['temperature', 'stop'],
  supported_features: ['tools'],
  datacenters: [{ country_code: 'RO' }],
};

const parse = (value: unknown) =>
  parseOpenRouterAnnotation(
    typeof value === 'string' ? value : JSON.stringify(value),
  );

describe('DECIMAL_STRING', () => {
  it.each(['0', '1', '0.000008', '12.5', '0.0000000001'])('accepts %s', v =>
    expect(v).toMatch(DECIMAL_STRING),
  );
  it.each(['8e-6', '1E-7', '-1', '.5', '1.', '01', '0x10', ' 1', '1,5', ''])(
    'rejects %j',
    v => expect(v).not.toMatch(DECIMAL_STRING),
  );
});

describe('parseOpenRouterAnnotation', () => {
  it('accepts a valid listing, dropping unknown top-level keys', () => {
    const result = parse({ ...valid, something_new: true });
    expect(result.warnings).toEqual([]);
    expect(result.listing).toEqual(valid);
    expect(result.fields).toEqual(valid);
  });

  it('warns about a missing, empty or non-JSON annotation', () => {
    expect(parseOpenRouterAnnotation(undefined).warnings).toEqual([
      'annotation openrouter.ai/json is missing',
    ]);
    expect(parseOpenRouterAnnotation('  ').warnings).toEqual([
      'annotation openrouter.ai/json is missing',
    ]);
    expect(parseOpenRouterAnnotation('{').warnings[0]).toMatch(
      /^annotation openrouter.ai\/json is not valid JSON: /,
    );
    expect(parse('"text"').warnings).toEqual([
      'annotation openrouter.ai/json must be a JSON object',
    ]);
  });

  it.each([
    ['id', { id: '' }, 'id: must not be empty'],
    ['created', { created: 1.5 }, 'created: must be an integer'],
    ['created', { created: '1690502400' }, 'created: must be an integer'],
    [
      'max_output_length',
      { max_output_length: 0 },
      'max_output_length: must be positive',
    ],
    [
      'input_modalities',
      { input_modalities: ['smell'] },
      'input_modalities.0: must be one of text, image, file, audio, video',
    ],
    ['output_modalities', { output_modalities: [] }, 'output_modalities: '],
    [
      'supported_features',
      { supported_features: ['telepathy'] },
      'supported_features.0: must be one of tools, ',
    ],
    [
      'supported_sampling_parameters',
      { supported_sampling_parameters: ['creativity'] },
      'supported_sampling_parameters.0: must be one of temperature, ',
    ],
    [
      'pricing',
      { pricing: { completion: '0' } },
      'pricing.prompt: is required',
    ],
    [
      'pricing',
      { pricing: { prompt: '1e-7', completion: '0' } },
      'pricing.prompt: must be a non-negative decimal string',
    ],
    [
      'pricing',
      { pricing: { prompt: '-0.1', completion: '0' } },
      'pricing.prompt: must be a non-negative decimal string',
    ],
    [
      'deprecation_date',
      { deprecation_date: '01/02/2026' },
      'deprecation_date: must be YYYY-MM-DD',
    ],
    [
      'datacenters',
      { datacenters: [{ country_code: 'ROU' }] },
      'datacenters.0.country_code: must be an ISO 3166-1 alpha-2 code',
    ],
  ])('rejects a bad %s', (_field, patch, message) => {
    const result = parse({ ...valid, ...patch });
    expect(result.listing).toBeUndefined();
    expect(result.warnings).toEqual([
      expect.stringContaining(`annotation openrouter.ai/json: ${message}`),
    ]);
  });

  it('requires hugging_face_id, which may be empty', () => {
    const { hugging_face_id: _omitted, ...rest } = valid;
    expect(parse(rest).warnings).toEqual([
      'annotation openrouter.ai/json: hugging_face_id: is required',
    ]);
    expect(parse({ ...valid, hugging_face_id: '' }).listing).toBeDefined();
  });

  it('keeps the valid fields and prices of an invalid listing', () => {
    const result = parse({
      ...valid,
      quantization: 'q4_k_m',
      pricing: { prompt: 0.1, completion: '0.2', input_cache_reads: '0' },
    });
    expect(result.listing).toBeUndefined();
    expect(result.fields.quantization).toBeUndefined();
    expect(result.fields.context_length).toBe(4096);
    expect(result.fields.pricing).toEqual({ completion: '0.2' });
    expect(result.warnings).toHaveLength(3);
  });

  it('is the schema the listing endpoint promises', () => {
    expect(openRouterListingSchema.safeParse(valid).success).toBe(true);
  });
});
