import {
  gatewayApiEntityRef,
  locationEntityRef,
  modelEntityRef,
} from './entities';
import { inferenceModelsPermissions } from './permissions';

describe('entity refs', () => {
  it('puts every entity of a location in its namespace', () => {
    expect(locationEntityRef('stalpeni')).toBe('resource:stalpeni/stalpeni');
    expect(gatewayApiEntityRef('stalpeni')).toBe('api:stalpeni/gateway');
    expect(modelEntityRef('stalpeni', 'qwen25-05b-instruct')).toBe(
      'resource:stalpeni/qwen25-05b-instruct',
    );
  });
});

describe('permissions', () => {
  it('has the read, create, update, delete and refresh permissions', () => {
    expect(inferenceModelsPermissions.map(p => p.name)).toEqual([
      'inference.model.read',
      'inference.model.create',
      'inference.model.update',
      'inference.model.delete',
      'inference.model.refresh',
    ]);
  });
});
