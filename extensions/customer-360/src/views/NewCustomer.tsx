import { useState } from "preact/hooks";
import { ServerCallError } from "../api";
import { useServices } from "../runtime";
import type { CartPosApi } from "../services";

type Fields = { firstName: string; lastName: string; email: string; phone: string };
type Saved = { status: "idle" | "saving" } | { status: "failed" | "saved_not_attachable"; message: string };

const LABELS: Record<keyof Fields, string> = {
  firstName: "First name",
  lastName: "Last name",
  email: "Email",
  phone: "Phone",
};

/**
 * "New customer": saved by the server like any sign-up (the same email or phone finds the same person),
 * then attached to the cart when Shopify knows them; consent is offered right after (`onAttached`).
 */
export function NewCustomer(props: { api: CartPosApi; connected: boolean; onAttached: () => void }) {
  const services = useServices();
  const [open, setOpen] = useState(false);
  const [fields, setFields] = useState<Fields>({ firstName: "", lastName: "", email: "", phone: "" });
  const [saved, setSaved] = useState<Saved>({ status: "idle" });
  if (!open) return <s-button onClick={() => setOpen(true)}>New customer</s-button>;

  async function save() {
    if (saved.status === "saving") return;
    if (!props.connected) return setSaved({ status: "failed", message: "Creating a customer needs a connection." });
    setSaved({ status: "saving" });
    const given = (v: string) => (v.trim() ? v.trim() : undefined);
    try {
      const created = await services.client.createCustomer({
        id: services.newId(),
        firstName: fields.firstName.trim(),
        lastName: given(fields.lastName),
        email: given(fields.email),
        phone: given(fields.phone),
      });
      const name = [fields.firstName.trim(), fields.lastName.trim()].filter(Boolean).join(" ");
      if (!created.shopifyCustomerId) {
        const message =
          `${name} is saved. Shopify does not know them yet, so they cannot be added to this cart; ` +
          "find them again once the shop is connected to Shopify.";
        return setSaved({ status: "saved_not_attachable", message });
      }
      await props.api.cart.setCustomer({ id: Number(created.shopifyCustomerId) });
      services.toast(`${name} created and added to the cart.`);
      props.onAttached();
    } catch (error) {
      const message = error instanceof ServerCallError ? error.message : "Not saved; try again.";
      setSaved({ status: "failed", message });
    }
  }

  return (
    <s-section heading="New customer">
      <s-stack direction="block" gap="small">
        {(Object.keys(LABELS) as (keyof Fields)[]).map((key) => (
          <s-text-field
            key={key}
            label={LABELS[key]}
            value={fields[key]}
            onInput={(event) => {
              const value = String((event.currentTarget as { value?: string }).value ?? "");
              setFields((f) => ({ ...f, [key]: value }));
            }}
          />
        ))}
        {saved.status === "failed" ? <s-banner heading={saved.message} tone="critical" /> : null}
        {saved.status === "saved_not_attachable" ? <s-banner heading={saved.message} tone="info" /> : null}
        <s-button variant="primary" loading={saved.status === "saving"} onClick={() => void save()}>
          Save customer
        </s-button>
      </s-stack>
    </s-section>
  );
}
