import { useLiveQuery } from "dexie-react-hooks";
import { type FormEvent, useId, useState } from "react";
import { type CaptureFields, type FieldErrors, findDuplicates, validateCapture } from "../capture-form";
import { displayName } from "../db";
import { addToExistingCustomer, captureCustomer } from "../outbox";
import { useServices, useSyncSoon } from "../use-sync";

const EMPTY: CaptureFields = { firstName: "", lastName: "", email: "", phone: "", birthday: "" };
const FIELDS: {
  key: keyof CaptureFields;
  label: string;
  type: string;
  autoComplete: string;
  inputMode?: "email" | "tel";
}[] = [
  { key: "firstName", label: "First name", type: "text", autoComplete: "off" },
  { key: "lastName", label: "Last name", type: "text", autoComplete: "off" },
  { key: "email", label: "Email", type: "email", autoComplete: "off", inputMode: "email" },
  { key: "phone", label: "Phone", type: "tel", autoComplete: "off", inputMode: "tel" },
  { key: "birthday", label: "Birthday (optional)", type: "date", autoComplete: "off" },
];

/** `defaultCountry`: the shop's, for national phone numbers (see `phoneCountry`). */
export function NewCustomer({
  defaultCountry,
  onSaved,
  onOpen,
}: {
  defaultCountry: string;
  onSaved: (id: string) => void;
  onOpen: (id: string) => void;
}) {
  const { db, changeDeps } = useServices();
  const syncSoon = useSyncSoon();
  const formId = useId();
  const [fields, setFields] = useState<CaptureFields>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saveAnyway, setSaveAnyway] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const ctx = { defaultCountry, today: changeDeps.now().toISOString().slice(0, 10) };
  const { input } = validateCapture(fields, ctx);
  const duplicates = useLiveQuery(() => findDuplicates(db, input), [db, input.email, input.phone], []);
  // The same email is the same person: the sign-up adds to them. A shared phone may be a household, so
  // a phone alone only warns.
  const sameEmail = input.email ? duplicates.find((d) => d.emails.includes(input.email!)) : undefined;
  const typedName = [input.firstName, input.lastName].filter(Boolean).join(" ");
  const nameDiffers = !!sameEmail && !!typedName && typedName.toLowerCase() !== displayName(sameEmail).toLowerCase();
  const [updateName, setUpdateName] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = validateCapture(fields, ctx);
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length > 0) return;
    if (!sameEmail && duplicates.length > 0 && !saveAnyway) {
      setSaveError(
        "This email or phone is already on this tablet. " +
          "Open the existing customer, or tick “Save as a new customer anyway”.",
      );
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const start = performance.now();
      const customer = sameEmail
        ? await addToExistingCustomer(db, changeDeps, sameEmail, checked.input, {
            updateName: nameDiffers && updateName,
          })
        : await captureCustomer(db, changeDeps, checked.input);
      performance.measure("c360:capture-saved", { start, end: performance.now() });
      syncSoon();
      onSaved(customer.id);
    } catch (error) {
      setSaveError(`Not saved: ${(error as Error).message}. Try again.`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <section aria-labelledby={`${formId}-title`}>
      <h2 id={`${formId}-title`}>New customer</h2>
      <form onSubmit={submit} noValidate className="capture">
        {FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              type={f.type}
              value={fields[f.key]}
              inputMode={f.inputMode}
              autoComplete={f.autoComplete}
              aria-invalid={errors[f.key] ? true : undefined}
              aria-describedby={errors[f.key] ? `${formId}-${f.key}-error` : undefined}
              onChange={(e) => setFields({ ...fields, [f.key]: e.target.value })}
            />
            {errors[f.key] && (
              <span id={`${formId}-${f.key}-error`} className="error">
                {errors[f.key]}
              </span>
            )}
          </label>
        ))}
        {sameEmail && (
          <div className="duplicate" role="alert" data-testid="same-email">
            <p>
              This email belongs to <strong>{displayName(sameEmail)}</strong>. Saving adds{" "}
              {input.phone ? "this phone, " : ""}the visit and consent to {displayName(sameEmail)}; no second customer
              is made.
            </p>
            <button type="button" className="link" onClick={() => onOpen(sameEmail.id)}>
              Open {displayName(sameEmail)} instead
            </button>
            {nameDiffers && (
              <label className="check">
                <input type="checkbox" checked={updateName} onChange={(e) => setUpdateName(e.target.checked)} />
                Also change their name to “{typedName}”
              </label>
            )}
          </div>
        )}
        {!sameEmail && duplicates.length > 0 && (
          <div className="duplicate" role="alert">
            <p>Possible duplicate: this email or phone already belongs to</p>
            <ul>
              {duplicates.map((d) => (
                <li key={d.id}>
                  <button type="button" className="link" onClick={() => onOpen(d.id)}>
                    {displayName(d)} ({[d.emails[0], d.phones[0]].filter(Boolean).join(", ")}) — open existing customer
                  </button>
                </li>
              ))}
            </ul>
            <label className="check">
              <input type="checkbox" checked={saveAnyway} onChange={(e) => setSaveAnyway(e.target.checked)} />
              Save as a new customer anyway
            </label>
          </div>
        )}
        {saveError && (
          <p role="alert" className="error">
            {saveError}
          </p>
        )}
        <button type="submit" disabled={saving}>
          {sameEmail ? `Add to ${displayName(sameEmail)}` : "Save customer"}
        </button>
      </form>
    </section>
  );
}
