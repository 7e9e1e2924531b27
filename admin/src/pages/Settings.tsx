import {
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineGrid,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { channelLabel } from "@c360/shared/labels";
import { CHANNELS, phoneCountries } from "@c360/shared/settings";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ApiError, getSettings, listConsentTexts, publishConsentText, putSettings, type Settings } from "../api";
import { keys } from "../queries";
import { MessagingKeys } from "../components/MessagingKeys";
import { StageDistribution } from "../stage-distribution";
import { ErrorBanner, Loading, Notice, Section } from "../ui";
import {
  SETTINGS_NUMBER_FIELDS,
  describeSettingsEffects,
  placeFieldErrors,
  settingsForm,
  settingsPatch,
  type SettingsForm,
} from "../view-model";

/** Time zones as the browser's Intl knows them, the same test the server applies. */
const timeZones = (): string[] => {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return supported.includes("UTC") ? supported : ["UTC", ...supported];
};
const countryName = new Intl.DisplayNames(["en"], { type: "region" });

const GROUPS: { title: string; prefix: string }[] = [
  { title: "Lifecycle windows", prefix: "lifecycle." },
  { title: "Message caps and fatigue", prefix: "caps." },
  { title: "Loyalty and identity", prefix: "" },
];
const groupOf = (path: string) =>
  path.startsWith("lifecycle.") ? "lifecycle." : path.startsWith("caps.") || path === "fatigueThreshold" ? "caps." : "";

