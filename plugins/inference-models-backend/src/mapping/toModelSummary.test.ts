import {
  chartKubeAiConfig,
  kubeAiCatalogModels,
} from '../__testUtils__/fixtures';
import { toModelSummary } from './toModelSummary';

/**
 * Every Model of KubeAI's own model catalog chart (charts/models/values.yaml)
 * as `GET /models` summarises it; the catalog module's kubeaiCatalog.test.ts
 * checks the same Models' entities.
 */
describe("toModelSummary of KubeAI's model catalog", () => {
  const kubeai = chartKubeAiConfig();

  it.each(kubeAiCatalogModels().map(m => [m.metadata.name, m] as const))(
    '%s carries the annotation and profile warnings',
    (_name, model) => {
      const [profile] = model.spec.resourceProfile!.split(':');
      const defined = profile in kubeai.resourceProfiles;
      const warnings = [
        'annotation openrouter.ai/json is missing',
        ...(defined
          ? []
          : [
              `spec.resourceProfile: location's KubeAI defines no profile '${profile}', so no Pod starts`,
            ]),
      ];
      expect(toModelSummary('stalpeni', model, kubeai).warnings).toEqual(
        warnings,
      );
    },
  );
});
