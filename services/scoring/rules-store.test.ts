import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PrecursorRiskError } from '../common/errors.ts';
import { DEFAULT_KNOWLEDGE_PATH } from './knowledge.ts';
import { DEFAULT_LANE_POLICY_PATH } from './lane-policy.ts';
import { createRulesStore, DEFAULT_RULES_DIR, loadRulesSnapshot, parseRulesFile } from './rules-store.ts';

const RULE = `rules:
  - id: sample-rule
    description: A rule for tests only
    scope: report
    weight: 0.3
    when: { fact: paymentMethod, eq: CASH }
    explanation: 'Payment by {paymentMethod}'
    source: { indicator: 10, citation: 'DOMAIN.md §3 #10 (test)' }
`;

function tempRules(extra?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'));
  for (const f of readdirSync(DEFAULT_RULES_DIR)) copyFileSync(join(DEFAULT_RULES_DIR, f), join(dir, f));
  if (extra !== undefined) writeFileSync(join(dir, 'extra.yaml'), extra);
  return dir;
}

const until = async (cond: () => boolean, ms = 5000) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('rules files', () => {
  it('load, validate and hash to a 12-hex version', () => {
    const snap = loadRulesSnapshot();
    expect(snap.version).toMatch(/^[0-9a-f]{12}$/);
    expect(snap.rules.length).toBeGreaterThan(20);
    expect(loadRulesSnapshot().version).toBe(snap.version);
  });

  it('every rule cites a DOMAIN.md §3 indicator', () => {
    for (const r of loadRulesSnapshot().rules) {
      expect(r.source.citation, r.id).toMatch(/DOMAIN\.md/);
    }
  });

  it('version ignores comments and formatting but not content', () => {
    const dir = tempRules();
    dirs.push(dir);
    const base = loadRulesSnapshot(dir).version;
    const file = join(dir, 'route.yaml');
    writeFileSync(file, `# a new comment\n${readFileSync(file, 'utf8')}`);
    expect(loadRulesSnapshot(dir).version).toBe(base);
    writeFileSync(file, readFileSync(file, 'utf8').replace('weight: 0.1', 'weight: 0.12'));
    expect(loadRulesSnapshot(dir).version).not.toBe(base);
  });

  it.each([
    [
      'unknown fact',
      RULE.replace('fact: paymentMethod', 'fact: paymentMethd'),
      /extra\.yaml: rule sample-rule: when\.fact: unknown fact "paymentMethd"/,
    ],
    [
      'wrong value type',
      RULE.replace('eq: CASH', 'eq: 3'),
      /rule sample-rule: when\.eq: value type does not match string fact/,
    ],
    [
      'numeric operator on a string',
      RULE.replace('eq: CASH', 'gt: 3'),
      /rule sample-rule: when\.gt: gt needs a number fact/,
    ],
    [
      'unknown template fact',
      RULE.replace('{paymentMethod}', '{nope}'),
      /rule sample-rule: explanation \{nope\}: unknown fact "nope"/,
    ],
    [
      'line fact in report rule',
      RULE.replace('fact: paymentMethod, eq: CASH', 'fact: line.vague, eq: true'),
      /line fact "line\.vague" in a report-scope rule/,
    ],
    ['weight out of range', RULE.replace('weight: 0.3', 'weight: 1.5'), /rule sample-rule: weight: /],
    [
      'bad id',
      RULE.replace('id: sample-rule', 'id: Sample_Rule'),
      /rule Sample_Rule: id: rule id must be kebab-case/,
    ],
    ['not YAML', 'rules: [\n', /extra\.yaml: not valid YAML/],
  ])('rejects %s with file, rule id and path', (_name, text, message) => {
    expect(() => parseRulesFile(text, '/x/extra.yaml')).toThrow(message);
  });

  it('rejects duplicate ids across files', () => {
    const dir = tempRules(RULE.replace('sample-rule', 'high-risk-corridor'));
    dirs.push(dir);
    expect(() => loadRulesSnapshot(dir)).toThrow(
      /route\.yaml: rule high-risk-corridor: id: duplicate of a rule in extra\.yaml/,
    );
  });
});

