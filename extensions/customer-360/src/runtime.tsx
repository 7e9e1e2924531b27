/**
 * The Preact adapter: POS signals and the services, as hooks. Rules live in the plain modules beside
 * this file; views and this file are all that know about Preact.
 */
import { createContext, render, type ComponentChildren, type FunctionComponent } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import type { CheckoutHint, ConsentText } from "./api";
import { buildConsentCapture, staffOf } from "./consent-capture";
import type { Channel, RedemptionView } from "@c360/shared";
import { OutboxFullError, type OutboxEntry } from "./offline-queue";
import { offlineLabel } from "./profile-cache";
import { loadConsentTexts, loadProfile, type ProfileState } from "./profile-loader";
import { APP_URL } from "./config";
import { createRedemptions, type RedemptionOutcome } from "./redemption";
import {
  createServices,
  shopifyGlobal,
  type CartPosApi,
  type PosApi,
  type Services,
  type SignalLike,
} from "./services";
import { STORAGE_KEYS } from "./storage";
import { decideVisit, visitBody, type CartSnapshot, type CartVisits } from "./visits";

const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error("Customer 360 views must render inside <ExtensionRoot>.");
  return services;
}

/** Wraps every target: builds its services and keeps the outbox flowing whenever POS is online. */
export function ExtensionRoot(props: { api: PosApi; services?: Services; children: ComponentChildren }) {
  const [services] = useState(() => props.services ?? createServices(props.api));
  const connected = useConnected(props.api);
  useEffect(() => {
    if (!connected) return;
    void services.outbox.flush().then((result) => {
      for (const { entry, message } of result.rejected) {
        services.toast(
          entry.kind === "consent" ? `Consent not recorded: ${message}` : `Visit not recorded: ${message}`,
        );
      }
    });
  }, [connected, services]);
  return <ServicesContext.Provider value={services}>{props.children}</ServicesContext.Provider>;
}

/** The current value of a POS signal, re-rendering on change. */
export function useSignal<T>(signal: SignalLike<T>): T {
  // A target's signals live as long as the target; the first one seen is the one to follow (a host may
  // hand out a fresh wrapper object on each property read, which must not re-subscribe every render).
  const [followed] = useState(() => signal);
  const [value, setValue] = useState<T>(followed.value);
  useEffect(() => {
    const stop = followed.subscribe((next) => setValue(next));
    // A change between the first render and this subscription would otherwise be missed.
    setValue(followed.value);
    return stop;
  }, [followed]);
  return value;
}

export function useConnected(api: PosApi): boolean {
  return useSignal(api.connectivity.current).internetConnected === "Connected";
}

/**
 * A target's entry: POS calls the module's default export once, with the `shopify` global in place,
 * and the target renders into `document.body`.
 */
export function mount<A extends PosApi>(View: FunctionComponent<{ api: A }>): () => Promise<void> {
  return async () => {
    const api = shopifyGlobal<A>();
    render(
      <ExtensionRoot api={api}>
        <View api={api} />
      </ExtensionRoot>,
      document.body,
    );
  };
}

export function usePendingOutbox(): OutboxEntry[] {
  const { outbox } = useServices();
  const [pending, setPending] = useState<OutboxEntry[]>([]);
  useEffect(() => {
    let live = true;
    const refresh = () => void outbox.pending().then((entries) => live && setPending(entries));
    refresh();
    const stop = outbox.subscribe(refresh);
    return () => {
      live = false;
      stop();
    };
  }, [outbox]);
  return pending;
}

export interface LoadedProfile {
  state: ProfileState;
  /** "offline, as of 14:05" when the register shows what it kept. */
  offlineLabel: string | null;
}

export function useProfile(shopifyCustomerId: string | null, connected: boolean): LoadedProfile {
  const services = useServices();
  const [state, setState] = useState<ProfileState>({ status: "loading" });
  const [reloads, setReloads] = useState(0);
  useEffect(() => services.outbox.subscribe((change) => change === "synced" && setReloads((n) => n + 1)), [services]);
  useEffect(() => {
    if (!shopifyCustomerId) return;
    let live = true;
    setState((previous) =>
      previous.status === "live" || previous.status === "cached" ? previous : { status: "loading" },
    );
    void loadProfile({
      client: services.client,
      cache: services.cache,
      connected,
      shopifyCustomerId,
      now: services.now(),
    }).then((next) => live && setState(next));
    return () => {
      live = false;
    };
  }, [shopifyCustomerId, connected, reloads, services]);
  const shown: ProfileState = shopifyCustomerId ? state : { status: "loading" };
  return { state: shown, offlineLabel: shown.status === "cached" ? offlineLabel(shown.fetchedAt) : null };
}

export function useConsentTexts(connected: boolean): ConsentText[] | null {
  const services = useServices();
  const [texts, setTexts] = useState<ConsentText[] | null>(null);
  useEffect(() => {
    let live = true;
    void loadConsentTexts({ client: services.client, cache: services.cache, connected }).then(
      (t) => live && setTexts(t),
    );
    return () => {
      live = false;
    };
  }, [connected, services]);
  return texts;
}

export type HintsState =
  | { status: "loading" }
  | { status: "ready"; hints: CheckoutHint[] }
  | { status: "unavailable"; message: string };

