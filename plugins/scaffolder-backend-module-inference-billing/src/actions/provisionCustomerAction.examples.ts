import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const provisionCustomerExamples: TemplateExample[] = [
  {
    description: 'After the approval step',
    example: [
      'steps:',
      '  - id: provision',
      '    action: inference:customer:provision',
      '    input:',
      '      requestId: ${{ steps.request.output.requestId }}',
      '',
    ].join('\n'),
  },
];
