import { bareMetalPlugin } from './plugin';

describe('bare-metal', () => {
  it('should export plugin', () => {
    expect(bareMetalPlugin).toBeDefined();
  });
});
