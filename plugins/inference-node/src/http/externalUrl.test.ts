import { externalUrl } from './externalUrl';

describe('externalUrl', () => {
  it('keeps the base URL path prefix, with or without a trailing slash', () => {
    for (const base of [
      'https://gw.example.com/bifrost',
      'https://gw.example.com/bifrost/',
    ]) {
      expect(externalUrl(base, '/api/customers?limit=5').toString()).toBe(
        'https://gw.example.com/bifrost/api/customers?limit=5',
      );
    }
    expect(
      externalUrl('http://127.0.0.1:8080', '/web/version').toString(),
    ).toBe('http://127.0.0.1:8080/web/version');
    expect(
      externalUrl('https://odoo.example.com/', '/web#id=3&model=x').toString(),
    ).toBe('https://odoo.example.com/web#id=3&model=x');
  });

  it('never leaves the configured origin', () => {
    expect(() =>
      externalUrl('https://gw.example.com', '//evil.example/x'),
    ).toThrow(/single '\/'/);
    expect(() =>
      externalUrl('https://gw.example.com', 'http://evil/x'),
    ).toThrow(/single '\/'/);
    expect(
      externalUrl('https://gw.example.com/p', '/%2F%2Fevil.example').host,
    ).toBe('gw.example.com');
  });
});
