/** The search document types of the inference plugins' collators. */
export const INFERENCE_RESULT_TYPES = [
  { value: 'inference-model', name: 'Models' },
  { value: 'inference-customer', name: 'Customers' },
  { value: 'bare-metal-server', name: 'Servers' },
] as const;
