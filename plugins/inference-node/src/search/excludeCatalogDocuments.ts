import { Transform } from 'node:stream';

/** The document type of the catalog collator (`@backstage/plugin-search-backend-module-catalog`). */
export const CATALOG_DOCUMENT_TYPE = 'software-catalog';

/**
 * The fields of a catalog collator document this filter reads: the default
 * entity transformer writes the entity's `kind` and its `spec.type` as
 * `type` (plugin-search-backend-module-catalog,
 * src/collators/defaultCatalogCollatorEntityTransformer.ts).
 */
type CatalogDocumentFields = { kind?: unknown; type?: unknown };

/** A search document decorator factory (`DocumentDecoratorFactory` of `@backstage/plugin-search-common`). */
export type CatalogDocumentExclusion = {
  readonly types: string[];
  getDecorator(): Promise<Transform>;
};

/**
 * Drops, from the catalog collator's documents, the entities an inference
 * collator already indexes with richer text and its location (Models,
 * servers). Without it a search lists each of them twice, and with Lunr both
 * documents share one `location` (Lunr's document ref), so one document's
 * highlight positions were applied to the other's text and marked the wrong
 * letters.
 *
 * Register it with `searchIndexRegistryExtensionPoint.addDecorator`.
 */
export function excludeCatalogDocuments(options: {
  /** Entity kind, compared case-insensitively (e.g. `Resource`). */
  kind: string;
  /** The `spec.type` values to drop (e.g. `ai-model`). */
  specTypes: string[];
}): CatalogDocumentExclusion {
  const kind = options.kind.toLocaleLowerCase('en-US');
  const specTypes = new Set(options.specTypes);
  const excluded = (document: CatalogDocumentFields) =>
    typeof document.kind === 'string' &&
    document.kind.toLocaleLowerCase('en-US') === kind &&
    typeof document.type === 'string' &&
    specTypes.has(document.type);
  return {
    types: [CATALOG_DOCUMENT_TYPE],
    async getDecorator() {
      return new Transform({
        objectMode: true,
        transform(document: CatalogDocumentFields, _encoding, done) {
          if (excluded(document)) {
            done();
          } else {
            done(null, document);
          }
        },
      });
    },
  };
}
