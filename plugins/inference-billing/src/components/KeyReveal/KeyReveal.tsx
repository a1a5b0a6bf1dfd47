import { useApi } from '@backstage/frontend-plugin-api';
import { Alert, Button, Card, CardBody, Flex, Text } from '@backstage/ui';
import { useState } from 'react';
import { errorMessage, inferenceBillingApiRef } from '../../api';

/**
 * One-time reveal of a new customer's virtual key: nothing is fetched until
 * the requester asks, and the backend deletes the key's sealed copy as it
 * answers, so a reload shows that it is gone.
 */
export function KeyReveal(props: { revealId: string }) {
  const api = useApi(inferenceBillingApiRef);
  const [value, setValue] = useState<string>();
  const [location, setLocation] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const reveal = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const revealed = await api.revealOnboardingKey({
        path: { revealId: props.revealId },
      });
      setValue(revealed.value);
      setLocation(revealed.location);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <CardBody>
        <Flex direction="column" gap="3">
          <Text as="h3" variant="title-small">
            New virtual key
          </Text>
          {value ? (
            <>
              <Alert
                status="warning"
                title="Copy the key now: it is shown this once and cannot be shown again."
              />
              <Text as="p" variant="body-medium">
                Location {location}:
              </Text>
              <code data-testid="revealed-key" style={{ userSelect: 'all' }}>
                {value}
              </code>
              <Button
                variant="secondary"
                onPress={() => navigator.clipboard?.writeText(value)}
              >
                Copy
              </Button>
            </>
          ) : (
            <>
              <Text as="p" variant="body-medium">
                The key of your onboarded customer can be revealed once, to you
                only.
              </Text>
              <Button onPress={reveal} isDisabled={busy}>
                Reveal the key once
              </Button>
            </>
          )}
          {error && <Alert status="danger" title={error} />}
        </Flex>
      </CardBody>
    </Card>
  );
}
