/*
 * The sandbox location's KubeAI Models: the two variants from the platform
 * README (Qwen2.5-0.5B-Instruct on vLLM and on Ollama) and realistic others,
 * one per engine and feature, one scaled to zero, and one whose
 * `openrouter.ai/json` annotation is missing so validation warnings show.
 */

interface OpenRouterListing {
  id: string;
  hugging_face_id: string;
  name: string;
  created: number;
  input_modalities: string[];
  output_modalities: string[];
  quantization: string;
  context_length: number;
  max_output_length: number;
  pricing: Record<string, string>;
  supported_sampling_parameters: string[];
  supported_features: string[];
  description?: string;
  openrouter?: { slug: string };
  datacenters?: Array<{ country_code: string }>;
}

export interface SandboxModelManifest {
  apiVersion: 'kubeai.org/v1';
  kind: 'Model';
  metadata: {
    name: string;
    namespace: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: Record<string, unknown>;
}

/** The `openrouter.ai/json` annotation of a Model served from `location`. */
export function listing(
  name: string,
  fields: Omit<OpenRouterListing, 'id' | 'openrouter' | 'datacenters'>,
  where: { location: string; countryCode: string } = {
    location: 'local',
    countryCode: 'RO',
  },
): Record<string, string> {
  const value: OpenRouterListing = {
    id: name,
    ...fields,
    openrouter: { slug: `inferencebros-${where.location}/${name}` },
    datacenters: [{ country_code: where.countryCode }],
  };
  return { 'openrouter.ai/json': JSON.stringify(value, null, 2) };
}

export const textPricing = (prompt: string, completion: string) => ({
  prompt,
  completion,
  image: '0',
  request: '0',
  input_cache_read: '0',
  input_cache_write: '0',
});

export function sandboxModels(namespace: string): SandboxModelManifest[] {
  const model = (
    name: string,
    spec: Record<string, unknown>,
    annotations?: Record<string, string>,
  ): SandboxModelManifest => ({
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
    spec,
  });

  return [
    // The seed README's example, verbatim.
    model(
      'qwen25-05b-instruct',
      {
        engine: 'VLLM',
        args: [
          '--gpu-memory-utilization=0.85',
          '--dtype=half',
          '--enforce-eager',
          '--max-model-len=2048',
        ],
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'nvidia-older-unlimited:1',
        url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
        cacheProfile: 'storage',
      },
      listing('qwen25-05b-instruct', {
        hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct',
        name: 'Qwen2.5-0.5B-Instruct',
        created: 1690502400,
        input_modalities: ['text'],
        output_modalities: ['text'],
        quantization: 'bf16',
        context_length: 4096,
        max_output_length: 1024,
        pricing: textPricing('0.000008', '0.000024'),
        supported_sampling_parameters: ['temperature', 'stop'],
        supported_features: ['tools', 'json_mode', 'structured_outputs'],
        description: "Qwen's most used model",
      }),
    ),
    // The README's Ollama variant of the same model.
    model(
      'qwen25-05b-instruct-ollama',
      {
        engine: 'OLlama',
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 2,
        resourceProfile: 'cpu-unlimited:1',
        url: 'ollama://hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:qwen2.5-0.5b-instruct-q4_k_m.gguf',
      },
      listing('qwen25-05b-instruct-ollama', {
        hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
        name: 'Qwen2.5-0.5B-Instruct (Ollama, Q4_K_M)',
        created: 1690502400,
        input_modalities: ['text'],
        output_modalities: ['text'],
        quantization: 'int4',
        context_length: 4096,
        max_output_length: 1024,
        pricing: textPricing('0.000002', '0.000006'),
        supported_sampling_parameters: ['temperature', 'top_p', 'stop', 'seed'],
        supported_features: ['json_mode'],
        description: 'Qwen2.5 0.5B quantised to 4 bits, served on CPU',
      }),
    ),
    model(
      'llama-31-8b-instruct',
      {
        engine: 'VLLM',
        args: ['--max-model-len=16384', '--gpu-memory-utilization=0.9'],
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 2,
        resourceProfile: 'nvidia-unlimited:1',
        url: 'hf://meta-llama/Llama-3.1-8B-Instruct',
        cacheProfile: 'storage',
      },
      listing('llama-31-8b-instruct', {
        hugging_face_id: 'meta-llama/Llama-3.1-8B-Instruct',
        name: 'Llama 3.1 8B Instruct',
        created: 1721692800,
        input_modalities: ['text'],
        output_modalities: ['text'],
        quantization: 'bf16',
        context_length: 16384,
        max_output_length: 4096,
        pricing: textPricing('0.00000005', '0.00000008'),
        supported_sampling_parameters: [
          'temperature',
          'top_p',
          'top_k',
          'frequency_penalty',
          'presence_penalty',
          'repetition_penalty',
          'stop',
          'seed',
          'max_tokens',
        ],
        supported_features: ['tools', 'json_mode', 'structured_outputs'],
        description: "Meta's 8B instruction-tuned Llama 3.1",
      }),
    ),
    model(
      'gemma-2-9b-it',
      {
        engine: 'VLLM',
        features: ['TextGeneration'],
        minReplicas: 0,
        maxReplicas: 1,
        resourceProfile: 'nvidia-unlimited:2',
        url: 'hf://google/gemma-2-9b-it',
      },
      listing('gemma-2-9b-it', {
        hugging_face_id: 'google/gemma-2-9b-it',
        name: 'Gemma 2 9B IT',
        created: 1719446400,
        input_modalities: ['text'],
        output_modalities: ['text'],
        quantization: 'bf16',
        context_length: 8192,
        max_output_length: 2048,
        pricing: textPricing('0.0000001', '0.0000003'),
        supported_sampling_parameters: ['temperature', 'top_p', 'stop'],
        supported_features: ['json_mode'],
        description: 'Scaled to zero until requested',
      }),
    ),
    model(
      'nomic-embed-text',
      {
        engine: 'OLlama',
        features: ['TextEmbedding'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'cpu-avx2-unlimited:1',
        url: 'ollama://nomic-embed-text',
      },
      listing('nomic-embed-text', {
        hugging_face_id: 'nomic-ai/nomic-embed-text-v1.5',
        name: 'Nomic Embed Text v1.5',
        created: 1707782400,
        input_modalities: ['text'],
        output_modalities: ['embeddings'],
        quantization: 'fp16',
        context_length: 8192,
        max_output_length: 1,
        pricing: textPricing('0.00000001', '0'),
        supported_sampling_parameters: [],
        supported_features: [],
        description: 'Text embeddings',
      }),
    ),
    model(
      'bge-reranker-base',
      {
        engine: 'Infinity',
        features: ['Reranking'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'cpu-unlimited:1',
        url: 'hf://BAAI/bge-reranker-base',
      },
      listing('bge-reranker-base', {
        hugging_face_id: 'BAAI/bge-reranker-base',
        name: 'BGE Reranker Base',
        created: 1694995200,
        input_modalities: ['text'],
        output_modalities: ['rerank'],
        quantization: 'fp32',
        context_length: 512,
        max_output_length: 1,
        pricing: textPricing('0.00000001', '0'),
        supported_sampling_parameters: [],
        supported_features: [],
      }),
    ),
    model(
      'faster-whisper-medium-en',
      {
        engine: 'FasterWhisper',
        features: ['SpeechToText'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'nvidia-older-unlimited:1',
        url: 'hf://Systran/faster-whisper-medium.en',
      },
      listing('faster-whisper-medium-en', {
        hugging_face_id: 'Systran/faster-whisper-medium.en',
        name: 'Faster Whisper Medium (English)',
        created: 1700000000,
        input_modalities: ['audio'],
        output_modalities: ['transcription'],
        quantization: 'fp16',
        context_length: 448,
        max_output_length: 448,
        pricing: textPricing('0.000001', '0.000001'),
        supported_sampling_parameters: ['temperature'],
        supported_features: [],
      }),
    ),
    // Deployed by hand, without the OpenRouter annotation: shows up with a warning.
    model('deepseek-r1-distill-qwen-15b', {
      engine: 'VLLM',
      features: ['TextGeneration'],
      minReplicas: 1,
      maxReplicas: 1,
      resourceProfile: 'nvidia-unlimited:1',
      url: 'hf://deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B',
      args: ['--max-model-len=8192'],
    }),
  ];
}

/** USD per token for each priced sandbox model, from its annotation. */
export function sandboxPrices(
  models: SandboxModelManifest[],
): Map<string, { prompt: string; completion: string }> {
  const prices = new Map<string, { prompt: string; completion: string }>();
  for (const m of models) {
    const raw = m.metadata.annotations?.['openrouter.ai/json'];
    if (raw) {
      const parsed = JSON.parse(raw) as OpenRouterListing;
      prices.set(m.metadata.name, {
        prompt: parsed.pricing.prompt,
        completion: parsed.pricing.completion,
      });
    }
  }
  return prices;
}
