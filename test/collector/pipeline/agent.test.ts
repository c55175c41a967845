import { describe, expect, it } from 'vitest';
import { agentOf } from '../../../packages/collector/dist/pipeline/agent.js';
import { loadFixture } from '../../fixtures/accuracy/load.js';

const share = <T>(cases: T[], ok: (c: T) => boolean) => cases.filter(ok).length / cases.length;

// The targets, on the fixtures the accuracy bench scores (node bench/accuracy/run.mjs).
describe('agentOf', () => {
  it('flags at most 0.2 % of mainstream browsers as bots, the kinds isbot took for bots included', () => {
    const humans = loadFixture('humans');
    expect(share(humans, (c) => agentOf(c.ua).isBot)).toBeLessThanOrEqual(0.002);
    for (const kind of ['tv', 'model-names', 'no-spaces']) {
      const flagged = humans.filter((c) => c.kind === kind && agentOf(c.ua).isBot).map((c) => c.ua);
      expect(flagged, kind).toEqual([]);
    }
  });

  it('still catches the bots: search engines, AI crawlers and link previews all, and 95 % of every kind', () => {
    const bots = loadFixture('bots');
    for (const kind of ['search', 'ai', 'preview']) expect(bots.filter((c) => c.kind === kind).every((c) => agentOf(c.ua).isBot), kind).toBe(true);
    expect(share(bots, (c) => agentOf(c.ua).isBot)).toBeGreaterThanOrEqual(0.95);
    expect(agentOf('').isBot).toBe(true);
  });

  it('gets at least 95 % of mainstream tablets right (Android and iPad, with the hints the tracker sends)', () => {
    const tablets = loadFixture('user-agents').filter((c) => /^(ipad|android-tablet|fire-tablet)/.test(c.group));
    expect(share(tablets, (c) => agentOf(c.ua, c.hints).device === 'TABLET')).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps phones phones: an Android model code or hint decides, HarmonyOS phones are Android phones', () => {
    const phone = (model: string) => `Mozilla/5.0 (Linux; Android 14; ${model}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36`;
    expect(agentOf(phone('23049PCD8G')).device).toBe('ANDROID');
    expect(agentOf(phone('23043RP34G')).device).toBe('TABLET');
    expect(agentOf(phone('K'), { mobile: true, platform: 'Android' }).device).toBe('ANDROID');
    expect(agentOf(phone('K'), { mobile: false, platform: 'Android' })).toMatchObject({ device: 'TABLET', deviceClass: 'Tablet' });
    const harmony = 'Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00; HMSCore 6.11.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.2.317 Mobile Safari/537.36';
    expect(agentOf(harmony).device).toBe('ANDROID');
  });

  it('caches by agent and by the hints that change the answer', () => {
    const mac = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
    expect(agentOf(mac).device).toBe('PC');
    expect(agentOf(mac, { maxTouchPoints: 5 }).device).toBe('TABLET');
    expect(agentOf(mac, { maxTouchPoints: 0 }).device).toBe('PC');
    expect(agentOf(mac, { maxTouchPoints: 5 })).toBe(agentOf(mac, { maxTouchPoints: 4 }));
  });
});
