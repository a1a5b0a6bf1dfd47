import {
  Button,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Select,
  Text,
  TextField,
} from '@backstage/ui';
import { useEffect, useState } from 'react';
import type { DryRun, InvoiceRunList } from '../../api/types';
import { lastMonth } from './invoiceRuns';

type BillingLocation = InvoiceRunList['locations'][number];

/**
 * Asks which location and month to preview (a dry run, nothing issued) or
 * to invoice for real (created, posted and e-mailed in Odoo).
 */
export function RunDialog(props: {
  mode: DryRun | undefined;
  locations: ReadonlyArray<BillingLocation>;
  /** The location the page is filtered to, if any. */
  location?: string;
  onClose(): void;
  onRun(run: { location: string; month: string; dryRun: DryRun }): void;
}) {
  const { mode, locations } = props;
  const issuing = mode === 'none';
  const choices = issuing ? locations.filter(l => l.odoo) : locations;
  const initial =
    choices.find(l => l.name === props.location)?.name ?? choices[0]?.name;
  const [location, setLocation] = useState<string | undefined>(initial);
  const [month, setMonth] = useState(lastMonth());
  useEffect(() => {
    if (mode) setLocation(initial);
  }, [mode, initial]);

  const monthValid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const chosen = locations.find(l => l.name === location);
  return (
    <Dialog
      isOpen={mode !== undefined}
      onOpenChange={open => !open && props.onClose()}
    >
      <DialogHeader>
        {issuing ? 'Generate invoices' : 'Preview invoices'}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Flex gap="3" align="end">
            <Select
              label="Location"
              options={choices.map(l => ({
                id: l.name,
                label: `${l.title} (${l.name})`,
              }))}
              value={location ?? null}
              onChange={key =>
                setLocation(key === null ? undefined : String(key))
              }
            />
            <TextField
              label="Month (YYYY-MM)"
              value={month}
              onChange={setMonth}
              isInvalid={!monthValid}
            />
          </Flex>
          <Text as="p">
            {issuing
              ? `Create, post and e-mail the ${month} invoices of ${
                  chosen?.title ?? location
                } in Odoo? Invoices that already exist there are not created again.`
              : `Shows what ${month} would bill in ${
                  chosen?.title ?? location
                }; nothing is stored or sent.`}
          </Text>
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button variant="secondary" onPress={props.onClose}>
          Cancel
        </Button>
        <Button
          variant="primary"
          isDisabled={!location || !monthValid}
          onPress={() =>
            location && mode && props.onRun({ location, month, dryRun: mode })
          }
        >
          {issuing ? 'Generate' : 'Preview'}
        </Button>
      </DialogFooter>
    </Dialog>
  );
}
