import { Header } from '@backstage/ui';
import type { ReactNode } from 'react';

/**
 * The header of every inference page: its title, one line on what it shows
 * (inline links allowed, as Markdown), and its actions on the right. Pages
 * put it above their content so they all start the same way.
 */
export function PageHeading(props: {
  title: string;
  description: string;
  actions?: ReactNode;
}) {
  return (
    <Header
      title={props.title}
      description={props.description}
      customActions={props.actions}
    />
  );
}