function SettingsFormCard({ settings }: { settings: Settings }) {
  const client = useQueryClient();
  const [form, setForm] = useState<SettingsForm>(() => settingsForm(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [unplaced, setUnplaced] = useState<string[]>([]);
  useEffect(() => setForm(settingsForm(settings)), [settings]);
  const zones = useMemo(() => {
    const all = timeZones();
    return all.includes(form.timeZone) ? all : [form.timeZone, ...all];
  }, [form.timeZone]);
  const countries = useMemo(() => {
    const all = phoneCountries();
    return (all.includes(form.defaultCountry) ? all : [form.defaultCountry, ...all]).map((c) => ({
      value: c,
      label: `${countryName.of(c) ?? c} (${c})`,
    }));
  }, [form.defaultCountry]);
  const save = useMutation({
    mutationFn: putSettings,
    onSuccess: (r) => {
      setNotice(describeSettingsEffects(r.effects).join(" "));
      client.setQueryData(keys.settings, { settings: r.settings, overrides: r.overrides });
      // A changed window re-stages customers: the stage chart, the list and the dashboard show it now.
      void client.invalidateQueries({ queryKey: keys.dashboard });
      void client.invalidateQueries({ queryKey: keys.customersAll });
    },
    onError: (e) => {
      // The server's refusals go under the field they are about; only what has no field stays in the banner.
      const placed = placeFieldErrors(e instanceof ApiError ? e.fields : [], Object.keys(form));
      setErrors(placed.errors);
      setUnplaced(e instanceof ApiError && e.fields.length > 0 ? placed.unplaced : [e.message]);
    },
  });
  /** A form field's value, its change and the refusal placed on it, for any input of this form. */
  const field = (key: keyof SettingsForm) => ({
    value: form[key],
    onChange: (value: string) => setForm((f) => ({ ...f, [key]: value })),
    error: errors[key],
  });
  const submit = () => {
    setNotice(null);
    setUnplaced([]);
    const { patch, errors } = settingsPatch(settings, form);
    setErrors(errors);
    if (Object.keys(errors).length > 0) return;
    if (Object.keys(patch).length === 0) {
      setNotice("Nothing changed.");
      return;
    }
    save.mutate(patch);
  };
  return (
    <BlockStack gap="400">
      <ErrorBanner error={unplaced.length ? unplaced.join(" ") : null} title="Settings were not saved" />
      {Object.keys(errors).length > 0 ? (
        <div data-testid="settings-field-errors">
          <Text as="p" tone="critical">
            Settings were not saved: fix the fields marked below.
          </Text>
        </div>
      ) : null}
      <Notice text={notice} />
      {GROUPS.map((g) => (
        <Section key={g.title} title={g.title} gap="300">
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
            {SETTINGS_NUMBER_FIELDS.filter(([path]) => groupOf(path) === g.prefix).map(([path, label]) => (
              <TextField
                key={path}
                label={label}
                type="number"
                {...field(path)}
                autoComplete="off"
                id={`setting-${path}`}
              />
            ))}
          </InlineGrid>
        </Section>
      ))}
      <Card>
        <FormLayout>
          <FormLayout.Group>
            <Select
              label="Shop time zone"
              options={zones}
              {...field("timeZone")}
              helpText="Quiet hours and the customer's day follow it"
            />
            <Select label="Default country for phones" options={countries} {...field("defaultCountry")} />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Quiet hours start" {...field("quietStart")} autoComplete="off" />
            <TextField label="Quiet hours end" {...field("quietEnd")} autoComplete="off" />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField
              label="Loyalty tiers (Name: points, one a line)"
              {...field("tiers")}
              multiline={4}
              autoComplete="off"
            />
            <TextField
              label="Junk identifiers (never link, one a line)"
              {...field("junkIdentifiers")}
              multiline={4}
              autoComplete="off"
            />
          </FormLayout.Group>
        </FormLayout>
      </Card>
      <Button variant="primary" onClick={submit} loading={save.isPending}>
        Save settings
      </Button>
    </BlockStack>
  );
}

function ConsentTexts() {
  const client = useQueryClient();
  const texts = useQuery({ queryKey: keys.consentTexts, queryFn: listConsentTexts });
  const [channel, setChannel] = useState("email");
  const [locale, setLocale] = useState("en");
  const [text, setText] = useState("");
  const publish = useMutation({
    mutationFn: publishConsentText,
    onSuccess: () => {
      setText("");
      void client.invalidateQueries({ queryKey: keys.consentTexts });
    },
  });
  return (
    <Section title="Consent texts" gap="300">
      <Text as="p" tone="subdued">
        The exact words staff show before a customer opts in; publishing makes a new version, earlier consents keep
        theirs.
      </Text>
      {texts.error ? (
        <Text as="p" tone="subdued">
          Consent texts unavailable: {texts.error.message}
        </Text>
      ) : null}
      {texts.data && texts.data.texts.length === 0 ? (
        <Text as="p" tone="subdued">
          No texts published yet: publish one per channel below before staff capture consent.
        </Text>
      ) : null}
      {(texts.data?.texts ?? []).map((t, i) => (
        <Text as="p" key={`${t.channel}-${t.locale}-${i}`}>
          <b>
            {channelLabel(t.channel)} · {t.locale}
            {` · v${t.version}`}
          </b>
          : {t.text}
        </Text>
      ))}
      <ErrorBanner error={publish.error} />
      <Notice text={publish.isSuccess ? "Consent text published." : null} />
      <FormLayout>
        <FormLayout.Group>
          <Select
            label="Channel"
            options={CHANNELS.map((c) => ({ value: c, label: channelLabel(c) }))}
            value={channel}
            onChange={setChannel}
          />
          <TextField label="Locale" value={locale} onChange={setLocale} autoComplete="off" />
        </FormLayout.Group>
        <TextField label="Text" value={text} onChange={setText} multiline={3} autoComplete="off" />
        <Button
          disabled={!text.trim()}
          loading={publish.isPending}
          onClick={() => publish.mutate({ channel, locale, text: text.trim() })}
        >
          Publish text
        </Button>
      </FormLayout>
    </Section>
  );
}

/** The shop's rules; a change says what it did (e.g. how many customers were re-staged). */
export function SettingsPage() {
  const loaded = useQuery({ queryKey: keys.settings, queryFn: getSettings });
  const settings = loaded.data?.settings ?? null;
  return (
    <Page title="Settings">
      <Layout>
        <Layout.Section>
          <ErrorBanner error={loaded.error} />
          <Loading loading={loaded.isPending} />
          {settings ? <SettingsFormCard settings={settings} /> : null}
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Section title="Customers by stage">
              <StageDistribution />
            </Section>
            <ConsentTexts />
            <MessagingKeys />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
