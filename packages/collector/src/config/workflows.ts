import type { AccountConfig } from './config.js';

/**
 * A condition on one event: every field given must match; a list matches any of its
 * values. Fields are the canonical event's (see StoredEvent); `pageUrlContains` matches
 * a substring of the page URL.
 */
export interface EventCondition {
  name?: string | string[];
  step?: string | string[];
  /** The CUSTOM_EVENT type. */
  type?: string | string[];
  category?: string | string[];
  productId?: string | string[];
  /** The event's own page's traffic source (not the session's landing page). */
  source?: string | string[];
  medium?: string | string[];
  campaign?: string | string[];
  device?: string | string[];
  country?: string | string[];
  pageUrlContains?: string;
}

/** A named event condition with a stable id. */
export interface Goal {
  uid: string;
  name: string;
  when: EventCondition;
}

/**
 * A workflow: a named funnel of the account's configuration, reported by the sidedata
 * endpoint (the workflow sidedata report).
 *
 * - `page_navigation`: sessions enter at their first event matching `entry` (without
 *   `entry`, at their first event) and their page views from there on are counted by
 *   local hour and weekday.
 * - `interaction`: a session's first event matching `entry` starts a run; `goals` are
 *   counted per run (reached later in the same session), the account's `goals` and the
 *   built-in purchase goal per visitor (reached from the visitor's first run on).
 */
export interface WorkflowConfig {
  /** Unique in the account; the sidedata path's workflow_id. */
  id: string;
  name: string;
  type: 'page_navigation' | 'interaction';
  entry?: EventCondition;
  goals?: Goal[];
}

/** The built-in goal of every account: a CHECKOUT purchase. Its uid is the same everywhere. */
export const PURCHASE_GOAL: Goal = Object.freeze({
  uid: '3b317fad-b163-463a-9720-774143be96e9',
  name: 'System: Visitor purchased',
  when: Object.freeze({ name: 'CHECKOUT', step: 'purchase' }),
});

const values = {
  anyOf: [
    { type: 'string', minLength: 1, maxLength: 512 },
    { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 512 } },
  ],
};

const conditionSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: values,
    step: values,
    type: values,
    category: values,
    productId: values,
    source: values,
    medium: values,
    campaign: values,
    device: values,
    country: values,
    pageUrlContains: { type: 'string', minLength: 1, maxLength: 2048 },
  },
};

const goalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['uid', 'name', 'when'],
  properties: {
    uid: { type: 'string', minLength: 1, maxLength: 100 },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    when: conditionSchema,
  },
};

/**
 * JSON schemas of an account's `workflows` and `goals`. ajv's JSONSchemaType cannot type
 * `string | string[]`, so these are plain objects; ajv checks them all the same.
 */
export const WORKFLOWS_SCHEMA = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'type'],
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 100 },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      type: { enum: ['page_navigation', 'interaction'] },
      entry: conditionSchema,
      goals: { type: 'array', maxItems: 100, items: goalSchema },
    },
  },
};

export const GOALS_SCHEMA = { type: 'array', maxItems: 100, items: goalSchema };

/**
 * What the schema cannot check: unique ids, an entry for every interaction workflow,
 * goals on interaction workflows only. Returns the key at fault and why, or undefined.
 */
export function workflowProblem(account: AccountConfig): string | undefined {
  const ids = new Set<string>();
  for (const [i, w] of (account.workflows ?? []).entries()) {
    const at = `workflows[${i}]`;
    if (w.id === account.id) return `${at}.id "${w.id}" is the account id, which names the built-in all-traffic workflow`;
    if (ids.has(w.id)) return `${at}.id "${w.id}" is used by another workflow`;
    ids.add(w.id);
    if (w.type === 'interaction' && !w.entry) return `${at}.entry is required for an interaction workflow`;
    if (w.type === 'page_navigation' && w.goals?.length) return `${at}.goals: only interaction workflows have goals`;
    const problem = goalsProblem(w.goals ?? [], `${at}.goals`);
    if (problem) return problem;
  }
  return goalsProblem(account.goals ?? [], 'goals');
}

function goalsProblem(goals: Goal[], at: string): string | undefined {
  const uids = new Set<string>([PURCHASE_GOAL.uid]);
  for (const [i, g] of goals.entries()) {
    if (uids.has(g.uid))
      return `${at}[${i}].uid "${g.uid}" is used by another goal${g.uid === PURCHASE_GOAL.uid ? ` (the built-in "${PURCHASE_GOAL.name}")` : ''}`;
    uids.add(g.uid);
  }
  return undefined;
}

/** The account's workflow with this id; the account id names the built-in all-traffic workflow. */
export function findWorkflow(account: AccountConfig, id: string): WorkflowConfig | undefined {
  if (id === account.id) return { id, name: 'All traffic', type: 'page_navigation' };
  return account.workflows?.find((w) => w.id === id);
}

/** The goals outside any workflow: the account's, then the built-in purchase goal. */
export const outerGoals = (account: AccountConfig): Goal[] => [...(account.goals ?? []), PURCHASE_GOAL];
