import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { ExternalSystemError } from '../errors';
import {
  asUnavailable,
  externalSystemErrorHandler,
} from './externalSystemErrors';

const down = (status?: number) =>
  new ExternalSystemError({
    location: 'stalpeni',
    system: 'odoo',
    message: 'search_read account.move failed',
    status,
  });

describe('asUnavailable', () => {
  it('turns an external failure into ServiceUnavailableError with its message', () => {
    const error = asUnavailable(down(401));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toBe(
      'location stalpeni: odoo: search_read account.move failed',
    );
  });

  it('leaves other errors as they are', () => {
    const other = new NotFoundError('No location named x');
    expect(asUnavailable(other)).toBe(other);
  });
});

describe('externalSystemErrorHandler', () => {
  const app = express();
  app.get('/external/:status', (req, _res, next) =>
    next(down(Number(req.params.status))),
  );
  app.get('/other', (_req, _res, next) => next(new NotFoundError('nothing')));
  app.use(externalSystemErrorHandler());
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );

  it.each([401, 404, 500])(
    'answers 503 naming location and system when the system answered %s',
    async status => {
      const res = await request(app).get(`/external/${status}`);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        error: {
          name: 'ServiceUnavailableError',
          message: 'location stalpeni: odoo: search_read account.move failed',
        },
        location: 'stalpeni',
        system: 'odoo',
      });
    },
  );

  it("hands other errors to Backstage's error handler", async () => {
    const res = await request(app).get('/other');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'nothing',
    });
  });
});
