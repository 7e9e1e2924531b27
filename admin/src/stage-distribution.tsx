import { useEffect } from "react";
import { getDashboard } from "./api";
import { lifecycleEntries } from "./dashboard-view";
import { BarChart, ErrorBanner, Loading, useLoad } from "./ui";

/** How many active customers are in each lifecycle stage, as a chart; the dashboard passes its figures in. */
export function LifecycleChart({ lifecycle }: { lifecycle: Parameters<typeof lifecycleEntries>[0]["lifecycle"] }) {
  return <BarChart testId="stage-distribution" entries={lifecycleEntries({ lifecycle })} />;
}

/** The lifecycle chart loading its own figures (Settings); `version` reloads it after a change. */
export function StageDistribution({ version = 0 }: { version?: number }) {
  const dashboard = useLoad(() => getDashboard(), []);
  const { reload } = dashboard;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  return (
    <>
      <ErrorBanner error={dashboard.error} />
      <Loading loading={dashboard.loading && !dashboard.data}>{dashboard.data ? <LifecycleChart lifecycle={dashboard.data.lifecycle} /> : null}</Loading>
    </>
  );
}
