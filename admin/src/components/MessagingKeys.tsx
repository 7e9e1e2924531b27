import { Badge, Banner, Button, DataTable, Text } from "@shopify/polaris";
import { useMutation, useQuery } from "@tanstack/react-query";
import { keys, useInvalidate } from "../queries";
import { useState } from "react";
import { createMessagingKey, listMessagingKeys, revokeMessagingKey } from "../api";
import { ErrorBanner, Notice, OneFieldForm, Section } from "../ui";
import { formatDate } from "../view-model";

/**
 * Keys for the shop's messaging tools (email, SMS, WhatsApp) to report opens, clicks, replies and
 * unsubscribes to POST /messaging/events. A new key is shown once; revoking one refuses it at once.
 */
export function MessagingKeys() {
  const invalidate = useInvalidate();
  const list = useQuery({ queryKey: keys.messagingKeys, queryFn: listMessagingKeys });
  const [name, setName] = useState("");
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);
  const refresh = () => invalidate(keys.messagingKeys);
  const createKey = useMutation({
    mutationFn: (toolName: string) => createMessagingKey(toolName),
    onSuccess: (created) => {
      setShown({ name: created.name, key: created.key });
      setName("");
      return refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: async (k: { id: string; name: string }) => (
      await revokeMessagingKey(k.id), `The key for ${k.name} no longer works.`
    ),
    onSuccess: refresh,
  });
  const action = { error: createKey.error ?? revoke.error, notice: revoke.data, pending: createKey.isPending };
  const create = () => createKey.mutate(name.trim());
  return (
    <Section title="Messaging API keys" gap="300">
      <Text as="p" tone="subdued">
        Your messaging tools send opens, clicks, replies and unsubscribes with one of these keys. An unsubscribe revokes
        that channel&apos;s consent; replies and clicks raise the customer&apos;s engagement score.
      </Text>
      <ErrorBanner error={action.error ?? list.error} />
      <Notice text={action.notice} />
      {shown ? (
        <Banner
          tone="warning"
          title={`Copy the key for ${shown.name} now: it is not shown again`}
          onDismiss={() => setShown(null)}
        >
          <span data-testid="new-messaging-key" style={{ fontFamily: "monospace", wordBreak: "break-all" }}>
            {shown.key}
          </span>
        </Banner>
      ) : null}
      <OneFieldForm label="Tool name" value={name} onChange={setName} placeholder="e.g. Klaviyo">
        <Button variant="primary" disabled={name.trim() === ""} loading={action.pending} onClick={() => void create()}>
          Create key
        </Button>
      </OneFieldForm>
      <div data-testid="messaging-keys">
        <DataTable
          columnContentTypes={["text", "text", "text", "text"]}
          headings={["Tool", "Created", "Last used", ""]}
          rows={(list.data?.keys ?? []).map((k) => [
            k.name,
            formatDate(k.createdAt, "UTC", true),
            formatDate(k.lastUsedAt, "UTC", true),
            k.revokedAt ? (
              <Badge tone="critical">revoked</Badge>
            ) : (
              <Button tone="critical" size="slim" onClick={() => revoke.mutate({ id: k.id, name: k.name })}>
                Revoke
              </Button>
            ),
          ])}
        />
      </div>
    </Section>
  );
}
