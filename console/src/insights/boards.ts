/** Saved insights and dashboards as the gateway stores them (flywheel.analytics.v1.SavedInsight / Dashboard). */
import { fromQuery, type Insight, toQuery } from './model';

export interface SavedInsight {
  key: string;
  name: string;
  description: string;
  environment: string;
  queryJson: string;
  kind: string;
  version: number;
  updatedBy: string;
  updatedAt: string;
}

export interface Tile {
  insightKey: string;
  width: number;
}

export interface Dashboard {
  key: string;
  name: string;
  description: string;
  tiles: Tile[];
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/** The question a saved insight holds (the same JSON a shared link carries). */
export function questionOf(saved: SavedInsight): Insight {
  return fromQuery(`?q=${encodeURIComponent(saved.queryJson)}`);
}

/** The JSON an insight is saved as: what differs from the defaults, with its kind always named. */
export function queryJsonOf(insight: Insight): string {
  const differs = JSON.parse(decodeURIComponent(toQuery(insight).slice(3))) as Record<string, unknown>;
  return JSON.stringify({ ...differs, kind: insight.kind });
}

/** A key from a name: "Weekly sign-ups" → "weekly-sign-ups" (what keys allow, at most 64 characters). */
export function keyFrom(name: string): string {
  const key = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
    .slice(0, 64).replace(/-+$/, '');
  return key || 'insight';
}

/** "just now", "4 min ago", "2 h ago": how old an answer is. */
export function age(computedAt: Date, now = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - computedAt.getTime()) / 1000));
  if (seconds < 45) {
    return 'just now';
  }
  if (seconds < 5400) {
    return `${Math.max(1, Math.round(seconds / 60))} min ago`;
  }
  return `${Math.round(seconds / 3600)} h ago`;
}
