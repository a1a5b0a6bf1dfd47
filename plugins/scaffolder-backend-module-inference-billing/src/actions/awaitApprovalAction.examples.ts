import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const awaitApprovalExamples: TemplateExample[] = [
  {
    description: 'Wait up to a day',
    example: [
      'steps:',
      '  - id: approval',
      '    action: inference:approval:await',
      '    input:',
      '      requestId: ${{ steps.request.output.requestId }}',
      '      timeoutMinutes: 1440',
      '',
    ].join('\n'),
  },
];
