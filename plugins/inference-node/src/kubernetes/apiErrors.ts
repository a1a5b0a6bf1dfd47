/**
 * Rethrows an API server error so that the reason callExternal reports names
 * the causes of a 422 Invalid Status (`details.causes[].field/message`),
 * which the plain Status message may cut short.
 */
export function withCauses(error: unknown): never {
  const e = error as { code?: unknown; body?: unknown };
  if (e?.code !== 422) {
    throw error;
  }
  let body: any = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      throw error;
    }
  }
  const causes: Array<{ field?: string; message?: string }> =
    body?.details?.causes ?? [];
  if (!Array.isArray(causes) || causes.length === 0) {
    throw error;
  }
  const text = causes
    .map(c => [c.field, c.message].filter(Boolean).join(': '))
    .join('; ')
    .replace(/\n/g, ' ');
  throw Object.assign(new Error(text), {
    code: 422,
    body: { message: `Invalid: ${text}` },
  });
}
