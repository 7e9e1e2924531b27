import { Banner, BlockStack, InlineStack, Spinner, Text } from "@shopify/polaris";
import { useCallback, useEffect, useState, type ReactNode } from "react";
import { routePath, type Route } from "./routes";
import { bars } from "./view-model";

/** Client-side navigation under /admin/; main.tsx listens for the event. */
export function navigate(route: Route | string) {
  const path = typeof route === "string" ? route : routePath(route);
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Loads on mount and whenever `deps` change; errors become the server's message. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (e: Error) => live && setState({ data: null, error: e.message, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Runs an action, keeping its pending flag, error and last message for the page to show. */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const run = useCallback(async <T,>(act: () => Promise<T>, done?: (r: T) => string | void) => {
    setPending(true);
    setError(null);
    setNotice(null);
    try {
      const r = await act();
      const msg = done?.(r);
      if (msg) setNotice(msg);
      return r;
    } catch (e) {
      setError((e as Error).message);
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, error, notice, run, setNotice, setError };
}

export function ErrorBanner({ error, title = "Something went wrong" }: { error: string | null; title?: string }) {
  if (!error) return null;
  return (
    <Banner tone="critical" title={title}>
      <p data-testid="error-message">{error}</p>
    </Banner>
  );
}

export function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <Banner tone="success">
      <p data-testid="notice">{text}</p>
    </Banner>
  );
}

export function Loading({ loading, children }: { loading: boolean; children?: ReactNode }) {
  if (!loading) return <>{children}</>;
  return (
    <InlineStack gap="200" blockAlign="center">
      <Spinner size="small" accessibilityLabel="Loading" />
      <Text as="span" tone="subdued">
        Loading…
      </Text>
    </InlineStack>
  );
}

/** A horizontal bar chart in plain CSS: label, bar, value and share. */
export function BarChart({ entries, testId, of }: { entries: { key: string; label: string; value: number }[]; testId?: string; of?: number }) {
  return (
    <div data-testid={testId}>
      <BlockStack gap="150">
        {bars(entries, of).map((b) => (
          <div key={b.key} data-bar={b.key} data-value={b.value} style={{ display: "grid", gridTemplateColumns: "9rem 1fr 6rem", gap: 8, alignItems: "center" }}>
            <Text as="span">{b.label}</Text>
            <div style={{ background: "var(--p-color-bg-surface-secondary, #f1f1f1)", borderRadius: 4, height: 14 }}>
              <div style={{ width: `${b.width}%`, background: "var(--p-color-bg-fill-info, #5c6ac4)", height: 14, borderRadius: 4 }} />
            </div>
            <Text as="span" alignment="end" numeric>
              {b.value} ({b.share}%)
            </Text>
          </div>
        ))}
      </BlockStack>
    </div>
  );
}

const SEGMENT_COLOURS = ["#5c6ac4", "#47c1bf", "#50b83c", "#007ace", "#eec200", "#de3618"];

/** One row of shares as a single stacked bar (a shop's lifecycle mix in a table cell). */
export function StackedBar({ parts, label }: { parts: { key: string; label: string; share: number }[]; label: string }) {
  return (
    <div role="img" aria-label={label} title={label} style={{ display: "flex", width: 160, height: 10, borderRadius: 4, overflow: "hidden", background: "#f1f1f1" }}>
      {parts.map((p, i) => (
        <div key={p.key} data-segment={p.key} data-share={p.share} style={{ width: `${p.share}%`, background: SEGMENT_COLOURS[i % SEGMENT_COLOURS.length] }} />
      ))}
    </div>
  );
}

/** Polaris renders links through this, so in-app URLs navigate without reloading the page. */
export function AdminLink({ url, children, external, ...rest }: { url: string; children?: ReactNode; external?: boolean; [key: string]: unknown }) {
  const inApp = !external && url.startsWith("/admin");
  return (
    <a
      href={url}
      {...(rest as Record<string, unknown>)}
      onClick={(e) => {
        if (!inApp || e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(url);
      }}
    >
      {children}
    </a>
  );
}
