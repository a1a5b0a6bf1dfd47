import { locationFilter } from './locationFilter';

describe('locationFilter', () => {
  it('offers each location by title and name', () => {
    expect(
      locationFilter([
        { name: 'local', title: 'Local sandbox' },
        { name: 'pr', title: 'Puerto Rico' },
      ]),
    ).toEqual({
      name: 'location',
      label: 'Location',
      options: [
        { id: 'local', label: 'Local sandbox (local)' },
        { id: 'pr', label: 'Puerto Rico (pr)' },
      ],
    });
  });

  it('offers nothing while the locations are not known', () => {
    expect(locationFilter(undefined).options).toEqual([]);
  });
});
