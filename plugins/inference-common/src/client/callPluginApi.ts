import { ResponseError } from '@backstage/errors';

/** Where the clients find a plugin's base URL (Backstage's DiscoveryApi or DiscoveryService). */
export interface PluginApiDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/**
 * How the clients send requests: Backstage's FetchApi in the browser (it
 * adds the user's token), or the global fetch with a token per call in a
 * backend.
 */
export interface PluginApiFetch {
  fetch: typeof fetch;
}

/** What a client of a plugin's API is made with. */
export interface PluginApiClientOptions {
  discoveryApi: PluginApiDiscovery;
  /** Default: the global fetch. */
  fetchApi?: PluginApiFetch;
}

/** Per call: a Backstage token (backends), an abort signal. */
export interface PluginApiRequestOptions {
  token?: string;
  signal?: AbortSignal;
}

/** One call as a generated client method describes it. */
export interface PluginApiCall {
  pluginId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The spec's path template, e.g. `/models/{location}/{name}`. */
  path: string;
  params?: { path?: object; query?: object; body?: unknown };
  options?: PluginApiRequestOptions;
}

/** The path with its `{name}` parameters filled in and encoded. */
export function fillPath(template: string, params: object = {}): string {
  const values = params as Record<string, unknown>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`path parameter ${name} is missing`);
    }
    return encodeURIComponent(String(value));
  });
}

/** `?a=1&b=x&b=y`, leaving out undefined values; empty when nothing is set. */
export function toQueryString(query: object = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(key, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Sends one request to a plugin's API and returns its JSON body (undefined
 * for an empty one). A non-2xx answer throws Backstage's ResponseError, which
 * carries the plugin's error (name, message, status) for the caller to show.
 */
export async function callPluginApi<T>(
  client: PluginApiClientOptions,
  call: PluginApiCall,
): Promise<T> {
  const baseUrl = await client.discoveryApi.getBaseUrl(call.pluginId);
  const url = `${baseUrl}${fillPath(
    call.path,
    call.params?.path,
  )}${toQueryString(call.params?.query)}`;
  const body = call.params?.body;
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (call.options?.token) {
    headers.authorization = `Bearer ${call.options.token}`;
  }
  const doFetch = client.fetchApi?.fetch ?? fetch;
  const response = await doFetch(url, {
    method: call.method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: call.options?.signal,
  });
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
