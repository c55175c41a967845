// isbot (Unlicense). ISBOT_EXCLUDE=1 removes the patterns that match real browsers here.
import { lib } from './lib.mjs';

const { isbot, createIsbotFromList, list } = await lib('isbot');

// The three isbot 5.2 patterns that match real browsers in humans.jsonl: "discovery" (phone
// models), "^[^ ]{50,}$" (spaceless agents) and "\b\w+/1\.0;" (TV "CE-HTML/1.0;").
const EXCLUDE = (p) => ['discovery', '^[^ ]{50,}$', '\\b\\w+/1\\.0;'].includes(p);
const exclude = process.env.ISBOT_EXCLUDE === '1';
const custom = exclude ? createIsbotFromList(list.filter((p) => !EXCLUDE(p))) : isbot;
export const name = 'isbot' + (exclude ? ' minus patterns that hit browsers' : '');
export const isBot = (ua) => !ua || custom(ua);
