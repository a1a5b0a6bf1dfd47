import type {
  ConfigurationOptions,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';

/** Per-call client options that make a request abortable. */
export function abortable(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: async (context: RequestContext) => {
          context.setSignal(signal);
          return context;
        },
        post: async (response: ResponseContext) => response,
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
