import type { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const k3sInstallExamples: TemplateExample[] = [
  {
    description: 'Install the first server of stalpeni, pinned to a release',
    example: [
      'steps:',
      '  - id: k3s',
      '    action: baremetal:k3s:install',
      '    input:',
      '      location: stalpeni',
      '      server: node1',
      '      role: first-server',
      '      version: v1.33.5+k3s1',
      '',
    ].join('\n'),
  },
  {
    description: 'Join node3 as an agent, air-gapped, on the stable channel',
    example: [
      'steps:',
      '  - id: k3s',
      '    action: baremetal:k3s:install',
      '    input:',
      '      location: stalpeni',
      '      server: node3',
      '      role: agent',
      '      firstServer: node1',
      '      channel: stable',
      '      airGapped: true',
      '',
    ].join('\n'),
  },
];
