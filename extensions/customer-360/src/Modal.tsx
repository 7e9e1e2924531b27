import { useState } from "preact/hooks";
import { channelConsentRows, pickConsentText } from "./consent-capture";
import {
  mount,
  useCheckoutHints,
  useConnected,
  useConsentRecorder,
  useConsentTexts,
  usePendingOutbox,
  useProfile,
  useRedemption,
  useServices,
  useSignal,
} from "./runtime";
import type { CartPosApi } from "./services";
import { ConsentConfirm, ConsentOverview, type ConsentRequest } from "./views/ConsentScreens";
import { CustomerFinder } from "./views/CustomerFinder";
import { NewCustomer } from "./views/NewCustomer";
import { ProfileBody } from "./views/ProfileScreen";
import { RedeemBody } from "./views/RedeemScreen";
import { UpsellBody } from "./views/UpsellScreen";

export const SCREENS = {
  profile: "Customer 360",
  consent: "Marketing consent",
  confirm: "Consent",
  redeem: "Redeem points",
  upsell: "Upsell hints",
} as const;
type Screen = keyof typeof SCREENS;

function CustomerModal({ api }: { api: CartPosApi }) {
  const services = useServices();
  const cart = useSignal(api.cart.current);
  const connected = useConnected(api);
  const locale = useSignal(api.locale.current);
  const customerId = cart.customer ? String(cart.customer.id) : null;
  const profile = useProfile(customerId, connected);
  const pending = usePendingOutbox();
  const texts = useConsentTexts(connected);
  const productIds = [
    ...new Set(cart.lineItems.flatMap((line) => (line.productId == null ? [] : [String(line.productId)]))),
  ];
  const hints = useCheckoutHints(customerId, productIds, connected);
  const record = useConsentRecorder(connected);
  const redemption = useRedemption(api, connected);
  // The modal's own screens: a history stack, so "Back" returns where the clerk came from.
  const [history, setHistory] = useState<Screen[]>(["profile"]);
  const screen = history[history.length - 1]!;
  const open = (next: Screen) => setHistory((h) => [...h, next]);
  const back = () => setHistory((h) => (h.length > 1 ? h.slice(0, -1) : h));
  const [request, setRequest] = useState<ConsentRequest | null>(null);
  const [busy, setBusy] = useState(false);

  const view = profile.state.status === "live" || profile.state.status === "cached" ? profile.state.view : null;
  const rows = customerId ? channelConsentRows(view, pending, customerId) : [];
  const text = request ? pickConsentText(texts ?? [], request.channel, locale) : undefined;

  async function confirm(phone?: string) {
    if (!request || !text || !customerId || busy) return;
    setBusy(true);
    try {
      const { channel, action } = request;
      const outcome = await record({ shopifyCustomerId: customerId, channel, action, text, phone });
      services.toast(outcome === "sent" ? "Consent recorded." : "Consent saved on this register; pending sync.");
      back();
    } catch (error) {
      services.toast(`Consent not recorded: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  async function addToCart(hint: { variantId: string; productTitle?: string | undefined }) {
    try {
      await api.cart.addLineItem(Number(hint.variantId), 1);
      services.toast(`${hint.productTitle ?? "Item"} added to the cart.`);
    } catch (error) {
      services.toast(`Not added: ${(error as Error).message}`);
    }
  }

  return (
    <s-page heading={SCREENS[screen]}>
      <s-scroll-box>
        {history.length > 1 ? <s-button onClick={back}>Back</s-button> : null}
        {screen === "profile" ? (
          <ProfileBody
            customerId={customerId}
            profile={profile}
            now={services.now()}
            lookUp={
              <>
                <CustomerFinder api={api} connected={connected} />
                <NewCustomer api={api} connected={connected} onAttached={() => open("consent")} />
              </>
            }
            onOpenConsent={() => open("consent")}
            onOpenRedeem={() => open("redeem")}
            onOpenUpsell={() => open("upsell")}
          />
        ) : null}
        {screen === "consent" ? (
          <ConsentOverview
            rows={rows}
            offlineLabel={profile.offlineLabel}
            onChoose={(next) => {
              setRequest(next);
              open("confirm");
            }}
          />
        ) : null}
        {screen === "confirm" ? (
          <ConsentConfirm
            request={request}
            text={text}
            busy={busy}
            phones={view?.phones ?? []}
            onConfirm={(phone) => void confirm(phone)}
            onCancel={back}
          />
        ) : null}
        {screen === "redeem" && view && customerId ? (
          <RedeemBody
            view={view}
            shopifyCustomerId={customerId}
            cartTotal={cart.subtotal}
            connected={connected}
            redemption={redemption}
          />
        ) : null}
        {screen === "upsell" ? (
          <UpsellBody hints={hints} hasCustomer={customerId !== null} onAdd={(hint) => void addToCart(hint)} />
        ) : null}
      </s-scroll-box>
    </s-page>
  );
}

export default mount(CustomerModal);
