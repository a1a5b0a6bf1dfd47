import { ResponseError } from '@backstage/errors';
import { backstageError, responseError } from '../__testUtils__/responseError';
import { errorMessage } from './errorMessage';

describe('errorMessage', () => {
  it("gives a Backstage error body's message", async () => {
    const error = await backstageError(
      409,
      'ConflictError',
      'request is not pending',
    );
    expect(errorMessage(error)).toBe('request is not pending');
  });

  it('reads the message out of a body without a response field', async () => {
    const error = await responseError(503, {
      error: {
        name: 'ServiceUnavailableError',
        message: 'location local: odoo: timed out',
      },
      location: 'local',
      system: 'odoo',
    });
    expect(errorMessage(error)).toBe('location local: odoo: timed out');
  });

  it('keeps the status of a body that is not JSON', async () => {
    const error = await ResponseError.fromResponse(
      new Response('upstream went away', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );
    expect(errorMessage(error)).toBe(
      'Request failed with status 502 Bad Gateway, upstream went away',
    );
  });

  it('gives the message of any other error', () => {
    expect(errorMessage(new TypeError('path parameter id is missing'))).toBe(
      'path parameter id is missing',
    );
    expect(errorMessage('offline')).toBe('offline');
  });
});
