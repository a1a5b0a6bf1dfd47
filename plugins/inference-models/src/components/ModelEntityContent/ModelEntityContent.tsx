import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Grid,
  Text,
} from '@backstage/ui';
import {
  ANNOTATION_GATEWAY_URL,
  ANNOTATION_VALIDATION_WARNING,
  OPENROUTER_ANNOTATION,
  gatewayApiEntityRef,
  type ModelEntitySpec,
} from '@internal/backstage-plugin-inference-models-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { perMillionTokens } from '../ModelsPage/ModelsTable';
import { ModelPodsCard } from './ModelPodsCard';

function Field(props: { label: string; value?: string | number }) {
  return (
    <Flex direction="column" gap="0">
      <Text variant="body-small" color="secondary">
        {props.label}
      </Text>
      <Text>{props.value === undefined ? '-' : String(props.value)}</Text>
    </Flex>
  );
}

/** KubeAI's autoscaler owns spec.replicas unless autoscalingDisabled. */
function autoscalingText(a: {
  disabled: boolean;
  targetRequests?: number;
  scaleDownDelaySeconds?: number;
}): string {
  if (a.disabled) return 'off (replicas fixed)';
  return `on, ${
    a.targetRequests ?? 100
  } active requests per replica, scale-down after ${
    a.scaleDownDelaySeconds ?? 30
  } s`;
}

function CopyBlock(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Flex direction="column" gap="2">
      <pre
        aria-label={props.label}
        style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', margin: 0 }}
      >
        {props.text}
      </pre>
      <div>
        <Button
          variant="secondary"
          size="small"
          onPress={async () => {
            await navigator.clipboard?.writeText(props.text);
            setCopied(true);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      </div>
    </Flex>
  );
}

/** Pretty JSON of the annotation, or the raw text when it does not parse. */
function prettyListing(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}

/**
 * The `curl` a customer runs against the location's Bifrost gateway (an
 * OpenAI-compatible `/v1`); Bifrost routes `kubeai/<model>` to KubeAI.
 */
export function curlExample(
  gatewayUrl: string,
  model: string,
  features: string[],
): string {
  const base = gatewayUrl.replace(/\/+$/, '');
  const id = `kubeai/${model}`;
  if (features.includes('TextEmbedding')) {
    return [
      `curl ${base}/embeddings \\`,
      `  -H "Authorization: Bearer $VIRTUAL_KEY" \\`,
      `  -H "Content-Type: application/json" \\`,
      `  -d '{"model": "${id}", "input": "Hello"}'`,
    ].join('\n');
  }
  return [
    `curl ${base}/chat/completions \\`,
    `  -H "Authorization: Bearer $VIRTUAL_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "${id}", "messages": [{"role": "user", "content": "Hello"}]}'`,
  ].join('\n');
}

/** The "Model" tab of `ai-model` entities. */
export function ModelEntityContent() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const spec = entity.spec as unknown as ModelEntitySpec;
  const annotations = entity.metadata.annotations ?? {};
  const location = spec.location ?? entity.metadata.namespace ?? 'default';
  const gateway = useAsync(
    async () =>
      (await catalogApi.getEntityByRef(gatewayApiEntityRef(location))) as
        | Entity
        | undefined,
    [catalogApi, location],
  );
  const gatewayUrl =
    gateway.value?.metadata.annotations?.[ANNOTATION_GATEWAY_URL];
  const warning = annotations[ANNOTATION_VALIDATION_WARNING];
  const listing = prettyListing(annotations[OPENROUTER_ANNOTATION]);
  const pricing = spec.pricing ?? {};

  return (
    <Flex direction="column" gap="4">
      {warning && (
        <Alert
          status="warning"
          title={`The Model's listing has problems: ${warning}`}
        />
      )}
      <Grid.Root columns={{ initial: '1', md: '2' }} gap="4">
        <Card>
          <CardHeader>
            <Text variant="title-small">Overview</Text>
          </CardHeader>
          <CardBody>
            <Grid.Root columns="2" gap="3">
              <Field label="Location" value={location} />
              <Field label="Status" value={spec.status} />
              <Field label="Engine" value={spec.engine} />
              <Field label="Source" value={spec.url} />
              <Field label="Features" value={spec.features?.join(', ')} />
              <Field label="Resource profile" value={spec.resourceProfile} />
              <Field label="GPUs per replica" value={spec.gpuCount} />
              <Field
                label="Replicas ready / desired (min-max)"
                value={`${spec.replicas?.ready ?? 0} / ${
                  spec.replicas?.desired ?? 0
                } (${spec.replicas?.min ?? '-'}-${spec.replicas?.max ?? '-'})`}
              />
              <Field
                label="Autoscaling"
                value={
                  spec.kubeai?.autoscaling
                    ? autoscalingText(spec.kubeai.autoscaling)
                    : undefined
                }
              />
              <Field
                label="LoRA adapters (model ids)"
                value={spec.kubeai?.adapters?.map(a => a.id).join(', ')}
              />
              <Field label="Cache profile" value={spec.cacheProfile} />
              <Field label="Context length" value={spec.contextLength} />
              <Field label="Max output length" value={spec.maxOutputLength} />
              <Field label="Quantization" value={spec.quantization} />
              <Field label="Country" value={spec.countryCode} />
              <Field label="Catalog ref" value={stringifyEntityRef(entity)} />
            </Grid.Root>
          </CardBody>
        </Card>
        <Card>
          <CardHeader>
            <Text variant="title-small">Pricing (USD)</Text>
          </CardHeader>
          <CardBody>
            {Object.keys(pricing).length === 0 ? (
              <Text>No valid prices in the listing.</Text>
            ) : (
              <Grid.Root columns="3" gap="3">
                <Text weight="bold">Kind</Text>
                <Text weight="bold">Per token</Text>
                <Text weight="bold">Per 1M tokens</Text>
                {Object.entries(pricing).map(([kind, perToken]) => (
                  <Flex key={kind} style={{ display: 'contents' }}>
                    <Text>{kind}</Text>
                    <Text>{perToken}</Text>
                    <Text>{perMillionTokens(perToken as string)}</Text>
                  </Flex>
                ))}
              </Grid.Root>
            )}
          </CardBody>
        </Card>
      </Grid.Root>
      <ModelPodsCard
        location={location}
        model={entity.metadata.name}
        desired={spec.replicas?.desired}
      />
      <Card>
        <CardHeader>
          <Text variant="title-small">Try it</Text>
        </CardHeader>
        <CardBody>
          {gatewayUrl ? (
            <CopyBlock
              label="curl example"
              text={curlExample(
                gatewayUrl,
                entity.metadata.name,
                spec.features ?? [],
              )}
            />
          ) : (
            <Text>
              {gateway.loading
                ? 'Loading the gateway…'
                : `No gateway entity for location ${location}.`}
            </Text>
          )}
        </CardBody>
      </Card>
      <Card>
        <CardHeader>
          <Text variant="title-small">
            OpenRouter listing (openrouter.ai/json)
          </Text>
        </CardHeader>
        <CardBody>
          {listing ? (
            <CopyBlock label="OpenRouter listing" text={listing} />
          ) : (
            <Text>The Model has no openrouter.ai/json annotation.</Text>
          )}
        </CardBody>
      </Card>
    </Flex>
  );
}
