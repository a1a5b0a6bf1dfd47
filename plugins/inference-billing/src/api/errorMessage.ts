/** The part of Backstage's ResponseError this helper reads. */
type ResponseErrorLike = {
  name: string;
  body?: { error?: { message?: unknown } };
};

// How @backstage/errors words a body it did not recognise as Backstage's
// error shape, with the body's text after the comma.
const UNRECOGNISED_BODY =
  /^Request failed with status \d+[^,]*, (\{[\s\S]*\})$/;

/** The `error.message` (or a plain string `error`) of a JSON error body. */
function messageOfBody(text: string): string | undefined {
  try {
    const body = JSON.parse(text);
    const message = body?.error?.message ?? body?.error ?? body?.message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to tell the user about a failed call: the backend's own message (why
 * a decision was refused, which location's system is down), not
 * ResponseError's generic "Request failed with 403 Forbidden".
 */
export function errorMessage(error: unknown): string {
  const candidate = error as ResponseErrorLike | undefined;
  const message = candidate?.body?.error?.message;
  if (candidate?.name === 'ResponseError' && typeof message === 'string') {
    // Bodies without Backstage's `response` field (the backend's 503s that
    // name a location and system) reach ResponseError only as text inside
    // its generic message: read the backend's message back out of it.
    const text = UNRECOGNISED_BODY.exec(message)?.[1];
    return (text && messageOfBody(text)) || message;
  }
  const own = (error as { message?: unknown } | undefined)?.message;
  return typeof own === 'string' ? own : String(error);
}
