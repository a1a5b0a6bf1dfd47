import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const nodeUncordonExamples: TemplateExample[] = [
  {
    description: 'uncordon node2 of the stalpeni location',
    example:
      'steps:\n  - id: uncordon\n    action: baremetal:node:uncordon\n    input:\n      location: stalpeni\n      node: node2\n',
  },
];
