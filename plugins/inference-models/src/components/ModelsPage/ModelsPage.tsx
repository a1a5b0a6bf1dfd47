import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';
import { fetchApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Alert, Container, Flex, Text } from '@backstage/ui';
import type { ModelListResponse } from '@internal/backstage-plugin-inference-models-common';
import useAsync from 'react-use/esm/useAsync';
import { ModelsTable } from './ModelsTable';

export const ModelsPage = () => {
  const { fetch } = useApi(fetchApiRef);
  const { value, loading, error } = useAsync(async () => {
    const response = await fetch('plugin://inference-models/models');
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as ModelListResponse;
  }, [fetch]);

  return (
    <Container>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Flex direction="column" gap="4">
          {value.errors.map(e => (
            <Alert key={e.location} status="danger" title={e.message} />
          ))}
          <Text as="p" variant="body-medium">
            {value.items.length} models in{' '}
            {new Set(value.items.map(m => m.location)).size} location(s)
          </Text>
          <ModelsTable models={value.items} />
        </Flex>
      )}
    </Container>
  );
};
