import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../lib/ipc';
import { LISTED_PROBLEMS, problemsCaption, summary } from './importSteps';

function report(rejected: number, listed: number): ImportReport {
  return {
    format: 'generic',
    new: 5,
    updated: 0,
    unchanged: 0,
    rejected,
    rejectedRows: Array.from({ length: listed }, (_, i) => ({ line: i + 2, reason: 'bad' })),
    committed: false,
    encoding: 'UTF-8',
    encodingGuessed: false,
  };
}

describe('import results', () => {
  it('says when the list of problems is only the first part', () => {
    expect(problemsCaption(report(3, 3))).toBeNull();
    expect(problemsCaption(report(5_000_000, 1_000))).toBe(
      `The first ${LISTED_PROBLEMS} of 5,000,000 rows with problems.`,
    );
    expect(problemsCaption(report(150, 150))).toBeNull();
    expect(problemsCaption(report(250, 250))).toBe('The first 200 of 250 rows with problems.');
  });

  it('counts every problem in the summary', () => {
    expect(summary(report(5_000_000, 1_000))).toBe(
      'Nothing was imported: 5,000,000 rows have problems (5 new, 0 updated, 0 unchanged otherwise).',
    );
  });
});
