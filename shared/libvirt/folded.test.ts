import { describe, expect, it } from 'vitest';
import { FOLDED_MARK, isMarkedFolded, markFolded } from './folded.js';

const snapshot = (description: string) => `<domainsnapshot>
  <name>s1</name>${description}
  <state>disk-snapshot</state>
  <domain type='qemu'>
    <name>web</name>
    <description>the domain's own</description>
  </domain>
</domainsnapshot>`;

describe('marking a snapshot whose state was folded away', () => {
  it("puts the mark at the start of the snapshot's own description, never the saved domain's", () => {
    const marked = markFolded(snapshot('\n  <description>before the upgrade</description>'));
    expect(marked).toContain(`<description>${FOLDED_MARK} before the upgrade</description>`);
    expect(marked).toContain("<description>the domain's own</description>");
  });

  it('adds a description where the snapshot has none, and marks only once', () => {
    const marked = markFolded(snapshot(''));
    expect(marked).toContain(`<name>s1</name>\n  <description>${FOLDED_MARK}</description>`);
    expect(markFolded(marked)).toBe(marked);
    expect(isMarkedFolded(`${FOLDED_MARK} before the upgrade`)).toBe(true);
    expect(isMarkedFolded('before the upgrade')).toBe(false);
    expect(isMarkedFolded(null)).toBe(false);
  });
});
