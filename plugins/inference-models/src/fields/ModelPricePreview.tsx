import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { Box, Flex, Text } from '@backstage/ui';
import {
  costOf,
  per1MToPerToken,
  sumDecimals,
} from '@internal/backstage-plugin-inference-models-common';

type Options = {
  promptField?: string;
  completionField?: string;
};

/** A typical chat request, for the example cost. */
const EXAMPLE = { prompt: 1_000, completion: 500 };

function Price(props: { label: string; per1M: unknown }) {
  const text = typeof props.per1M === 'string' ? props.per1M : '';
  const perToken = per1MToPerToken(text);
  return perToken === undefined ? (
    <Text color="danger">
      {props.label}: “{text}” is not a price (a non-negative decimal such as 8
      or 0.15)
    </Text>
  ) : (
    <Text>
      {props.label}: ${text} per 1M tokens = <code>{perToken}</code> USD per
      token
    </Text>
  );
}

function ExampleCost(props: { prompt: string; completion: string }) {
  const prompt = costOf(props.prompt, EXAMPLE.prompt);
  const completion = costOf(props.completion, EXAMPLE.completion);
  return (
    <Text>
      A request with {EXAMPLE.prompt.toLocaleString('en-US')} prompt and{' '}
      {EXAMPLE.completion} completion tokens costs ${prompt} + ${completion} = $
      {sumDecimals(prompt, completion)}
    </Text>
  );
}

/**
 * `ui:field: ModelPricePreview` on a `type: 'null'` property: shows the
 * exact per-token prices the Model's `openrouter.ai/json` annotation will
 * carry, and what a typical request costs, from the price fields of the form.
 */
export function ModelPricePreview(
  props: FieldExtensionComponentProps<null, Options>,
) {
  const options = props.uiSchema['ui:options'] ?? {};
  const data = (props.formContext?.formData ?? {}) as Record<string, unknown>;
  const prompt = data[options.promptField ?? 'promptPricePer1M'];
  const completion = data[options.completionField ?? 'completionPricePer1M'];
  const promptPerToken =
    typeof prompt === 'string' ? per1MToPerToken(prompt) : undefined;
  const completionPerToken =
    typeof completion === 'string' ? per1MToPerToken(completion) : undefined;
  return (
    <Box mt="2" mb="2" data-testid="model-price-preview">
      <Flex direction="column" gap="1">
        <Text variant="title-x-small">Price preview</Text>
        <Price label="Prompt" per1M={prompt} />
        <Price label="Completion" per1M={completion} />
        {promptPerToken !== undefined && completionPerToken !== undefined && (
          <ExampleCost
            prompt={promptPerToken}
            completion={completionPerToken}
          />
        )}
      </Flex>
    </Box>
  );
}
