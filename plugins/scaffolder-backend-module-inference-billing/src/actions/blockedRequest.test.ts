/*
 * A request blocked by a clash found after its approval: the await and
 * provision actions stop at once with what an approver must do, instead of
 * waiting or provisioning. (The plugin's side, how a request gets blocked,
 * is tested in inference-billing-backend: onboardingBlocked.test.ts.)
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createAwaitApprovalAction } from './awaitApprovalAction';
import { createProvisionCustomerAction } from './provisionCustomerAction';

const REQUESTER = 'user:default/requester';

describe('the scaffolder actions on a blocked request', () => {
  const blocked = {
    id: 'r-1',
    status: 'blocked',
    companyName: 'Initrode Corp',
    requestedBy: REQUESTER,
    blockedReason:
      "customer step in local: location local: bifrost customer 'Initrode' (c-9) has the same name",
  };
  const api = {
    getRequest: jest.fn(async () => blocked),
    createRequest: jest.fn(),
    provision: jest.fn(),
    complete: jest.fn(),
  };
  const context = () => ({
    ...createMockActionContext({ input: { requestId: 'r-1' } }),
    getInitiatorCredentials: async () => mockCredentials.user(REQUESTER),
    checkpoint: async ({ fn }: any) => fn(),
  });
  beforeEach(() => api.getRequest.mockClear());

  it('inference:approval:await ends at once with who must do what, instead of waiting', async () => {
    const action = createAwaitApprovalAction({
      api: api as any,
      permissions: mockServices.permissions(),
      pollSeconds: 0.001,
    });
    await expect(action.handler(context() as any)).rejects.toThrow(
      /Onboarding request r-1 for Initrode Corp is blocked \(customer step in local: .*'Initrode'.*\)\..*An approver other than user:default\/requester must reject it, or approve it again .* on \/inference\/approvals; after a new approval, retry this task/,
    );
    expect(api.getRequest).toHaveBeenCalledTimes(1);
  });

  it('inference:customer:provision refuses it with the same message and provisions nothing', async () => {
    const action = createProvisionCustomerAction({
      api: api as any,
      permissions: mockServices.permissions(),
    });
    await expect(action.handler(context() as any)).rejects.toThrow(
      /is blocked \(customer step in local/,
    );
    expect(api.provision).not.toHaveBeenCalled();
  });
});
