import { useEffect } from "react";
import { countBy } from "./api";
import { BarChart, ErrorBanner, Loading, useLoad } from "./ui";
import { LIFECYCLE_STAGES, stageLabel } from "./view-model";

/** How many active customers are in each lifecycle stage; `version` reloads it after a change. */
export function StageDistribution({ version = 0 }: { version?: number }) {
  const counts = useLoad(() => countBy("stage", LIFECYCLE_STAGES), []);
  const { reload } = counts;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  return (
    <>
      <ErrorBanner error={counts.error} />
      <Loading loading={counts.loading && !counts.data}>
        <BarChart testId="stage-distribution" entries={LIFECYCLE_STAGES.map((s) => ({ key: s, label: stageLabel(s), value: counts.data?.[s] ?? 0 }))} />
      </Loading>
    </>
  );
}
