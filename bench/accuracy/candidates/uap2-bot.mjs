// ua-parser-js 2's bot-detection extension (AGPL-3.0-or-later).
import { lib } from './lib.mjs';

const { isBot: uapIsBot } = await lib('uap2/bot-detection');
export const name = 'ua-parser-js 2 bot-detection';
export const isBot = (ua) => !ua || uapIsBot(ua);
