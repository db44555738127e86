/**
 * One grid layout for every renderer, so a widget sits at the same place in CloudWatch and in
 * Grafana (both use 24 columns). Each section starts with a one-unit header (a Grafana row, a
 * CloudWatch text widget); widgets flow left to right and wrap.
 */
import type { Dashboard, Widget } from '../model/dashboard';

export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface LaidOutSection {
  readonly title: string;
  readonly header: GridPos;
  readonly widgets: readonly { readonly widget: Widget; readonly pos: GridPos }[];
}

export const GRID_COLUMNS = 24;

export function layoutDashboard(dashboard: Dashboard): LaidOutSection[] {
  let y = 0;
  return dashboard.sections.map((section) => {
    const header = { x: 0, y, w: GRID_COLUMNS, h: 1 };
    y += 1;
    let x = 0;
    let rowHeight = 0;
    const widgets = section.widgets.map((widget) => {
      const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(widget.width)));
      const h = Math.max(1, Math.round(widget.height));
      if (x + w > GRID_COLUMNS) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      const pos = { x, y, w, h };
      x += w;
      rowHeight = Math.max(rowHeight, h);
      return { widget, pos };
    });
    y += rowHeight;
    return { title: section.title, header, widgets };
  });
}
