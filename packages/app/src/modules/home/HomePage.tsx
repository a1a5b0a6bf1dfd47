import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Container,
  Flex,
  Grid,
  Skeleton,
  Text,
} from '@backstage/ui';
import { bareMetalApiRef } from '@internal/backstage-plugin-bare-metal';
import { inferenceBillingApiRef } from '@internal/backstage-plugin-inference-billing';
import { inferenceModelsApiRef } from '@internal/backstage-plugin-inference-models';
import {
  formatCount,
  PageHeading,
  takeEarlyAnswer,
} from '@internal/backstage-plugin-inference-react';
import { useEffect, useRef, useState } from 'react';
import { FailedTasks, Figure, modelsDetail, UsageFigures } from './Figures';
import { LocationCard } from './LocationCard';
import { HOME_DATA, loadHomeData, type Loaded } from './homeData';
import { toHomeFigures, type CompanyFigures } from './toHomeFigures';

function useHomeData(): Loaded | undefined {
  const models = useApi(inferenceModelsApiRef);
  const billing = useApi(inferenceBillingApiRef);
  const bareMetal = useApi(bareMetalApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  // Asked for early (see index.tsx): the first render shows it if it came.
  const [loaded, setLoaded] = useState<Loaded | undefined>(
    () =>
      takeEarlyAnswer<Loaded>(HOME_DATA, HOME_DATA, { settledOnly: true })
        ?.value?.ok,
  );
  const shownAtMount = useRef(loaded !== undefined);
  useEffect(() => {
    if (shownAtMount.current) {
      shownAtMount.current = false;
      return undefined;
    }
    let live = true;
    (
      takeEarlyAnswer<Loaded>(HOME_DATA, HOME_DATA)?.answer ??
      loadHomeData({ models, billing, bareMetal, discoveryApi, fetchApi })
    ).then(data => {
      if (live) setLoaded(data);
    });
    return () => {
      live = false;
    };
  }, [models, billing, bareMetal, discoveryApi, fetchApi]);
  return loaded;
}

/** The locations' entities (type `kubernetes-cluster`) in the catalog. */
const LOCATIONS_IN_CATALOG =
  '/catalog?filters[kind]=resource&filters[type]=kubernetes-cluster';

/** `pr: bifrost down`: which systems keep each location from being up. */
function locationsDetail(
  notUp: CompanyFigures['locationsNotUp'],
): string | undefined {
  if (notUp.length === 0) return 'every system answers';
  return notUp
    .map(l => `${l.location}: ${l.systemsDown.join(', ')} down`)
    .join('; ');
}

function CompanyCard(props: { company: CompanyFigures }) {
  const { company } = props;
  return (
    <Card aria-label="Company totals" data-location="company">
      <CardHeader>
        <Text as="h2" variant="title-small">
          Company totals
        </Text>
      </CardHeader>
      <CardBody>
        <Flex direction="column" gap="3">
          <Grid.Root columns={{ initial: '2', md: '4' }} gap="3">
            <Figure
              size="small"
              label="Locations up"
              figure="locations-up"
              value={`${company.locationsUp}/${company.locations}`}
              href={LOCATIONS_IN_CATALOG}
              detail={locationsDetail(company.locationsNotUp)}
            />
            <Figure
              size="small"
              label="Models ready"
              figure="models-ready"
              value={`${company.models.ready}/${company.models.total}`}
              href="/inference/models"
              detail={modelsDetail(company.models)}
            />
            <Figure
              size="small"
              label="GPUs in use"
              figure="gpus"
              value={`${company.gpus.busy}/${company.gpus.total}`}
              href="/inference/nodes"
            />
            {company.pendingApprovals !== undefined && (
              <Figure
                size="small"
                label="Pending approvals"
                figure="approvals"
                value={formatCount(company.pendingApprovals)}
                href="/inference/approvals"
              />
            )}
            {company.usage.map(u => (
              <UsageFigures
                key={u.currency}
                size="small"
                usage={u}
                href="/inference/customers"
                revenueFigure={`revenue:${u.currency}`}
              />
            ))}
            <Figure
              size="small"
              label="Failed scheduled work"
              figure="failed-count"
              value={formatCount(company.failedTasks.length)}
              href="#failed-scheduled-work"
            />
          </Grid.Root>
          <div id="failed-scheduled-work">
            <FailedTasks tasks={company.failedTasks} />
          </div>
        </Flex>
      </CardBody>
    </Card>
  );
}

const heading = (
  <PageHeading
    title="The business at a glance"
    description="Company totals, then each location: its systems, Models, GPUs, usage against last month, approvals, invoicing and failed scheduled work. Every figure opens the page behind it."
  />
);

/** The business at a glance: company totals, then one card per location. */
export function HomePage() {
  const loaded = useHomeData();
  if (!loaded) {
    return (
      <>
        {heading}
        <Container>
          <Flex direction="column" gap="4" aria-busy="true">
            <Skeleton width="100%" height={160} />
            <Grid.Root columns={{ initial: '1', lg: '3' }} gap="4">
              {[0, 1, 2].map(i => (
                <Skeleton key={i} width="100%" height={420} />
              ))}
            </Grid.Root>
          </Flex>
        </Container>
      </>
    );
  }
  const { locations, company } = toHomeFigures({
    models: loaded.models?.items,
    billing: loaded.billing?.items,
    servers: loaded.servers,
    tasks: loaded.tasks,
    pendingApprovals: loaded.billing?.pendingApprovals,
  });
  return (
    <>
      {heading}
      <Container>
        <Flex direction="column" gap="4">
          {loaded.failures.map(f => (
            <Alert key={f} status="danger" title={f} />
          ))}
          <CompanyCard company={company} />
          <Grid.Root columns={{ initial: '1', lg: '3' }} gap="4">
            {locations.map(l => (
              <LocationCard key={l.location} l={l} />
            ))}
          </Grid.Root>
        </Flex>
      </Container>
    </>
  );
}