export function useCheckoutHints(
  shopifyCustomerId: string | null,
  productIds: readonly string[],
  connected: boolean,
): HintsState {
  const services = useServices();
  const [state, setState] = useState<HintsState>({ status: "loading" });
  const key = productIds.join(",");
  useEffect(() => {
    if (!shopifyCustomerId) return;
    if (!connected) {
      setState({ status: "unavailable", message: "Suggestions need a connection." });
      return;
    }
    let live = true;
    setState({ status: "loading" });
    services.client.checkoutHints({ shopifyCustomerId, productIds: key ? key.split(",") : [] }).then(
      (hints) => live && setState({ status: "ready", hints }),
      (error: Error) => live && setState({ status: "unavailable", message: error.message }),
    );
    return () => {
      live = false;
    };
  }, [shopifyCustomerId, key, connected, services]);
  return state;
}

/** Logs a visit for each customer attached to the cart, once per cart; queued in the outbox like consent. */
export function useVisitLogging(cart: CartSnapshot, connected: boolean): void {
  const services = useServices();
  const chain = useRef<Promise<void>>(Promise.resolve());
  const connectedRef = useRef(connected);
  connectedRef.current = connected;
  useEffect(() => {
    chain.current = chain.current
      .then(async () => {
        const logged = ((await services.store.get(STORAGE_KEYS.visit)) as CartVisits | undefined) ?? null;
        const decision = decideVisit(logged, cart, services.newId);
        if (decision.action === "forget") await services.store.delete(STORAGE_KEYS.visit);
        if (decision.action !== "log") return;
        await services.store.set(STORAGE_KEYS.visit, decision.next);
        const where = {
          locationId: services.session.locationId == null ? null : String(services.session.locationId),
          staffId: staffOf(services.session),
        };
        const at = services.now();
        await services.outbox.add({
          kind: "visit",
          id: decision.visitId,
          queuedAt: at.toISOString(),
          body: visitBody(decision, at, where),
        });
        if (connectedRef.current) await services.outbox.flush();
      })
      .catch((error: unknown) => {
        // A full outbox is the clerk's to know (it says how to clear it);
        // anything else retries on the next cart change.
        if (error instanceof OutboxFullError) services.toast(`Visit not recorded: ${error.message}`);
      });
  }, [cart.customerId, cart.lineCount, services]);
}

/** Records a consent decision: into the outbox first (so it survives a crash), then sent if online. */
export function useConsentRecorder(connected: boolean) {
  const services = useServices();
  return useCallback(
    async (input: {
      shopifyCustomerId: string;
      channel: Channel;
      action: "granted" | "revoked";
      text: ConsentText;
      phone?: string | undefined;
    }) => {
      const actedAt = services.now();
      const body = buildConsentCapture({ ...input, id: services.newId(), actedAt, session: services.session });
      await services.outbox.add({ kind: "consent", id: body.id, queuedAt: actedAt.toISOString(), body });
      if (!connected) return "queued" as const;
      const result = await services.outbox.flush();
      if (result.sent.some((e) => e.id === body.id)) return "sent" as const;
      const refused = result.rejected.find((r) => r.entry.id === body.id);
      if (refused) throw new Error(refused.message);
      return "queued" as const;
    },
    [connected, services],
  );
}

/** The sale's customer; POS leaves the key out for a sale without one. */
export function orderCustomerId(order: { customerId?: number }): number | undefined {
  return "customerId" in order ? order.customerId : undefined;
}

export type RedeemState = { status: "loading" } | { status: "none" } | { status: "on_cart"; view?: RedemptionView };

/**
 * Points on the cart, for the profile's "Redeem points" screen: the module that holds, discounts and
 * releases (never offline), and whether this cart already carries a redemption.
 */
export function useRedemption(api: CartPosApi, connected: boolean) {
  const services = useServices();
  const connectedRef = useRef(connected);
  connectedRef.current = connected;
  const [redemptions] = useState(() =>
    createRedemptions({
      appUrl: APP_URL,
      getSessionToken: () => api.session.getSessionToken(),
      isOnline: () => connectedRef.current,
      newId: services.newId,
      store: services.store,
      cart: api.cart,
    }),
  );
  const [state, setState] = useState<RedeemState>({ status: "loading" });
  useEffect(() => {
    void redemptions.active().then((id) => setState(id ? { status: "on_cart" } : { status: "none" }));
  }, [redemptions]);
  const [busy, setBusy] = useState(false);
  type Done = Extract<RedemptionOutcome, { ok: true }>;
  const act = async (step: () => Promise<RedemptionOutcome | null>, done: (o: Done) => string) => {
    if (busy) return;
    setBusy(true);
    try {
      const outcome = await step();
      if (!outcome) return setState({ status: "none" });
      services.toast(outcome.ok ? done(outcome) : outcome.message);
      if (!outcome.ok) return;
      setState(outcome.view.state === "held" ? { status: "on_cart", view: outcome.view } : { status: "none" });
    } finally {
      setBusy(false);
    }
  };
  return {
    state,
    busy,
    apply: (input: Parameters<typeof redemptions.apply>[0]) =>
      act(
        () => redemptions.apply(input),
        (o) => `${o.view.discount.title} applied to the cart.`,
      ),
    remove: () =>
      act(
        () => redemptions.release(),
        () => "Points discount removed; the points are back.",
      ),
  };
}
