import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const nodeCordonExamples: TemplateExample[] = [
  {
    description: 'cordon node2 of the stalpeni location',
    example:
      'steps:\n  - id: cordon\n    action: baremetal:node:cordon\n    input:\n      location: stalpeni\n      node: node2\n',
  },
];
