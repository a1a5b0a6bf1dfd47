/*
 * The two checks of the portal's root HTTP router, on requests as Express
 * hands them over. A backend with the whole router (createBackend(), the
 * OpenAPI routers of the plugins, real bodies) is
 * packages/backend/src/productionErrors.test.ts.
 */
import {
  BODY_TOO_LARGE_MESSAGE,
  INFERENCE_BODY_LIMIT_BYTES,
  rejectOversizedBodies,
  restoreTooLargeBodies,
} from './rootHttpRouter';

/** A response that records what is sent. */
function fakeResponse() {
  const res: any = {
    statusCode: 200,
    headers: {} as Record<string, string>,
    sent: undefined as unknown,
    setHeader(name: string, value: string) {
      res.headers[name] = value;
    },
    end(body: string) {
      res.sent = JSON.parse(body);
    },
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json(body: unknown) {
      res.sent = body;
      return res;
    },
  };
  return res;
}

const request = (path: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  path,
  originalUrl: path,
  headers,
});

describe('rejectOversizedBodies', () => {
  it('answers 413 with a JSON error, before the body is read, for a declared length over the limit', () => {
    const res = fakeResponse();
    const next = jest.fn();
    rejectOversizedBodies()(
      request('/api/inference-billing/customers', {
        'content-length': String(INFERENCE_BODY_LIMIT_BYTES + 1),
      }),
      res,
      next,
    );
    expect(next).not.toHaveBeenCalled();
    expect(res.statusCode).toBe(413);
    expect(res.headers.connection).toBe('close');
    expect(res.sent).toEqual({
      error: {
        name: 'PayloadTooLargeError',
        message: `request entity too large: ${
          INFERENCE_BODY_LIMIT_BYTES + 1
        } bytes, at most ${INFERENCE_BODY_LIMIT_BYTES}`,
      },
      request: { method: 'POST', url: '/api/inference-billing/customers' },
      response: { statusCode: 413 },
    });
  });

  it.each([
    [
      'a body at the limit',
      '/api/inference-models/models',
      INFERENCE_BODY_LIMIT_BYTES,
    ],
    [
      "another plugin's path",
      '/api/catalog/entities',
      10 * INFERENCE_BODY_LIMIT_BYTES,
    ],
    [
      'a path that only starts like a plugin id',
      '/api/inference-models-x/y',
      10 * INFERENCE_BODY_LIMIT_BYTES,
    ],
  ])('passes %s', (_, path, length) => {
    const res = fakeResponse();
    const next = jest.fn();
    rejectOversizedBodies()(
      request(path, { 'content-length': String(length) }),
      res,
      next,
    );
    expect(next).toHaveBeenCalledTimes(1);
    expect(res.sent).toBeUndefined();
  });

  it('passes a body without Content-Length (chunked) to the parser', () => {
    const next = jest.fn();
    rejectOversizedBodies()(
      request('/api/bare-metal/servers'),
      fakeResponse(),
      next,
    );
    expect(next).toHaveBeenCalledTimes(1);
  });
});

describe('restoreTooLargeBodies', () => {
  const inputError = {
    error: { name: 'InputError', message: BODY_TOO_LARGE_MESSAGE },
    request: { method: 'POST', url: '/api/inference-billing/customers' },
    response: { statusCode: 400 },
  };

  it("turns the OpenAPI router's 400 for the parser's error back into its 413", () => {
    const res = fakeResponse();
    restoreTooLargeBodies()(
      request('/api/inference-billing/customers') as any,
      res,
      () => {},
    );
    res.status(400).json(inputError);
    expect(res.statusCode).toBe(413);
    expect(res.sent).toEqual({
      ...inputError,
      error: {
        name: 'PayloadTooLargeError',
        message: `${BODY_TOO_LARGE_MESSAGE}: more than ${INFERENCE_BODY_LIMIT_BYTES} bytes`,
      },
      response: { statusCode: 413 },
    });
  });

  it('leaves every other answer alone', () => {
    const other = {
      error: { name: 'InputError', message: 'limit must be a number' },
    };
    const res = fakeResponse();
    restoreTooLargeBodies()(
      request('/api/inference-billing/customers') as any,
      res,
      () => {},
    );
    res.status(400).json(other);
    expect([res.statusCode, res.sent]).toEqual([400, other]);

    const elsewhere = fakeResponse();
    restoreTooLargeBodies()(
      request('/api/catalog/entities') as any,
      elsewhere,
      () => {},
    );
    elsewhere.status(400).json(inputError);
    expect([elsewhere.statusCode, elsewhere.sent]).toEqual([400, inputError]);
  });
});
