import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type {
  DocumentCollatorFactory,
  DocumentDecoratorFactory,
} from '@backstage/plugin-search-common';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { searchModuleBareMetal } from './module';

describe('searchModuleBareMetal', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  it('indexes servers and drops their duplicates from the catalog collator', async () => {
    const collators: DocumentCollatorFactory[] = [];
    const decorators: DocumentDecoratorFactory[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          searchIndexRegistryExtensionPoint,
          {
            addCollator: ({ factory }: { factory: DocumentCollatorFactory }) =>
              collators.push(factory),
            addDecorator: ({
              factory,
            }: {
              factory: DocumentDecoratorFactory;
            }) => decorators.push(factory),
          },
        ],
      ],
      features: [
        searchModuleBareMetal,
        mockServices.rootConfig.factory({ data: sandbox.config as any }),
      ],
    });
    expect(collators.map(c => c.type)).toEqual(['bare-metal-server']);

    // The catalog collator's documents of a location (as its default entity
    // transformer writes them: entity kind, spec.type as `type`).
    const catalogDocuments = [
      { title: 'node1', kind: 'Resource', type: 'bare-metal-server' },
      { title: 'local', kind: 'Resource', type: 'kubernetes-cluster' },
      { title: 'guest', kind: 'User', type: 'other' },
    ].map(d => ({ ...d, text: '', location: `/catalog/x/${d.title}` }));
    const applied = await Promise.all(
      decorators
        .filter(d => !d.types || d.types.includes('software-catalog'))
        .map(d => d.getDecorator()),
    );
    const kept: string[] = [];
    await pipeline([
      Readable.from(catalogDocuments),
      ...applied,
      async function collect(source: AsyncIterable<{ title: string }>) {
        for await (const document of source) kept.push(document.title);
      },
    ]);
    expect(kept).toEqual(['local', 'guest']);

    // Its own documents are left alone.
    const own = decorators.filter(
      d => !d.types || d.types.includes('bare-metal-server'),
    );
    expect(own).toHaveLength(0);
  });
});
