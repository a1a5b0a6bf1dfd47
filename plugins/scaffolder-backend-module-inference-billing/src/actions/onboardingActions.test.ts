import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { OnboardingRequest } from '@internal/backstage-plugin-inference-billing-common';
import {
  createOnboardingActions,
  ONBOARDING_ACTION_IDS,
} from './onboardingActions';

jest.setTimeout(30_000);

const input = {
  companyName: 'Initech SRL',
  contactEmail: 'billing@initech.example',
  vatId: 'RO12345678',
  country: 'RO',
  locations: ['local'],
  budgetUsd: 500,
  requestsPerMinute: 60,
  tokensPerMinute: 100000,
  allowedModels: ['resource:local/qwen25-05b-instruct'],
  currency: 'EUR',
};

/** The billing plugin's API as the actions see it, in memory. */
function fakeApi() {
  const requests = new Map<string, OnboardingRequest>();
  const calls: string[] = [];
  let failNext: string | undefined;
  const api = {
    calls,
    requests,
    failOnce(step: string) {
      failNext = step;
    },
    createRequest: jest.fn(async (body: any) => {
      calls.push('create');
      const existing = [...requests.values()].find(
        r => r.taskId === body.taskId,
      );
      if (existing) return existing;
      const request = {
        ...body,
        id: `req-${requests.size + 1}`,
        status: 'pending',
        requestedBy: 'user:default/mock',
        createdAt: new Date().toISOString(),
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
        allowedModels: { local: ['qwen25-05b-instruct'] },
        provisioning: [],
      } as OnboardingRequest;
      requests.set(request.id, request);
      return request;
    }),
    getRequest: jest.fn(async (id: string) => {
      calls.push(`get ${id}`);
      return { ...requests.get(id)! };
    }),
    provision: jest.fn(async (_id: string, location: string, step: string) => {
      calls.push(`provision ${location} ${step}`);
      if (failNext === step) {
        failNext = undefined;
        throw new Error(
          `location ${location}: bifrost: ${step} failed: HTTP 503`,
        );
      }
      return {
        location,
        step: step as any,
        existed: false,
        provisioning: {
          location,
          bifrostCustomerId: 'cust-1',
          ...(step !== 'customer' && {
            virtualKeyId: 'vk-1',
            virtualKeyName: 'initech-srl-req1',
            virtualKeyLast4: 'abcd',
            revealId: 'reveal-1',
          }),
          ...(step === 'partner' && { odooPartnerId: '42' }),
        },
      };
    }),
    complete: jest.fn(async (id: string) => {
      calls.push(`complete ${id}`);
      const r = requests.get(id)!;
      r.status = 'provisioned';
      return r;
    }),
  };
  return api;
}

function setup(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const permissions = mockServices.permissions.mock();
  permissions.authorize.mockImplementation(async requests =>
    requests.map(() => ({ result })),
  );
  const api = fakeApi();
  const [request, approval, provision] = createOnboardingActions({
    api,
    permissions,
    pollSeconds: 0.02,
  });
  return { api, permissions, request, approval, provision };
}

/** A context whose checkpoints live in `store`, as a task's state does across restarts. */
function context(
  actionInput: object,
  store: Map<string, unknown>,
  signal?: AbortSignal,
) {
  const ctx = createMockActionContext({ input: actionInput });
  return {
    ...ctx,
    signal,
    task: { id: 'task-1' },
    getInitiatorCredentials: async () => mockCredentials.user(),
    checkpoint: jest.fn(async ({ key, fn }: any) => {
      if (!store.has(key)) store.set(key, await fn());
      return store.get(key);
    }),
  } as any;
}

