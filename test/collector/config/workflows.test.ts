import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '@cartbeacon/collector';
import { ACCOUNT } from '../../helpers/collector.js';

const withAccount = (extra: Record<string, unknown>) => ({ accounts: [{ ...ACCOUNT, ...extra }] });
const problem = (extra: Record<string, unknown>) => {
  try {
    validateConfig(withAccount(extra), 'config.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  return undefined;
};

describe('workflows and goals in the configuration', () => {
  it('takes the documented format', () => {
    expect(
      problem({
        workflows: [
          { id: 'wf-1', name: 'Product pages', type: 'page_navigation', entry: { name: 'PAGE_VIEW', category: 'Product Page' } },
          {
            id: 'wf-2',
            name: 'Chat',
            type: 'interaction',
            entry: { name: 'CUSTOM_EVENT', type: ['chat_opened', 'chat_started'] },
            goals: [{ uid: 'g-1', name: 'Chatted', when: { name: 'CUSTOM_EVENT', type: 'chat_message' } }],
          },
        ],
        goals: [{ uid: 'g-2', name: 'Viewed the sale', when: { pageUrlContains: '/sale/' } }],
      }),
    ).toBeUndefined();
  });

  it.each([
    [{ workflows: [{ id: 'w', name: 'W', type: 'funnel' }] }, 'accounts[0].workflows[0].type'],
    [{ workflows: [{ id: 'w', name: 'W', type: 'interaction' }] }, 'accounts[0].workflows[0].entry is required'],
    [{ workflows: [{ id: 'w', type: 'page_navigation' }] }, 'accounts[0].workflows[0].name'],
    [{ workflows: [{ id: 'w', name: 'W', type: 'page_navigation', entry: {} }] }, 'accounts[0].workflows[0].entry'],
    [{ workflows: [{ id: 'w', name: 'W', type: 'page_navigation', entry: { url: '/x' } }] }, 'accounts[0].workflows[0].entry.url is not a known key'],
    [{ workflows: [{ id: 'w', name: 'W', type: 'page_navigation', entry: { name: [] } }] }, 'accounts[0].workflows[0].entry.name'],
    [{ workflows: [{ id: 'w', name: 'W', type: 'page_navigation', entry: { name: 5 } }] }, 'accounts[0].workflows[0].entry.name'],
    [{ workflows: [{ id: ACCOUNT.id, name: 'W', type: 'page_navigation' }] }, 'accounts[0].workflows[0].id'],
    [
      { workflows: [{ id: 'w', name: 'A', type: 'page_navigation' }, { id: 'w', name: 'B', type: 'page_navigation' }] },
      'accounts[0].workflows[1].id "w" is used by another workflow',
    ],
    [
      { workflows: [{ id: 'w', name: 'W', type: 'page_navigation', goals: [{ uid: 'g', name: 'G', when: { name: 'CHECKOUT' } }] }] },
      'accounts[0].workflows[0].goals: only interaction workflows have goals',
    ],
    [{ goals: [{ uid: 'g', name: 'G' }] }, 'accounts[0].goals[0].when'],
    [
      { goals: [{ uid: 'g', name: 'A', when: { name: 'CHECKOUT' } }, { uid: 'g', name: 'B', when: { name: 'CHECKOUT' } }] },
      'accounts[0].goals[1].uid "g" is used by another goal',
    ],
    [{ goals: [{ uid: '3b317fad-b163-463a-9720-774143be96e9', name: 'Mine', when: { name: 'CHECKOUT' } }] }, 'System: Visitor purchased'],
  ])('refuses %j in one line naming %s', (extra, named) => {
    const message = problem(extra);
    expect(message).toContain(named);
    expect(message).not.toContain('\n');
  });
});
