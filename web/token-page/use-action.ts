import { useState } from 'preact/hooks';
import { type ShownError, shownError } from './errors';

export interface Action {
  /** Runs the action; as a form's onSubmit it also stops the browser's own submission. */
  run: (event?: Event) => Promise<void>;
  /** What went wrong the last time, by its code, for the ErrorText beside the control. */
  error: ShownError | null;
  busy: boolean;
}

/** One user action against the API, as every form and button of the page runs it. */
export function useAction(action: () => Promise<void>): Action {
  const [error, setError] = useState<ShownError | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(event?: Event) {
    event?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(shownError(failure));
    } finally {
      setBusy(false);
    }
  }
  return { run, error, busy };
}