describe('onboarding actions', () => {
  it('registers the three actions with examples and dry run', () => {
    const { request, approval, provision } = setup();
    expect([request.id, approval.id, provision.id]).toEqual([
      ...ONBOARDING_ACTION_IDS,
    ]);
    for (const action of [request, approval, provision]) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples?.length).toBeGreaterThan(0);
    }
  });

  it('requestOnboarding refuses bad input naming the field, and without the permission', async () => {
    const { request, api } = setup();
    await expect(
      request.handler(context({ ...input, vatId: 'nope' }, new Map())),
    ).rejects.toThrow(/^vatId: /);
    await expect(
      request.handler(
        context(
          { ...input, allowedModels: ['resource:other/qwen25-05b-instruct'] },
          new Map(),
        ),
      ),
    ).rejects.toThrow(/^allowedModels: /);
    const denied = setup(AuthorizeResult.DENY);
    await expect(
      denied.request.handler(context(input, new Map())),
    ).rejects.toThrow(/inference.customer.onboard/);
    expect(api.createRequest).not.toHaveBeenCalled();
    expect(denied.api.createRequest).not.toHaveBeenCalled();
  });

  it('requestOnboarding stores one request however often the task runs', async () => {
    const { request, api } = setup();
    const store = new Map<string, unknown>();
    const first = context(input, store);
    await request.handler(first);
    await request.handler(context(input, store));
    expect(api.createRequest).toHaveBeenCalledTimes(1);
    expect(api.createRequest.mock.calls[0][0]).toMatchObject({
      taskId: 'task-1',
    });
    expect(first.output).toHaveBeenCalledWith('requestId', 'req-1');
    expect(first.output).toHaveBeenCalledWith('status', 'pending');
  });

  it('await survives a restart: the recovered task finishes once approved, with the first deadline', async () => {
    const { request, approval, api } = setup();
    const store = new Map<string, unknown>();
    await request.handler(context(input, store));
    const awaitInput = { requestId: 'req-1', timeoutMinutes: 60 };

    // The backend stops while the task waits.
    const crash = new AbortController();
    const running = approval.handler(context(awaitInput, store, crash.signal));
    await new Promise(r => setTimeout(r, 100));
    crash.abort();
    await expect(running).rejects.toThrow(/Cancelled/);
    const deadline = store.get('approval-deadline-req-1');
    expect(typeof deadline).toBe('number');

    // Recovered from its checkpoints after the restart; approved meanwhile.
    const resumed = context(awaitInput, store);
    const done = approval.handler(resumed);
    await new Promise(r => setTimeout(r, 60));
    Object.assign(api.requests.get('req-1')!, {
      status: 'approved',
      decidedBy: 'user:default/approver',
    });
    await done;
    expect(store.get('approval-deadline-req-1')).toBe(deadline);
    expect(resumed.output).toHaveBeenCalledWith('decision', 'approved');
    expect(resumed.output).toHaveBeenCalledWith(
      'decidedBy',
      'user:default/approver',
    );
    expect(api.createRequest).toHaveBeenCalledTimes(1);
  });

  it('await fails the task with the approver and reason on rejection, and on timeout', async () => {
    const { request, approval, api } = setup();
    const store = new Map<string, unknown>();
    await request.handler(context(input, store));
    Object.assign(api.requests.get('req-1')!, {
      status: 'rejected',
      decidedBy: 'user:default/approver',
      decisionReason: 'no contract yet',
    });
    await expect(
      approval.handler(context({ requestId: 'req-1' }, store)),
    ).rejects.toThrow(
      'Onboarding of Initech SRL was rejected by user:default/approver: no contract yet',
    );

    const other = setup();
    const otherStore = new Map<string, unknown>([
      ['approval-deadline-req-1', Date.now() - 1],
    ]);
    await other.request.handler(context(input, otherStore));
    await expect(
      other.approval.handler(
        context({ requestId: 'req-1', timeoutMinutes: 1 }, otherStore),
      ),
    ).rejects.toThrow(
      /No decision on onboarding request req-1 within 1 minutes/,
    );
  });

  it('provision runs each step behind a checkpoint: a retry after a failure resumes, and outputs no key', async () => {
    const { request, provision, api } = setup();
    const store = new Map<string, unknown>();
    await request.handler(context(input, store));
    api.requests.get('req-1')!.status = 'pending';
    await expect(
      provision.handler(context({ requestId: 'req-1' }, store)),
    ).rejects.toThrow(/pending, not approved/);
    api.requests.get('req-1')!.status = 'approved';

    api.failOnce('key');
    await expect(
      provision.handler(context({ requestId: 'req-1' }, store)),
    ).rejects.toThrow(/location local: bifrost: key failed/);
    const retry = context({ requestId: 'req-1' }, store);
    await provision.handler(retry);
    expect(api.calls.filter(c => c.startsWith('provision'))).toEqual([
      'provision local customer',
      'provision local key',
      'provision local key',
      'provision local partner',
    ]);
    expect(api.complete).toHaveBeenCalledTimes(1);
    expect(retry.output).toHaveBeenCalledWith('customers', [
      {
        location: 'local',
        bifrostCustomerId: 'cust-1',
        virtualKeyId: 'vk-1',
        virtualKeyName: 'initech-srl-req1',
        virtualKeyLast4: 'abcd',
        odooPartnerId: '42',
      },
    ]);
    expect(retry.output).toHaveBeenCalledWith(
      'revealUrl',
      '/inference/approvals?reveal=reveal-1',
    );
  });
});

describe('template onboard-customer', () => {
  const template = yaml.load(
    fs.readFileSync(
      path.resolve(
        __dirname,
        '../../../../templates/onboard-customer/template.yaml',
      ),
      'utf8',
    ),
  ) as any;

  it('starts the model picker empty (a minItems would make the form prefill [null])', () => {
    const page = template.spec.parameters.find(
      (p: any) => p.properties.allowedModels,
    );
    expect(page.required).toContain('allowedModels');
    expect(page.properties.allowedModels['ui:field']).toBe('MultiEntityPicker');
    expect(page.properties.allowedModels.minItems).toBeUndefined();
  });

  it('uses the three actions in order and hands the key over only by link', () => {
    expect(template.spec.owner).toBe('group:default/billing-admins');
    expect(template.spec.steps.map((s: any) => s.action)).toEqual([
      ...ONBOARDING_ACTION_IDS,
    ]);
    expect(JSON.stringify(template.spec.output)).toContain(
      'steps.provision.output.revealUrl',
    );
  });

  it('has form patterns that agree with the action on good and bad values', async () => {
    const props = Object.assign(
      {},
      ...template.spec.parameters.map((p: any) => p.properties),
    );
    const re = (field: string) => new RegExp(props[field].pattern, 'u');
    for (const [field, good, bad] of [
      ['vatId', 'RO12345678', 'ROABCDEF'],
      ['country', 'RO', 'Romania'],
      ['companyName', 'Initech SRL', '-Initech'],
      ['contactEmail', 'a@b.example', 'nobody'],
    ]) {
      expect([field, re(field).test(good)]).toEqual([field, true]);
      expect([field, re(field).test(bad)]).toEqual([field, false]);
    }
    // The form's defaults plus the required values the form asks for pass the action's checks.
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries<any>(props)) {
      if (v.default !== undefined) values[k] = v.default;
    }
    const { request } = setup();
    const ctx = context(
      {
        ...values,
        companyName: 'Initech SRL',
        contactEmail: 'a@b.example',
        vatId: 'RO12345678',
        allowedModels: ['resource:local/qwen25-05b-instruct'],
      },
      new Map(),
    );
    await request.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('status', 'pending');
  });
});
