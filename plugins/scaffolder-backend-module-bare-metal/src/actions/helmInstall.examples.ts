import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const helmInstallExamples: TemplateExample[] = [
  {
    description: 'Install ingress-nginx on the stalpeni location',
    example: [
      'steps:',
      '  - id: helm',
      '    action: baremetal:helm:install',
      '    input:',
      '      location: stalpeni',
      '      name: ingress-nginx',
      '      repo: https://kubernetes.github.io/ingress-nginx',
      '      chart: ingress-nginx',
      '      version: 4.11.3',
      '      targetNamespace: ingress-nginx',
      '      createNamespace: true',
      '      valuesYaml: |',
      '        controller:',
      '          replicaCount: 2',
      '      wait: true',
      '      timeoutSeconds: 600',
      '',
    ].join('\n'),
  },
];