describe('RulesStore hot reload', () => {
  it('reloads a valid change and keeps the old rules on a bad one', async () => {
    const dir = tempRules();
    dirs.push(dir);
    const errors: PrecursorRiskError[] = [];
    const store = createRulesStore({
      rulesDir: dir,
      knowledgePath: DEFAULT_KNOWLEDGE_PATH,
      watch: true,
      debounceMs: 50,
    });
    try {
      const v0 = store.version;
      const seen: string[] = [];
      store.onReload((s) => seen.push(s.version));
      store.onError((e) => errors.push(e));

      writeFileSync(join(dir, 'extra.yaml'), RULE);
      await until(() => seen.length === 1);
      expect(store.version).not.toBe(v0);
      expect(store.current.rules.some((r) => r.id === 'sample-rule')).toBe(true);
      const v1 = store.version;

      writeFileSync(join(dir, 'extra.yaml'), RULE.replace('fact: paymentMethod', 'fact: nope'));
      await until(() => errors.length === 1);
      expect(errors[0]!.code).toBe('RULES_INVALID');
      expect(errors[0]!.message).toMatch(/extra\.yaml: rule sample-rule: when\.fact: unknown fact "nope"/);
      expect(store.version).toBe(v1);
      expect(store.current.rules.some((r) => r.id === 'sample-rule')).toBe(true);
    } finally {
      store.close();
    }
  });

  it('reloads when the knowledge base changes, and rejects a broken one', async () => {
    const dir = tempRules();
    dirs.push(dir);
    const kbPath = join(dir, 'kb', 'precursors.yaml');
    mkdirSync(join(dir, 'kb'));
    copyFileSync(DEFAULT_KNOWLEDGE_PATH, kbPath);
    const store = createRulesStore({ rulesDir: dir, knowledgePath: kbPath, watch: true, debounceMs: 50 });
    const errors: string[] = [];
    store.onError((e) => errors.push(e.message));
    try {
      const v0 = store.version;
      writeFileSync(
        kbPath,
        readFileSync(kbPath, 'utf8').replace(/^version: .*$/m, 'version: reloaded-by-test'),
      );
      await until(() => store.version !== v0);
      expect(store.current.knowledge.version).toBe('reloaded-by-test');
      writeFileSync(kbPath, readFileSync(kbPath, 'utf8').replace('number: 39742-60-4', 'number: 39742-60-5'));
      await until(() => errors.length > 0);
      expect(errors[0]).toMatch(/precursors\.yaml: at substances\.1\.cas\.0\.number: not a valid CAS/);
      expect(store.current.knowledge.version).toBe('reloaded-by-test');
    } finally {
      store.close();
    }
  });

  it('reloads when the lane policy changes, and keeps the previous one on a bad file', async () => {
    const dir = tempRules();
    dirs.push(dir);
    const lanesPath = join(dir, 'policy', 'lanes.yaml');
    mkdirSync(join(dir, 'policy'));
    copyFileSync(DEFAULT_LANE_POLICY_PATH, lanesPath);
    const store = createRulesStore({ rulesDir: dir, lanePolicyPath: lanesPath, watch: true, debounceMs: 50 });
    const errors: string[] = [];
    store.onError((e) => errors.push(e.message));
    try {
      const v0 = store.version;
      const text = readFileSync(lanesPath, 'utf8');
      // The calibrated RED threshold: the only two-space-indented `red:` with a plain number.
      const red = /^ {2}red: [\d.]+$/m;
      writeFileSync(lanesPath, text.replace(red, '  red: 0.7'));
      await until(() => store.version !== v0);
      expect(store.current.lanes?.thresholds.red).toBe(0.7);
      writeFileSync(lanesPath, text.replace(red, '  red: 0.02'));
      await until(() => errors.length > 0);
      expect(errors[0]).toMatch(/lanes\.yaml: thresholds/);
      expect(store.current.lanes?.thresholds.red).toBe(0.7);
    } finally {
      store.close();
    }
  });

  it('throws on reload() of a bad directory and stays on the previous snapshot', () => {
    const dir = tempRules();
    dirs.push(dir);
    const store = createRulesStore({ rulesDir: dir });
    const before = store.current;
    writeFileSync(join(dir, 'extra.yaml'), 'rules: [{ id: x }]');
    expect(() => store.reload()).toThrow(PrecursorRiskError);
    expect(store.current).toBe(before);
    store.close();
  });
});
