import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const deleteModelExamples: TemplateExample[] = [
  {
    description: 'Retire a model',
    example:
      'steps:\n  - id: delete\n    action: inference:model:delete\n    input:\n      location: local\n      name: qwen25-05b-instruct\n',
  },
];
