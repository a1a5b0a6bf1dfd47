/*
 * The KubeAI Models of the `stalpeni` and `pr` sandbox locations. Some carry
 * the name of a Model in another location (qwen25-05b-instruct runs in all
 * three, llama-31-8b-instruct in local and stalpeni, the Ollama Qwen and
 * nomic-embed-text in local and pr) at that location's own price, as the same
 * model is sold at a different price where GPUs and power cost differently.
 * Every Model here is priced, so that every month with usage can be invoiced.
 * Display names say the location where the same model runs elsewhere, so
 * that pickers listing every location's Models tell them apart.
 */
import { listing, SandboxModelManifest, textPricing } from './models';

function model(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string>,
): SandboxModelManifest {
  return {
    apiVersion: 'kubeai.org/v1',
    kind: 'Model',
    metadata: { name, namespace, annotations },
    spec,
  };
}

const chatSampling = ['temperature', 'top_p', 'stop', 'seed', 'max_tokens'];

/** stalpeni (RO, EUR): RTX 3090s and RTX A6000s, the larger models. */
export function stalpeniModels(namespace: string): SandboxModelManifest[] {
  const where = { location: 'stalpeni', countryCode: 'RO' };
  return [
    model(
      namespace,
      'qwen25-05b-instruct',
      {
        engine: 'VLLM',
        args: ['--max-model-len=4096', '--gpu-memory-utilization=0.85'],
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 2,
        resourceProfile: 'nvidia-older-unlimited:1',
        url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
        cacheProfile: 'storage',
      },
      listing(
        'qwen25-05b-instruct',
        {
          hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct',
          name: 'Qwen2.5-0.5B-Instruct (stalpeni)',
          created: 1690502400,
          input_modalities: ['text'],
          output_modalities: ['text'],
          quantization: 'bf16',
          context_length: 4096,
          max_output_length: 1024,
          pricing: textPricing('0.000006', '0.000018'),
          supported_sampling_parameters: chatSampling,
          supported_features: ['tools', 'json_mode', 'structured_outputs'],
        },
        where,
      ),
    ),
    model(
      namespace,
      'llama-31-8b-instruct',
      {
        engine: 'VLLM',
        args: ['--max-model-len=32768', '--gpu-memory-utilization=0.9'],
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 2,
        resourceProfile: 'nvidia-older-unlimited:1',
        url: 'hf://meta-llama/Llama-3.1-8B-Instruct',
        cacheProfile: 'storage',
      },
      listing(
        'llama-31-8b-instruct',
        {
          hugging_face_id: 'meta-llama/Llama-3.1-8B-Instruct',
          name: 'Llama 3.1 8B Instruct (stalpeni)',
          created: 1721692800,
          input_modalities: ['text'],
          output_modalities: ['text'],
          quantization: 'bf16',
          context_length: 32768,
          max_output_length: 4096,
          pricing: textPricing('0.00000004', '0.00000007'),
          supported_sampling_parameters: chatSampling,
          supported_features: ['tools', 'json_mode', 'structured_outputs'],
        },
        where,
      ),
    ),
    model(
      namespace,
      'qwen25-32b-instruct-awq',
      {
        engine: 'VLLM',
        args: ['--max-model-len=16384', '--quantization=awq'],
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'nvidia-unlimited:2',
        url: 'hf://Qwen/Qwen2.5-32B-Instruct-AWQ',
        cacheProfile: 'storage',
      },
      listing(
        'qwen25-32b-instruct-awq',
        {
          hugging_face_id: 'Qwen/Qwen2.5-32B-Instruct-AWQ',
          name: 'Qwen2.5-32B-Instruct (AWQ)',
          created: 1726444800,
          input_modalities: ['text'],
          output_modalities: ['text'],
          quantization: 'int4',
          context_length: 16384,
          max_output_length: 4096,
          pricing: textPricing('0.0000002', '0.0000006'),
          supported_sampling_parameters: chatSampling,
          supported_features: ['tools', 'json_mode'],
          description: 'Two RTX A6000s per replica',
        },
        where,
      ),
    ),
    model(
      namespace,
      'bge-m3',
      {
        engine: 'Infinity',
        features: ['TextEmbedding'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'cpu-unlimited:1',
        url: 'hf://BAAI/bge-m3',
      },
      listing(
        'bge-m3',
        {
          hugging_face_id: 'BAAI/bge-m3',
          name: 'BGE M3',
          created: 1706659200,
          input_modalities: ['text'],
          output_modalities: ['embeddings'],
          quantization: 'fp32',
          context_length: 8192,
          max_output_length: 1,
          pricing: textPricing('0.00000002', '0'),
          supported_sampling_parameters: [],
          supported_features: [],
        },
        where,
      ),
    ),
  ];
}

/** pr (PR, USD): one small GPU and CPU-only nodes, so small models. */
export function prModels(namespace: string): SandboxModelManifest[] {
  const where = { location: 'pr', countryCode: 'PR' };
  return [
    model(
      namespace,
      'qwen25-05b-instruct',
      {
        engine: 'VLLM',
        args: [
          '--gpu-memory-utilization=0.8',
          '--dtype=half',
          '--max-model-len=2048',
        ],
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'nvidia-unlimited:1',
        url: 'hf://Qwen/Qwen2.5-0.5B-Instruct',
      },
      listing(
        'qwen25-05b-instruct',
        {
          hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct',
          name: 'Qwen2.5-0.5B-Instruct (pr)',
          created: 1690502400,
          input_modalities: ['text'],
          output_modalities: ['text'],
          quantization: 'fp16',
          context_length: 2048,
          max_output_length: 1024,
          pricing: textPricing('0.00001', '0.00003'),
          supported_sampling_parameters: chatSampling,
          supported_features: ['json_mode'],
        },
        where,
      ),
    ),
    model(
      namespace,
      'qwen25-05b-instruct-ollama',
      {
        engine: 'OLlama',
        features: ['TextGeneration'],
        minReplicas: 1,
        maxReplicas: 3,
        resourceProfile: 'cpu-unlimited:1',
        url: 'ollama://hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:qwen2.5-0.5b-instruct-q4_k_m.gguf',
      },
      listing(
        'qwen25-05b-instruct-ollama',
        {
          hugging_face_id: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
          name: 'Qwen2.5-0.5B-Instruct (Ollama, Q4_K_M, pr)',
          created: 1690502400,
          input_modalities: ['text'],
          output_modalities: ['text'],
          quantization: 'int4',
          context_length: 4096,
          max_output_length: 1024,
          pricing: textPricing('0.000003', '0.000009'),
          supported_sampling_parameters: chatSampling,
          supported_features: ['json_mode'],
        },
        where,
      ),
    ),
    model(
      namespace,
      'nomic-embed-text',
      {
        engine: 'OLlama',
        features: ['TextEmbedding'],
        minReplicas: 1,
        maxReplicas: 1,
        resourceProfile: 'cpu-avx2-unlimited:1',
        url: 'ollama://nomic-embed-text',
      },
      listing(
        'nomic-embed-text',
        {
          hugging_face_id: 'nomic-ai/nomic-embed-text-v1.5',
          name: 'Nomic Embed Text v1.5 (pr)',
          created: 1707782400,
          input_modalities: ['text'],
          output_modalities: ['embeddings'],
          quantization: 'fp16',
          context_length: 8192,
          max_output_length: 1,
          pricing: textPricing('0.00000002', '0'),
          supported_sampling_parameters: [],
          supported_features: [],
        },
        where,
      ),
    ),
  ];
}
