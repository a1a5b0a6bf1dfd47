import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const createModelExamples: TemplateExample[] = [
  {
    description: 'Qwen 2.5 0.5B on vLLM with one older NVIDIA GPU',
    example: [
      'steps:',
      '  - id: create',
      '    action: inference:model:create',
      '    input:',
      '      location: local',
      '      name: qwen25-05b-instruct',
      '      source: Qwen/Qwen2.5-0.5B-Instruct',
      '      engine: VLLM',
      '      resourceProfile: nvidia-older-unlimited',
      '      gpuCount: 1',
      '      minReplicas: 1',
      '      maxReplicas: 1',
      '      promptPricePer1M: "8"',
      '      completionPricePer1M: "24"',
      '      contextLength: 4096',
      '      maxOutputLength: 1024',
      '      quantization: bf16',
      '',
    ].join('\n'),
  },
];
