import { useQuery } from "@tanstack/react-query";
import { getDashboard } from "./api";
import { HBarChart } from "./charts";
import { lifecycleEntries } from "./dashboard-view";
import { keys } from "./queries";
import { ErrorBanner, Loading } from "./ui";

/** How many active customers are in each lifecycle stage, each bar linking to its customers. */
export function LifecycleChart({ lifecycle }: { lifecycle: Parameters<typeof lifecycleEntries>[0]["lifecycle"] }) {
  return <HBarChart testId="stage-distribution" entries={lifecycleEntries({ lifecycle })} />;
}

/** The lifecycle chart reading the dashboard query; a settings save invalidates it, so it re-stages on screen too. */
export function StageDistribution() {
  const dashboard = useQuery({ queryKey: keys.dashboard, queryFn: getDashboard });
  return (
    <>
      <ErrorBanner error={dashboard.error} />
      <Loading loading={dashboard.isPending}>
        {dashboard.data ? <LifecycleChart lifecycle={dashboard.data.lifecycle} /> : null}
      </Loading>
    </>
  );
}
