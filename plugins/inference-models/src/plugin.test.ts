import { inferenceModelsPlugin } from './plugin';

describe('inference-models', () => {
  it('should export plugin', () => {
    expect(inferenceModelsPlugin).toBeDefined();
  });
});
