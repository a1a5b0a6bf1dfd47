/*
 * Routes of the governance API (transports/bifrost-http/handlers/governance.go
 * RegisterRoutes): virtual keys, teams, customers, budgets, rate limits and
 * pricing overrides. See CONTRACT.md.
 */
import type { Express, RequestHandler } from 'express';
import {
  body,
  lenientPagination,
  listEnvelope,
  paginate,
  q,
  route,
  strictPagination,
} from './http';
import type { BifrostStore } from './state';

export function mountGovernanceRoutes(
  app: Express,
  store: () => BifrostStore,
  raw: RequestHandler,
): void {
  // ---------------------------------------------------------- virtual keys
  const gov = '/api/governance';
  app.get(
    `${gov}/virtual-keys`,
    route((req, res) => {
      const search = q(req.query, 'search');
      const customerId = q(req.query, 'customer_id');
      const teamId = q(req.query, 'team_id');
      const all = store().listVirtualKeys();
      const paginated =
        q(req.query, 'limit') !== '' ||
        q(req.query, 'offset') !== '' ||
        search !== '' ||
        customerId !== '' ||
        teamId !== '';
      if (!paginated) {
        res.json(listEnvelope('virtual_keys', all));
        return;
      }
      const p = strictPagination(req.query);
      const filtered = all.filter(
        vk =>
          (search === '' ||
            vk.name.toLowerCase().includes(search.toLowerCase())) &&
          (customerId === '' || vk.customer_id === customerId) &&
          (teamId === '' || vk.team_id === teamId),
      );
      res.json(listEnvelope('virtual_keys', filtered, paginate(filtered, p)));
    }),
  );
  app.post(
    `${gov}/virtual-keys`,
    raw,
    route((req, res) => {
      const vk = store().createVirtualKey(body(req));
      res.json({
        message: 'Virtual key created successfully',
        virtual_key: vk,
      });
    }),
  );
  app.get(
    `${gov}/virtual-keys/:id`,
    route((req, res) => {
      res.json({ virtual_key: store().getVirtualKey(req.params.id) });
    }),
  );
  app.put(
    `${gov}/virtual-keys/:id`,
    raw,
    route((req, res) => {
      const vk = store().updateVirtualKey(req.params.id, body(req));
      res.json({
        message: 'Virtual key updated successfully',
        virtual_key: vk,
      });
    }),
  );
  app.delete(
    `${gov}/virtual-keys/:id`,
    route((req, res) => {
      store().deleteVirtualKey(req.params.id);
      res.json({ message: 'Virtual key deleted successfully' });
    }),
  );

  // ----------------------------------------------------------------- teams
  app.get(
    `${gov}/teams`,
    route((req, res) => {
      const customerId = q(req.query, 'customer_id');
      const search = q(req.query, 'search');
      const all = store().listTeams(customerId || undefined);
      if (
        q(req.query, 'limit') === '' &&
        q(req.query, 'offset') === '' &&
        search === ''
      ) {
        res.json(listEnvelope('teams', all));
        return;
      }
      const filtered = all.filter(
        t =>
          search === '' || t.name.toLowerCase().includes(search.toLowerCase()),
      );
      res.json(
        listEnvelope(
          'teams',
          filtered,
          paginate(filtered, lenientPagination(req.query)),
        ),
      );
    }),
  );
  app.post(
    `${gov}/teams`,
    raw,
    route((req, res) => {
      res.json({
        message: 'Team created successfully',
        team: store().createTeam(body(req)),
      });
    }),
  );
  app.get(
    `${gov}/teams/:id`,
    route((req, res) => {
      res.json({ team: store().getTeam(req.params.id) });
    }),
  );
  app.put(
    `${gov}/teams/:id`,
    raw,
    route((req, res) => {
      res.json({
        message: 'Team updated successfully',
        team: store().updateTeam(req.params.id, body(req)),
      });
    }),
  );
  app.delete(
    `${gov}/teams/:id`,
    route((req, res) => {
      store().deleteTeam(req.params.id);
      res.json({ message: 'Team deleted successfully' });
    }),
  );

  // ------------------------------------------------------------- customers
  app.get(
    `${gov}/customers`,
    route((req, res) => {
      const search = q(req.query, 'search');
      const all = store().listCustomers();
      if (
        q(req.query, 'limit') === '' &&
        q(req.query, 'offset') === '' &&
        search === ''
      ) {
        res.json(listEnvelope('customers', all));
        return;
      }
      const filtered = all.filter(
        c =>
          search === '' || c.name.toLowerCase().includes(search.toLowerCase()),
      );
      res.json(
        listEnvelope(
          'customers',
          filtered,
          paginate(filtered, lenientPagination(req.query)),
        ),
      );
    }),
  );
  app.post(
    `${gov}/customers`,
    raw,
    route((req, res) => {
      res.json({
        message: 'Customer created successfully',
        customer: store().createCustomer(body(req)),
      });
    }),
  );
  app.get(
    `${gov}/customers/:id`,
    route((req, res) => {
      res.json({ customer: store().getCustomer(req.params.id) });
    }),
  );
  app.put(
    `${gov}/customers/:id`,
    raw,
    route((req, res) => {
      res.json({
        message: 'Customer updated successfully',
        customer: store().updateCustomer(req.params.id, body(req)),
      });
    }),
  );
  app.delete(
    `${gov}/customers/:id`,
    route((req, res) => {
      store().deleteCustomer(req.params.id);
      res.json({ message: 'Customer deleted successfully' });
    }),
  );

  // --------------------------------------------------- budgets/rate limits
  app.get(
    `${gov}/budgets`,
    route((_req, res) => {
      const budgets = store().listBudgets();
      res.json({ budgets, count: budgets.length });
    }),
  );
  app.get(
    `${gov}/rate-limits`,
    route((_req, res) => {
      const rateLimits = store().listRateLimits();
      res.json({ rate_limits: rateLimits, count: rateLimits.length });
    }),
  );

  // ----------------------------------------------------- pricing overrides
  app.get(
    `${gov}/pricing-overrides`,
    route((req, res) => {
      const scopeKind = q(req.query, 'scope_kind').trim();
      const vkId = q(req.query, 'virtual_key_id').trim();
      const providerId = q(req.query, 'provider_id').trim();
      const providerKeyId = q(req.query, 'provider_key_id').trim();
      const search = q(req.query, 'search');
      const filtered = store()
        .listPricingOverrides()
        .filter(
          o =>
            (scopeKind === '' || o.scope_kind === scopeKind) &&
            (vkId === '' || o.virtual_key_id === vkId) &&
            (providerId === '' || o.provider_id === providerId) &&
            (providerKeyId === '' || o.provider_key_id === providerKeyId),
        );
      if (
        q(req.query, 'limit') === '' &&
        q(req.query, 'offset') === '' &&
        search === ''
      ) {
        res.json(listEnvelope('pricing_overrides', filtered));
        return;
      }
      const p = strictPagination(req.query);
      const searched = filtered.filter(
        o =>
          search === '' || o.name.toLowerCase().includes(search.toLowerCase()),
      );
      res.json(
        listEnvelope('pricing_overrides', searched, paginate(searched, p)),
      );
    }),
  );
  app.post(
    `${gov}/pricing-overrides`,
    raw,
    route((req, res) => {
      const override = store().createPricingOverride(body(req));
      res.status(201).json({
        message: 'Pricing override created successfully',
        pricing_override: override,
      });
    }),
  );
  app.put(
    `${gov}/pricing-overrides/:id`,
    raw,
    route((req, res) => {
      const override = store().updatePricingOverride(req.params.id, body(req));
      res.json({
        message: 'Pricing override updated successfully',
        pricing_override: override,
      });
    }),
  );
  app.delete(
    `${gov}/pricing-overrides/:id`,
    route((req, res) => {
      store().deletePricingOverride(req.params.id);
      res.json({ message: 'Pricing override deleted successfully' });
    }),
  );
}
