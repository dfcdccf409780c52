import { createElement } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ShownError } from './errors';

/** An API error next to the control that caused it, announced to screen readers. */
export function ErrorText({ id, error }: { id: string; error: ShownError | null }) {
  return (
    <p id={id} class="error" role="alert" data-code={error?.code}>
      {error?.message ?? ''}
    </p>
  );
}

/** A secret shown once: a read-only field, a Copy button, and the warning that it will not be shown again. */
export function NewSecret({ secret, usage, onDone }: { secret: string; usage: string; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => field.current?.focus(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      field.current?.select();
      setCopied('Select the text and copy it (the browser did not allow copying).');
    }
  }

  return (
    <section aria-labelledby="new-token-title" class="card new-secret">
      <h2 id="new-token-title">Your new token</h2>
      <p class="warning">Copy it now: it will not be shown again, not even after reloading this page.</p>
      <label for="new-token">New token</label>
      <div class="copy-row">
        <input
          id="new-token"
          ref={field}
          readOnly
          value={secret}
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" class="quiet">
        {copied ?? ''}
      </p>
      <p class="quiet">{usage}</p>
      <button type="button" class="secondary" onClick={onDone}>
        Done
      </button>
    </section>
  );
}

/** An action that asks first: the button, then the consequence and a second button to confirm. */
export function ConfirmButton(props: {
  label: string;
  /** What a screen reader says of the button when the visible label alone is ambiguous (one per table row). */
  accessibleName?: string;
  confirmLabel: string;
  consequence: string;
  onConfirm: () => void;
  busy?: boolean;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        class={props.danger ? 'danger' : 'secondary'}
        aria-label={props.accessibleName}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={props.accessibleName ?? props.label}>
      <span class="consequence">{props.consequence}</span>
      <button
        type="button"
        ref={confirm}
        class="danger"
        disabled={props.busy}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A timestamp as people read it, in their own time zone, to the minute. */
export function When({ iso, empty = 'Never' }: { iso: string | null; empty?: string }) {
  if (!iso) return <>{empty}</>;
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={iso}>
      {date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  name?: string;
  type?: 'text' | 'password' | 'number';
  autocomplete?: 'username' | 'current-password' | 'new-password';
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  'aria-describedby'?: string;
}

/** A labelled input bound to a value; other attributes (type, autocomplete, aria-describedby) go to the input. */
export function Field({ id, label, value, onValue, ...input }: FieldProps) {
  // createElement: Preact's JSX types for <input> insist on one literal `type` per element.
  return (
    <>
      <label for={id}>{label}</label>
      {createElement('input', {
        id,
        value,
        onInput: (event: Event) => onValue((event.currentTarget as HTMLInputElement).value),
        ...input,
      })}
    </>
  );
}
