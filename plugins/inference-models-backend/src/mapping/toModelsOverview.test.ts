import { NOT_READY_NAMES, toModelsOverview } from './toModelsOverview';

const model = (
  name: string,
  status: 'Ready' | 'Scaling' | 'ScaledToZero',
  ready: number,
  desired: number,
) => ({ name, status, replicas: { ready, desired } });

describe('toModelsOverview', () => {
  it('counts ready, scaled-to-zero and not-ready Models and sums replicas', () => {
    expect(
      toModelsOverview([
        model('b-scaling', 'Scaling', 1, 3),
        model('ready', 'Ready', 2, 2),
        model('idle', 'ScaledToZero', 0, 0),
        model('a-pending', 'Scaling', 0, 1),
      ]),
    ).toEqual({
      total: 4,
      ready: 1,
      scaledToZero: 1,
      notReady: ['a-pending', 'b-scaling'],
      notReadyCount: 2,
      replicas: { ready: 3, desired: 6 },
    });
  });

  it('answers zeros for a location without Models', () => {
    expect(toModelsOverview([])).toEqual({
      total: 0,
      ready: 0,
      scaledToZero: 0,
      notReady: [],
      notReadyCount: 0,
      replicas: { ready: 0, desired: 0 },
    });
  });

  it('lists at most NOT_READY_NAMES names but counts them all', () => {
    const many = Array.from({ length: NOT_READY_NAMES + 5 }, (_, i) =>
      model(`m${String(i).padStart(3, '0')}`, 'Scaling', 0, 1),
    );
    const overview = toModelsOverview(many);
    expect(overview.notReady).toHaveLength(NOT_READY_NAMES);
    expect(overview.notReady[0]).toBe('m000');
    expect(overview.notReadyCount).toBe(NOT_READY_NAMES + 5);
  });
});
