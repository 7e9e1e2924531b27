import { BlockStack, Button, Card, FormLayout, InlineGrid, Layout, Page, Select, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { getSettings, listConsentTexts, publishConsentText, putSettings, type Settings } from "../api";
import { MessagingKeys } from "../components/MessagingKeys";
import { StageDistribution } from "../stage-distribution";
import { ErrorBanner, Loading, Notice, useAction, useLoad } from "../ui";
import { SETTINGS_NUMBER_FIELDS, describeSettingsEffects, formatDate, settingsForm, settingsPatch, type SettingsForm } from "../view-model";

const GROUPS: { title: string; prefix: string }[] = [
  { title: "Lifecycle windows", prefix: "lifecycle." },
  { title: "Message caps and fatigue", prefix: "caps." },
  { title: "Loyalty and identity", prefix: "" },
];
const groupOf = (path: string) => (path.startsWith("lifecycle.") ? "lifecycle." : path.startsWith("caps.") || path === "fatigueThreshold" ? "caps." : "");

function SettingsFormCard({ settings, onSaved }: { settings: Settings; onSaved: (s: Settings, messages: string[]) => void }) {
  const [form, setForm] = useState<SettingsForm>(() => settingsForm(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const action = useAction();
  useEffect(() => setForm(settingsForm(settings)), [settings]);
  const set = (key: keyof SettingsForm) => (value: string) => setForm((f) => ({ ...f, [key]: value }));
  const save = () => {
    const { patch, errors } = settingsPatch(settings, form);
    setErrors(errors);
    if (Object.keys(errors).length > 0) return;
    if (Object.keys(patch).length === 0) {
      action.setNotice("Nothing changed.");
      return;
    }
    void action.run(() => putSettings(patch), (r) => {
      const messages = describeSettingsEffects(r.effects);
      onSaved(r.settings, messages);
      return messages.join(" ");
    });
  };
  return (
    <BlockStack gap="400">
      <ErrorBanner error={action.error} title="Settings were not saved" />
      <Notice text={action.notice} />
      {GROUPS.map((g) => (
        <Card key={g.title}>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              {g.title}
            </Text>
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
              {SETTINGS_NUMBER_FIELDS.filter(([path]) => groupOf(path) === g.prefix).map(([path, label]) => (
                <TextField key={path} label={label} type="number" value={form[path]} onChange={set(path)} error={errors[path]} autoComplete="off" id={`setting-${path}`} />
              ))}
            </InlineGrid>
          </BlockStack>
        </Card>
      ))}
      <Card>
        <FormLayout>
          <FormLayout.Group>
            <TextField label="Shop time zone" value={form.timeZone} onChange={set("timeZone")} autoComplete="off" helpText="IANA name, e.g. Europe/Paris" />
            <TextField label="Default country for phones" value={form.defaultCountry} onChange={set("defaultCountry")} error={errors.defaultCountry} autoComplete="off" />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Quiet hours start" value={form.quietStart} onChange={set("quietStart")} error={errors.quietStart} autoComplete="off" />
            <TextField label="Quiet hours end" value={form.quietEnd} onChange={set("quietEnd")} error={errors.quietEnd} autoComplete="off" />
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Loyalty tiers (Name: points, one a line)" value={form.tiers} onChange={set("tiers")} error={errors.tiers} multiline={4} autoComplete="off" />
            <TextField label="Junk identifiers (never link, one a line)" value={form.junkIdentifiers} onChange={set("junkIdentifiers")} multiline={4} autoComplete="off" />
          </FormLayout.Group>
        </FormLayout>
      </Card>
      <Button variant="primary" onClick={save} loading={action.pending}>
        Save settings
      </Button>
    </BlockStack>
  );
}

function ConsentTexts() {
  const texts = useLoad(() => listConsentTexts(), []);
  const [channel, setChannel] = useState("email");
  const [locale, setLocale] = useState("en");
  const [text, setText] = useState("");
  const action = useAction();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Consent texts
        </Text>
        <Text as="p" tone="subdued">
          The exact words staff show before a customer opts in; publishing makes a new version, earlier consents keep theirs.
        </Text>
        {texts.error ? <Text as="p" tone="subdued">Consent texts unavailable: {texts.error}</Text> : null}
        {(texts.data?.texts ?? []).map((t, i) => (
          <Text as="p" key={`${t.channel}-${t.locale}-${i}`}>
            <b>
              {t.channel} · {t.locale}
              {t.version != null ? ` · v${String(t.version)}` : ""}
            </b>
            : {t.text} {typeof t.publishedAt === "string" ? `(${formatDate(t.publishedAt)})` : ""}
          </Text>
        ))}
        <ErrorBanner error={action.error} />
        <Notice text={action.notice} />
        <FormLayout>
          <FormLayout.Group>
            <Select label="Channel" options={["email", "sms", "whatsapp", "push"]} value={channel} onChange={setChannel} />
            <TextField label="Locale" value={locale} onChange={setLocale} autoComplete="off" />
          </FormLayout.Group>
          <TextField label="Text" value={text} onChange={setText} multiline={3} autoComplete="off" />
          <Button
            disabled={!text.trim()}
            loading={action.pending}
            onClick={() =>
              action.run(() => publishConsentText({ channel, locale, text: text.trim() }), () => {
                setText("");
                texts.reload();
                return "Consent text published.";
              })
            }
          >
            Publish text
          </Button>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}

/** The shop's rules; a change says what it did (e.g. how many customers were re-staged). */
export function SettingsPage() {
  const loaded = useLoad(() => getSettings(), []);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (loaded.data) setSettings(loaded.data.settings);
  }, [loaded.data]);
  return (
    <Page title="Settings">
      <Layout>
        <Layout.Section>
          <ErrorBanner error={loaded.error} />
          <Loading loading={loaded.loading && !settings} />
          {settings ? (
            <SettingsFormCard
              settings={settings}
              onSaved={(s) => {
                setSettings(s);
                setVersion((v) => v + 1);
              }}
            />
          ) : null}
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Customers by stage
                </Text>
                <StageDistribution version={version} />
              </BlockStack>
            </Card>
            <ConsentTexts />
            <MessagingKeys />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
