import { useState, type FormEvent } from 'react';

/**
 * A one-field form that adds something (a folder, a libvirt URI). The field is cleared
 * after a successful add, but only if nobody typed something else meanwhile.
 */
export function AddForm({ label, placeholder, action, onAdd }: { label: string; placeholder: string; action: string; onAdd: (value: string) => Promise<boolean> }) {
  const [value, setValue] = useState('');
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const submitted = value;
    if (await onAdd(submitted)) setValue((current) => (current === submitted ? '' : current));
  };
  return (
    <form className="folder-form" onSubmit={(event) => void submit(event)}>
      <input aria-label={label} placeholder={placeholder} value={value} onChange={(event) => setValue(event.target.value)} />
      <button type="submit" disabled={value.trim() === ''}>
        {action}
      </button>
    </form>
  );
}
