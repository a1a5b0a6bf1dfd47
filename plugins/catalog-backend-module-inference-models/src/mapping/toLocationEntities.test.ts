import { testLocation, validateEntity } from '../__testUtils__/fixtures';
import { toLocationEntities } from './toLocationEntities';

describe('toLocationEntities', () => {
  const owner = 'group:default/inference-admins';
  const [cluster, gateway] = toLocationEntities(testLocation(), { owner });

  it('maps the location to its kubernetes-cluster Resource, the target of every model dependsOn', async () => {
    expect(cluster).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'stalpeni',
        namespace: 'stalpeni',
        title: 'Stalpeni (RO)',
        description:
          'K3s cluster of location Stalpeni (RO) (stalpeni.inferencebros.com), KubeAI in namespace kubeai',
        annotations: {
          'backstage.io/managed-by-location': 'inference-models:stalpeni',
          'backstage.io/managed-by-origin-location':
            'inference-models:stalpeni',
          'inference.bros/location': 'stalpeni',
        },
      },
      spec: {
        type: 'kubernetes-cluster',
        owner,
        lifecycle: 'production',
        location: 'stalpeni',
        domain: 'stalpeni.inferencebros.com',
        countryCode: 'RO',
        cluster: 'stalpeni-k3s',
        kubeaiNamespace: 'kubeai',
      },
    });
    await validateEntity(cluster);
  });

  it("maps the location's gateway to an openai API whose definition is an OpenAPI doc of Bifrost /v1", async () => {
    expect(gateway.kind).toBe('API');
    expect(gateway.metadata).toMatchObject({
      name: 'gateway',
      namespace: 'stalpeni',
      title: 'Stalpeni (RO) inference gateway',
      annotations: {
        'backstage.io/managed-by-location': 'inference-models:stalpeni',
        'inference.bros/gateway-url':
          'https://bifrost.stalpeni.inferencebros.com/v1',
      },
    });
    expect(gateway.spec).toMatchObject({
      type: 'openai',
      lifecycle: 'production',
      owner,
    });
    const definition = JSON.parse(gateway.spec!.definition as string);
    expect(definition.openapi).toBe('3.0.3');
    expect(definition.servers).toEqual([
      { url: 'https://bifrost.stalpeni.inferencebros.com/v1' },
    ]);
    expect(Object.keys(definition.paths)).toEqual([
      '/chat/completions',
      '/completions',
      '/embeddings',
      '/models',
    ]);
    await validateEntity(gateway);
  });
});
