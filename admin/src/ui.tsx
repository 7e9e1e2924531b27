import {
  Banner,
  BlockStack,
  type BlockStackProps,
  Button,
  Card,
  InlineStack,
  Spinner,
  Text,
  TextField,
} from "@shopify/polaris";
import type { ReactNode } from "react";
import { routePath, type Route } from "./routes";

/** Client-side navigation under /admin/; App listens for the event. */
export function navigate(route: Route | string) {
  const path = typeof route === "string" ? route : routePath(route);
  history.pushState(null, "", path);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** A query's or mutation's error as the sentence the server gave (ApiError carries it). */
export const errorText = (error: unknown): string | null =>
  error == null ? null : error instanceof Error ? error.message : String(error);

export function ErrorBanner({ error, title = "Something went wrong" }: { error: unknown; title?: string }) {
  const text = errorText(error);
  if (!text) return null;
  return (
    <Banner tone="critical" title={title}>
      <p data-testid="error-message">{text}</p>
    </Banner>
  );
}

/** One section of a page: a card, its heading, then what it holds (every page's cards look alike). */
export function Section({
  title,
  gap = "200",
  children,
}: {
  title: string;
  gap?: BlockStackProps["gap"];
  children?: ReactNode;
}) {
  return (
    <Card>
      <BlockStack gap={gap}>
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {children}
      </BlockStack>
    </Card>
  );
}

/** A form of one text field with its buttons beside it, lined up on the field's bottom edge. */
export function OneFieldForm({
  minWidth,
  children,
  ...field
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  helpText?: string;
  placeholder?: string;
  /** Room for what is typed (a long ID), so the buttons do not squeeze it. */
  minWidth?: number;
  children: ReactNode;
}) {
  return (
    <InlineStack gap="200" blockAlign="end">
      <div style={minWidth ? { minWidth } : undefined}>
        <TextField {...field} autoComplete="off" />
      </div>
      {children}
    </InlineStack>
  );
}

export function Notice({ text }: { text: string | null | undefined }) {
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

/**
 * What an empty list means and what to do about it, instead of bare table headers: a sentence, and
 * where it helps a button to the page that fills it.
 */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: { content: string; url: string };
}) {
  return (
    <div data-testid="empty-state" style={{ padding: "16px 0" }}>
      <BlockStack gap="200" inlineAlign="start">
        <Text as="p" variant="headingSm">
          {title}
        </Text>
        {children ? (
          <Text as="p" tone="subdued">
            {children}
          </Text>
        ) : null}
        {action ? <Button url={action.url}>{action.content}</Button> : null}
      </BlockStack>
    </div>
  );
}

const SEGMENT_COLOURS = ["#5c6ac4", "#47c1bf", "#50b83c", "#007ace", "#eec200", "#de3618"];

/** One row of shares as a single stacked bar (a shop's lifecycle mix in a table cell). */
export function StackedBar({
  parts,
  label,
}: {
  parts: { key: string; label: string; share: number }[];
  label: string;
}) {
  return (
    <div
      role="img"
      aria-label={label}
      title={label}
      style={{ display: "flex", width: 160, height: 10, borderRadius: 4, overflow: "hidden", background: "#f1f1f1" }}
    >
      {parts.map((p, i) => (
        <div
          key={p.key}
          data-segment={p.key}
          data-share={p.share}
          style={{ width: `${p.share}%`, background: SEGMENT_COLOURS[i % SEGMENT_COLOURS.length] }}
        />
      ))}
    </div>
  );
}

/** Polaris renders links through this, so in-app URLs navigate without reloading the page. */
export function AdminLink({
  url,
  children,
  external,
  ...rest
}: {
  url: string;
  children?: ReactNode;
  external?: boolean;
  [key: string]: unknown;
}) {
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
