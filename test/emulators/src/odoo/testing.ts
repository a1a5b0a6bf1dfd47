/*
 * Tiny clients used by the emulator's own tests (and handy for portal tests):
 * a JSON-RPC caller and a JSON-2 caller over global fetch.
 */

export type Json = Record<string, any>;

export interface RpcResponse {
  status: number;
  body: Json;
}

let nextId = 1;

export async function jsonrpc(
  url: string,
  service: string,
  method: string,
  args: unknown[],
): Promise<RpcResponse> {
  const res = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      method: 'call',
      params: { service, method, args },
      id: nextId++,
    }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

/** `execute_kw` that returns the JSON-RPC body (`result` or `error`). */
export function executeKwFor(
  url: string,
  db: string,
  uid: number,
  password: string,
) {
  return async (
    model: string,
    method: string,
    args: unknown[] = [],
    kw: Json = {},
  ): Promise<Json> =>
    (
      await jsonrpc(url, 'object', 'execute_kw', [
        db,
        uid,
        password,
        model,
        method,
        args,
        kw,
      ])
    ).body;
}

export function json2For(url: string, apiKey: string) {
  return async (
    model: string,
    method: string,
    body: Json = {},
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${url}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `bearer ${apiKey}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (HTML error page, injected fault): keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
}
