import { ResponseError } from '@backstage/errors';

/**
 * The ResponseError the generated client throws for a non-2xx answer with
 * a JSON `body`, for mocks of the API to reject with.
 */
export function responseError(status: number, body: object) {
  return ResponseError.fromResponse(
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    }),
  );
}

/** Backstage's error body (as the backend's error handler sends it). */
export function backstageError(status: number, name: string, message: string) {
  return responseError(status, {
    error: { name, message },
    response: { statusCode: status },
  });
}
