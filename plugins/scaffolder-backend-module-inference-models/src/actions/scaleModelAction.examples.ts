import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const scaleModelExamples: TemplateExample[] = [
  {
    description: 'Keep one to three replicas of a model',
    example:
      'steps:\n  - id: scale\n    action: inference:model:scale\n    input:\n      location: local\n      name: qwen25-05b-instruct\n      minReplicas: 1\n      maxReplicas: 3\n',
  },
];
