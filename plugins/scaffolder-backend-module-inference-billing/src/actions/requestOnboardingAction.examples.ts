import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const requestOnboardingExamples: TemplateExample[] = [
  {
    description: 'Onboard a company in the local location',
    example: [
      'steps:',
      '  - id: request',
      '    action: inference:customer:requestOnboarding',
      '    input:',
      '      companyName: Initech SRL',
      '      contactEmail: billing@initech.example',
      '      vatId: RO12345678',
      '      country: RO',
      '      locations: [local]',
      '      budgetUsd: 500',
      '      requestsPerMinute: 60',
      '      tokensPerMinute: 100000',
      '      allowedModels: [resource:local/qwen25-05b-instruct]',
      '      currency: EUR',
      '      notes: Pilot for three months',
      '',
    ].join('\n'),
  },
];
