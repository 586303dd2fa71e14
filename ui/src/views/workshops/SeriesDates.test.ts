// The dates of a series against a mocked backend: skipped dates are listed with an Undo, and
// skipping a date sends exactly that date.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Occurrence, Workshop } from '../../lib/ipc';
import { aWorkshop } from '../../test-fixtures';
import SeriesDates from './SeriesDates.svelte';

afterEach(() => clearMocks());

const workshop: Workshop = aWorkshop({
  series: {
    rule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3',
    summary: 'Every week on Tuesday, 3 times',
    input: { frequency: 'weekly', interval: 1, until: null, count: 3, rule: null },
  },
  exceptions: [
    {
      sessionId: 'ses_1',
      kind: 'skip',
      occurrenceAt: '2027-03-16T17:30:00Z',
      start: null,
      end: null,
    },
  ],
});

function occurrence(start: string, local: string): Occurrence {
  return {
    workshopId: 'wks_1',
    sessionId: 'ses_1',
    workshopTitle: 'Study group',
    sessionTitle: '',
    status: 'scheduled',
    timeZone: 'Europe/Berlin',
    start,
    end: start,
    startLocal: local,
    endLocal: local,
    allDay: false,
    occurrenceAt: start,
    moved: false,
    venue: null,
    onlineUrl: null,
    clashesWith: [],
  };
}

describe('SeriesDates', () => {
  it('lists planned and skipped dates and skips the one clicked', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === 'schedule') {
        return [
          occurrence('2027-03-09T17:30:00Z', '2027-03-09T18:30'),
          occurrence('2027-03-23T17:30:00Z', '2027-03-23T18:30'),
          // another workshop's date in the same span is not listed
          { ...occurrence('2027-03-10T17:30:00Z', '2027-03-10T18:30'), workshopId: 'wks_2' },
        ];
      }
      if (cmd === 'skip_occurrence') return workshop;
    });
    const onchanged = vi.fn();
    const { rerender } = render(SeriesDates, { props: { workshop, onchanged } });

    await vi.waitFor(() => expect(screen.getAllByTestId('series-date')).toHaveLength(3));
    const rows = screen.getAllByTestId('series-date');
    expect(rows[1].textContent).toContain('skipped');
    expect(within(rows[1]).getByRole('button', { name: 'Undo' })).toBeTruthy();

    await userEvent.setup().click(within(rows[2]).getByRole('button', { name: 'Skip' }));
    await vi.waitFor(() => expect(onchanged).toHaveBeenCalledWith(workshop));
    expect(calls.find((c) => c.cmd === 'skip_occurrence')?.args).toEqual({
      sessionId: 'ses_1',
      occurrenceAt: '2027-03-23T17:30:00Z',
    });

    // The parent passes the workshop back with the new skip, before the dates are fetched
    // again: the date shows as skipped once (not twice, which would break the keyed list).
    const skipped = {
      ...workshop,
      exceptions: [
        ...workshop.exceptions,
        { ...workshop.exceptions[0], occurrenceAt: '2027-03-23T17:30:00Z' },
      ],
    };
    await rerender({ workshop: skipped, onchanged });
    const after = screen.getAllByTestId('series-date');
    expect(after.map((r) => r.textContent?.includes('skipped'))).toEqual([false, true, true]);
  });
});
