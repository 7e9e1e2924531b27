import { useState } from "react";
import type { Channel } from "@c360/shared";
import { Banner, Button, Navigator, reactExtension, Screen, ScrollView, Section, Stack, Text, useApi } from "@shopify/ui-extensions-react/point-of-sale";
import { CHANNEL_LABELS, channelConsentRows, channelsToAsk, pickConsentText } from "./consent-capture";
import { customerName } from "./customer-summary";
import { ExtensionRoot, useConnected, useConsentRecorder, useConsentTexts, usePendingOutbox, useProfile, useServices, useSubscribable } from "./hooks";

/** After a sale, ask for marketing consent on each channel the customer has not granted yet. */
function PostPurchaseConsent() {
  const api = useApi<"pos.purchase.post.action.render">();
  const services = useServices();
  const connected = useConnected(api.connectivity.subscribable);
  const locale = useSubscribable(api.locale.subscribable);
  const customerId = api.order.customerId == null ? null : String(api.order.customerId);
  const profile = useProfile(customerId, connected);
  const pending = usePendingOutbox();
  const texts = useConsentTexts(connected);
  const record = useConsentRecorder(connected);
  const [busy, setBusy] = useState<Channel | null>(null);

  const view = profile.state.status === "live" || profile.state.status === "cached" ? profile.state.view : null;
  const toAsk = customerId ? channelsToAsk(channelConsentRows(view, pending, customerId)) : [];

  async function agree(channel: Channel) {
    const text = pickConsentText(texts ?? [], channel, locale);
    if (!customerId || !text) return;
    setBusy(channel);
    try {
      const outcome = await record({ shopifyCustomerId: customerId, channel, action: "granted", text });
      services.toast(outcome === "sent" ? `${CHANNEL_LABELS[channel]} consent recorded.` : `${CHANNEL_LABELS[channel]} consent saved; pending sync.`);
    } catch (error) {
      services.toast(`Consent not recorded: ${(error as Error).message}`);
    } finally {
      setBusy(null);
    }
  }

  function body() {
    if (!customerId) return <Text>This sale has no customer, so there is no one to ask.</Text>;
    if (profile.state.status === "loading" || texts === null) return <Text>Loading…</Text>;
    if (toAsk.length === 0) return <Text>{view ? `${customerName(view)} has already granted every channel.` : "Nothing to ask."}</Text>;
    return (
      <ScrollView>
        {profile.offlineLabel ? <Banner title={profile.offlineLabel} variant="information" visible hideAction /> : null}
        <Text>{view ? `Ask ${customerName(view)}:` : "Ask the customer:"}</Text>
        {toAsk.map((channel) => {
          const text = pickConsentText(texts, channel, locale);
          return (
            <Section key={channel} title={CHANNEL_LABELS[channel]}>
              <Stack direction="block" gap="100" padding="200">
                <Text>{text ? text.text : "No consent text for this channel yet; connect once to load it."}</Text>
                {text ? <Text variant="captionRegular">{`Consent text version ${text.version} (${text.locale})`}</Text> : null}
                <Button
                  title={`Customer agrees to ${CHANNEL_LABELS[channel]}`}
                  type="primary"
                  isDisabled={!text || busy !== null}
                  isLoading={busy === channel}
                  onPress={() => void agree(channel)}
                />
              </Stack>
            </Section>
          );
        })}
      </ScrollView>
    );
  }

  return (
    <Navigator initialScreenName="AskConsent">
      <Screen name="AskConsent" title="Marketing consent" secondaryAction={{ text: "Done", onPress: () => api.navigation.dismiss() }}>
        {body()}
      </Screen>
    </Navigator>
  );
}

export default reactExtension("pos.purchase.post.action.render", (api) => (
  <ExtensionRoot api={api}>
    <PostPurchaseConsent />
  </ExtensionRoot>
));
