import type { Channel } from "@c360/shared";
import { useState } from "preact/hooks";
import { channelLabel, channelConsentRows, channelsToAsk, pickConsentText } from "./consent-capture";
import { customerName } from "./customer-summary";
import {
  mount,
  orderCustomerId,
  useConnected,
  useConsentRecorder,
  useConsentTexts,
  usePendingOutbox,
  useProfile,
  useServices,
  useSignal,
} from "./runtime";
import type { PosApi } from "./services";

interface PostPurchaseApi extends PosApi {
  order: { customerId?: number };
}

/** Closes the modal: POS gives action targets `window.close()` from 2025-10 on. */
const closeModal = () => globalThis.close();

/** After a sale, ask for marketing consent on each channel the customer has not granted yet. */
function PostPurchaseConsent({ api }: { api: PostPurchaseApi }) {
  const services = useServices();
  const connected = useConnected(api);
  const locale = useSignal(api.locale.current);
  const customerId = orderCustomerId(api.order) == null ? null : String(orderCustomerId(api.order));
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
      const label = channelLabel(channel);
      services.toast(outcome === "sent" ? `${label} consent recorded.` : `${label} consent saved; pending sync.`);
    } catch (error) {
      services.toast(`Consent not recorded: ${(error as Error).message}`);
    } finally {
      setBusy(null);
    }
  }

  function body() {
    if (!customerId) return <s-text>This sale has no customer, so there is no one to ask.</s-text>;
    if (profile.state.status === "loading" || texts === null) return <s-text>Loading…</s-text>;
    if (toAsk.length === 0)
      return <s-text>{view ? `${customerName(view)} has already granted every channel.` : "Nothing to ask."}</s-text>;
    return (
      <s-stack direction="block" gap="base">
        {profile.offlineLabel ? <s-banner heading={profile.offlineLabel} tone="info" /> : null}
        <s-text>{view ? `Ask ${customerName(view)}:` : "Ask the customer:"}</s-text>
        {toAsk.map((channel) => {
          const text = pickConsentText(texts, channel, locale);
          return (
            <s-section key={channel} heading={channelLabel(channel)}>
              <s-stack direction="block" gap="small">
                <s-text>{text ? text.text : "No consent text for this channel yet; connect once to load it."}</s-text>
                {text ? <s-text type="small">{`Consent text version ${text.version} (${text.locale})`}</s-text> : null}
                <s-button
                  variant="primary"
                  disabled={!text || busy !== null}
                  loading={busy === channel}
                  onClick={() => void agree(channel)}
                >
                  {`Customer agrees to ${channelLabel(channel)}`}
                </s-button>
              </s-stack>
            </s-section>
          );
        })}
      </s-stack>
    );
  }

  return (
    <s-page heading="Marketing consent">
      <s-scroll-box>
        {body()}
        <s-button onClick={closeModal}>Done</s-button>
      </s-scroll-box>
    </s-page>
  );
}

export default mount(PostPurchaseConsent);
