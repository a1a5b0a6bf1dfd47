import { inferenceBillingPlugin } from './plugin';

describe('inference-billing', () => {
  it('should export plugin', () => {
    expect(inferenceBillingPlugin).toBeDefined();
  });
});
