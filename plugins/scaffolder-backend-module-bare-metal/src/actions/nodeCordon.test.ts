import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ConfigInferenceLocationsService } from '@internal/backstage-plugin-inference-node';
import { startSandbox, type Sandbox } from '@internal/test-emulators';
import { validate, type Schema } from 'jsonschema';
import { createNodeCordonAction } from './nodeCordon';
import { createNodeUncordonAction } from './nodeUncordon';

describe('baremetal:node:cordon / uncordon', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ days: 1, modelReadyDelayMs: 0 });
  });
  afterAll(() => sandbox.close());

  function actions(
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const permissions = mockServices.permissions.mock();
    permissions.authorize.mockResolvedValue([{ result }]);
    const options = {
      locations: ConfigInferenceLocationsService.fromConfig(
        new ConfigReader(sandbox.config as any),
      ),
      permissions,
    };
    const cordon = createNodeCordonAction(options);
    const uncordon = createNodeUncordonAction(options);
    return { cordon, uncordon, permissions };
  }

  const unschedulable = () =>
    sandbox.kubernetes.get<any>('v1', 'Node', undefined, 'node2')?.spec
      ?.unschedulable === true;

  // createMockActionContext ignores isDryRun: set it on the result.
  type Context = Parameters<
    ReturnType<typeof createNodeCordonAction>['handler']
  >[0];
  const context = (
    input: { location: string; node: string },
    isDryRun = false,
  ) =>
    ({
      ...createMockActionContext({ input }),
      isDryRun,
      getInitiatorCredentials: async () => mockCredentials.user(),
    } as unknown as Context);

  it('cordons and uncordons a node, and a repeat changes nothing', async () => {
    const { cordon, uncordon } = actions();
    const ctx = context({ location: 'local', node: 'node2' });
    await cordon.handler(ctx);
    expect(unschedulable()).toBe(true);
    expect(ctx.output).toHaveBeenCalledWith('changed', true);

    const again = context({ location: 'local', node: 'node2' });
    await cordon.handler(again);
    expect(again.output).toHaveBeenCalledWith('changed', false);

    await uncordon.handler(context({ location: 'local', node: 'node2' }));
    expect(unschedulable()).toBe(false);
  });

  it('changes nothing in a dry run', async () => {
    const { cordon } = actions();
    const ctx = context({ location: 'local', node: 'node2' }, true);
    await cordon.handler(ctx);
    expect(unschedulable()).toBe(false);
    expect(ctx.output).toHaveBeenCalledWith('changed', false);
  });

  it('requires baremetal.node.provision', async () => {
    const { cordon } = actions(AuthorizeResult.DENY);
    await expect(
      cordon.handler(context({ location: 'local', node: 'node2' })),
    ).rejects.toThrow('Permission baremetal.node.provision is required');
    expect(unschedulable()).toBe(false);
  });

  it('rejects bad input with a message naming the field, before any call', async () => {
    const { cordon } = actions();
    // The scaffolder validates step input against the action's JSON schema
    // (derived from the zod schema) with jsonschema before calling it.
    const schema = cordon.schema?.input as Schema;
    const check = (input: object) => {
      const { errors } = validate(input, schema);
      return errors.length === 0
        ? 'ok'
        : errors.map(e => e.path.join('.')).join(',');
    };
    expect(check({ location: 'local', node: 'node2' })).toBe('ok');
    expect(check({ location: 'Local!', node: 'node2' })).toBe('location');
    expect(check({ location: 'local', node: 'node2; rm -rf /' })).toBe('node');
    await expect(
      cordon.handler(context({ location: 'nowhere', node: 'node2' })),
    ).rejects.toThrow("location: No location named 'nowhere'");
  });

  it('reports an unknown node and a cluster fault with the location', async () => {
    const { cordon } = actions();
    await expect(
      cordon.handler(context({ location: 'local', node: 'node9' })),
    ).rejects.toThrow(
      /^location local: kubernetes: get Node node9 failed: HTTP 404/,
    );
  });
});
