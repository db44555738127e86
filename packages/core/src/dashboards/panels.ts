/**
 * Explicit panels: widgets a team adds to a generated dashboard (business flow, app metrics, log
 * queries), written in a `kind: Dashboard` spec (see the core README). A group names the audience
 * and the section; sections with the same title merge, `position: first` puts a section before the
 * generated ones (the business flow leads the management view).
 */
import type { Audience, DashboardSection, Widget } from '../model/dashboard';
import type { SourceLocation } from '../model/slo';

export interface PanelGroup {
  /** Only this service's dashboards get the group. @default every service */
  readonly service?: string;
  readonly audience: Audience | 'slo';
  readonly section: string;
  readonly position: 'first' | 'last';
  readonly widgets: readonly Widget[];
  readonly location?: SourceLocation;
}

/** Adds the groups meant for `audience` to the generated sections. */
export function mergePanels(
  audience: Audience | 'slo',
  generated: readonly DashboardSection[],
  groups: readonly PanelGroup[],
): DashboardSection[] {
  const first: DashboardSection[] = [];
  const last: DashboardSection[] = [];
  const sections = [...generated];
  for (const group of groups.filter((g) => g.audience === audience)) {
    const target = group.position === 'first' ? first : last;
    const all = [first, sections, last];
    const holder = all.find((list) => list.some((s) => s.title === group.section));
    if (holder) {
      const i = holder.findIndex((s) => s.title === group.section);
      holder[i] = { title: holder[i].title, widgets: [...holder[i].widgets, ...group.widgets] };
    } else target.push({ title: group.section, widgets: [...group.widgets] });
  }
  return [...first, ...sections, ...last];
}
