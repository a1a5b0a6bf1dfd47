import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CATALOG_DOCUMENT_TYPE,
  excludeCatalogDocuments,
} from './excludeCatalogDocuments';

async function run(
  factory: ReturnType<typeof excludeCatalogDocuments>,
  documents: object[],
): Promise<object[]> {
  const out: object[] = [];
  await pipeline(
    Readable.from(documents),
    await factory.getDecorator(),
    async function collect(source: AsyncIterable<object>) {
      for await (const document of source) out.push(document);
    },
  );
  return out;
}

describe('excludeCatalogDocuments', () => {
  const doc = (kind: string, type: string, name: string) => ({
    title: name,
    text: '',
    kind,
    type,
    location: `/catalog/local/${kind.toLowerCase()}/${name}`,
  });

  it('applies to the catalog collator documents only', () => {
    expect(
      excludeCatalogDocuments({ kind: 'Resource', specTypes: ['ai-model'] })
        .types,
    ).toEqual([CATALOG_DOCUMENT_TYPE]);
  });

  it('drops the entities of the given kind and spec types and keeps the others', async () => {
    const kept = await run(
      excludeCatalogDocuments({ kind: 'resource', specTypes: ['ai-model'] }),
      [
        doc('Resource', 'ai-model', 'qwen'),
        doc('Resource', 'kubernetes-cluster', 'local'),
        doc('Resource', 'bare-metal-server', 'node1'),
        doc('Component', 'ai-model', 'not-a-resource'),
        doc('API', 'openai', 'gateway'),
      ],
    );
    expect(kept.map(d => (d as { title: string }).title)).toEqual([
      'local',
      'node1',
      'not-a-resource',
      'gateway',
    ]);
  });
});
