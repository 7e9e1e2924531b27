import { useState } from "react";
import { Navigator, reactExtension, Screen, useApi } from "@shopify/ui-extensions-react/point-of-sale";
import { channelConsentRows, pickConsentText } from "./consent-capture";
import {
  ExtensionRoot,
  useCheckoutHints,
  useConnected,
  useConsentRecorder,
  useConsentTexts,
  usePendingOutbox,
  useProfile,
  useServices,
  useSubscribable,
} from "./hooks";
import { ConsentConfirm, ConsentOverview, type ConsentRequest } from "./views/ConsentScreens";
import { ProfileBody } from "./views/ProfileScreen";
import { UpsellBody } from "./views/UpsellScreen";

export const SCREENS = { profile: "Profile", consent: "Consent", confirm: "ConsentConfirm", upsell: "Upsell" } as const;

function CustomerModal() {
  const api = useApi<"pos.home.modal.render">();
  const services = useServices();
  const cart = useSubscribable(api.cart.subscribable);
  const connected = useConnected(api.connectivity.subscribable);
  const locale = useSubscribable(api.locale.subscribable);
  const [lookedUpId, setLookedUpId] = useState<string | null>(null);
  const customerId = cart.customer ? String(cart.customer.id) : lookedUpId;
  const profile = useProfile(customerId, connected);
  const pending = usePendingOutbox();
  const texts = useConsentTexts(connected);
  const productIds = [...new Set(cart.lineItems.flatMap((line) => (line.productId == null ? [] : [String(line.productId)])))];
  const hints = useCheckoutHints(customerId, productIds, connected);
  const record = useConsentRecorder(connected);
  const [request, setRequest] = useState<ConsentRequest | null>(null);
  const [busy, setBusy] = useState(false);

  const view = profile.state.status === "live" || profile.state.status === "cached" ? profile.state.view : null;
  const rows = customerId ? channelConsentRows(view, pending, customerId) : [];
  const text = request ? pickConsentText(texts ?? [], request.channel, locale) : undefined;

  async function confirm() {
    if (!request || !text || !customerId || busy) return;
    setBusy(true);
    try {
      const outcome = await record({ shopifyCustomerId: customerId, channel: request.channel, action: request.action, text });
      services.toast(outcome === "sent" ? "Consent recorded." : "Consent saved on this register; pending sync.");
      api.navigation.pop();
    } catch (error) {
      services.toast(`Consent not recorded: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Navigator initialScreenName={SCREENS.profile}>
      <Screen name={SCREENS.profile} title="Customer 360">
        <ProfileBody
          customerId={customerId}
          profile={profile}
          now={services.now()}
          onLookUp={setLookedUpId}
          onOpenConsent={() => api.navigation.navigate(SCREENS.consent)}
          onOpenUpsell={() => api.navigation.navigate(SCREENS.upsell)}
        />
      </Screen>
      <Screen name={SCREENS.consent} title="Marketing consent">
        <ConsentOverview
          rows={rows}
          offlineLabel={profile.offlineLabel}
          onChoose={(next) => {
            setRequest(next);
            api.navigation.navigate(SCREENS.confirm);
          }}
        />
      </Screen>
      <Screen name={SCREENS.confirm} title="Consent">
        <ConsentConfirm request={request} text={text} busy={busy} onConfirm={() => void confirm()} onCancel={() => api.navigation.pop()} />
      </Screen>
      <Screen name={SCREENS.upsell} title="Upsell hints">
        <UpsellBody hints={hints} hasCustomer={customerId !== null} />
      </Screen>
    </Navigator>
  );
}

export default reactExtension("pos.home.modal.render", (api) => (
  <ExtensionRoot api={api}>
    <CustomerModal />
  </ExtensionRoot>
));
