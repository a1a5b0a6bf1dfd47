import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  Flex,
  Link,
  Text,
} from '@backstage/ui';
import type { LocationError } from '@internal/backstage-plugin-inference-common';
import type { ReactNode } from 'react';
import { SectionSkeleton } from './PageSkeleton';

/**
 * Why a call failed, naming the location and the backend asked: the
 * backend's own message when it answered with an error body (a
 * `ResponseError`), else the error's.
 */
export function describeLocationFailure(
  location: string,
  backend: string,
  error: Error,
): string {
  const body =
    error.name === 'ResponseError'
      ? (error as Error & { body?: { error?: { message?: string } } }).body
      : undefined;
  return `Location ${location}: ${backend}: ${
    body?.error?.message ?? error.message
  }`;
}

export interface LocationSectionCardProps {
  /** The card's title, e.g. `Models (12)`. */
  title: string;
  /** The full list elsewhere, e.g. the Models page filtered by location. */
  link?: { href: string; label: string };
  location: string;
  /** The backend asked, named in a failure: `inference-models backend`. */
  backend: string;
  loading: boolean;
  /** The call itself failed. */
  error?: Error;
  /** Locations the backend could not read (it answers the others). */
  errors?: LocationError[];
  /** Nothing to show: `empty` is shown (unless a location failed). */
  isEmpty: boolean;
  /** What to do when there is nothing yet. */
  empty: ReactNode;
  children?: ReactNode;
}

/**
 * A card of one location's entity page listing what a backend holds for the
 * location: skeleton while loading, the failure naming location and backend,
 * each per-location error, then the content or what to do when there is none.
 */
export function LocationSectionCard(props: LocationSectionCardProps) {
  const { location, errors = [] } = props;
  let body: ReactNode;
  if (props.loading) {
    body = <SectionSkeleton rows={3} />;
  } else if (props.error) {
    body = (
      <Alert
        status="danger"
        title={describeLocationFailure(location, props.backend, props.error)}
      />
    );
  } else {
    body = (
      <Flex direction="column" gap="3">
        {errors.map(e => (
          <Alert
            key={`${e.location}/${e.system}`}
            status="danger"
            title={e.message}
          />
        ))}
        {props.isEmpty && errors.length === 0 && <Text>{props.empty}</Text>}
        {props.children}
      </Flex>
    );
  }
  return (
    <Card>
      <CardHeader>
        <Flex justify="between" align="center">
          <Text variant="title-small">{props.title}</Text>
          {props.link && <Link href={props.link.href}>{props.link.label}</Link>}
        </Flex>
      </CardHeader>
      <CardBody>{body}</CardBody>
    </Card>
  );
}
