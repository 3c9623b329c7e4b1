import { useTranslation } from 'react-i18next';

/** A gesture's text field, its label above it. */
export function Field({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input value={value} onChange={(event) => onChange(event.target.value)} spellCheck={false} />
    </label>
  );
}

/** A new file's field: the core takes absolute paths only, so a relative one is refused here, with the reason. */
export function PathField({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation('plans');
  return (
    <>
      <Field label={label} value={value} onChange={onChange} />
      {!value.startsWith('/') && <p className="form-error">{t('gesture.pathNotAbsolute')}</p>}
    </>
  );
}
